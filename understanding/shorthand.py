"""Chat shorthand and common misspellings of the small words the readings hinge on, written out.

People type "wat else could i even do", "u", "ppl", "dosent": the readings (understanding/
feelings.py, routing.py) look for "what else could i do", "you", "people", "doesn't". Only
whole words, and only where the long form is the one meaning in a chat about work ("r" is
"are", never a letter anyone names here). The knowledge base's own names are corrected
elsewhere (knowledge/spelling.py).
"""

from __future__ import annotations

import re

SHORTHAND = {
    "wat": "what", "wut": "what", "wht": "what", "whta": "what", "hw": "how", "hwo": "how",
    "u": "you", "yu": "you", "ur": "your", "r": "are",
    "ppl": "people", "abt": "about", "bout": "about", "cuz": "because", "coz": "because",
    "bc": "because", "b/c": "because", "tho": "though", "thru": "through", "pls": "please",
    "plz": "please", "rn": "right now", "idk": "i don't know", "dunno": "don't know",
    "wanna": "want to", "gonna": "going to", "kinda": "kind of",
    "im": "i'm", "ive": "i've", "dont": "don't", "doesnt": "doesn't",
    "dosent": "doesn't", "dosnt": "doesn't", "didnt": "didn't", "cant": "can't",
    "wont": "won't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "havent": "haven't",
    "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't", "thats": "that's",
    "whats": "what's", "somthing": "something", "sth": "something", "smth": "something",
    "anythin": "anything", "evry": "every", "wich": "which", "shud": "should", "cud": "could",
    "wud": "would", "becuase": "because", "becasue": "because", "realy": "really",
    "w/": "with", "w/o": "without", "yrs": "years", "yr": "year",
    # pay, misspelt: the readings hinge on it
    "salery": "salary", "sallary": "salary", "salry": "salary", "salaray": "salary",
    "salerys": "salaries", "payed": "paid", "wadge": "wage", "wadges": "wages",
}
_WORD = re.compile(r"(?<![\w'/])(?:" + "|".join(
    re.escape(w) for w in sorted(SHORTHAND, key=len, reverse=True)) + r")(?![\w'/])")


def expand(text: str) -> str:
    """`text` (lower case) with its shorthand written out."""
    return _WORD.sub(lambda m: SHORTHAND[m.group(0)], text)
