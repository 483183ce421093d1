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


def _asking_sentences(text: str) -> list[re.Match[str]]:
    """The sentences of a long message that ask something, when others only tell; else []."""
    if len(text.split()) < LONG_WORDS:
        return []
    sentences = [m for m in _SENTENCE.finditer(text) if m.group().strip(" .!?…")]
    asking = [i for i, m in enumerate(sentences) if asks_something(m.group().strip())]
    if not asking or len(asking) == len(sentences):
        return []
    if len(sentences[asking[0]].group().split()) < SHORT_QUESTION and asking[0] > 0:
        # "how does he even get in": what "in" is, is in the sentence before
        asking.insert(0, asking[0] - 1)
    return [sentences[i] for i in asking]


def main_question(text: str) -> str | None:
    """The sentences of a long message that ask something, when others only tell; else None
    (read the message whole)."""
    asking = _asking_sentences(text)
    return " ".join(m.group().strip() for m in asking) if asking else None


def in_main_question(text: str, start: int) -> bool:
    """Whether the character at `start` is in the sentences that ask ("My manager said I'm
    quiet. What do team leads need?": the team leads are, the manager is not); True when the
    message is read whole."""
    asking = _asking_sentences(text)
    return not asking or any(m.start() <= start < m.end() for m in asking)
