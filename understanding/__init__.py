"""Reading what people write beyond the intent classifier: safety concerns, feelings, whether a
message asks anything, and which subject decides the question. Pure Python, used by the NLU
components in rasa_ext/ and tested on its own."""

from understanding.safety import CRISIS, SIGNPOSTED
from understanding.social import STATEMENT

# Intents decided by these readings rather than learnt by the classifier: their training
# examples only give the classifier their shape, and tests/safety/messages.yml and the
# real-message labels test them, not the NLU held-out sets.
READ_INTENTS = frozenset({CRISIS, *SIGNPOSTED, STATEMENT})
