"""The question inside a long message: what the intent is read from.

"burnt out after another 10 hour shift of angry callers. does it get any better as a team
leader?" asks about the team leader's job; read whole, the venting outweighs the question and the
message reads as "why people leave". A long message that tells and asks is read for its meaning
from the sentences that ask; everything else about it (the feeling it names, the subjects, the
safety check) still reads the whole message.
"""

from __future__ import annotations

import re

from understanding.feelings import asks_something

# Shorter messages are read whole: a question with a clause before it ("as a rep, what's next?")
LONG_WORDS = 16
# A question this short leans on the sentence before it
SHORT_QUESTION = 7
_SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]*")


def main_question(text: str) -> str | None:
    """The sentences of a long message that ask something, when others only tell; else None
    (read the message whole)."""
    if len(text.split()) < LONG_WORDS:
        return None
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip(" .!?…")]
    asking = [i for i, s in enumerate(sentences) if asks_something(s)]
    if not asking or len(asking) == len(sentences):
        return None
    if len(sentences[asking[0]].split()) < SHORT_QUESTION and asking[0] > 0:
        # "how does he even get in": what "in" is, is in the sentence before
        asking.insert(0, asking[0] - 1)
    return " ".join(sentences[i] for i in asking)
