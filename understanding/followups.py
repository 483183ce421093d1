"""Follow-ups that lean on what came before: a word that points back ("how much do they make?",
"how long to get there?") and a change of unit ("what's that in US dollars?", "per hour?").
Pure: the NLU component and the actions use them."""

from __future__ import annotations

import re

from understanding.feelings import asks_something

_BACK = re.compile(r"\b(?:they|them|their|it|its|that|those|this|there|one|he|she|his|her|"
                   r"the (?:role|job|position|career|field|level|switch|move|change|transition)|"
                   r"that (?:role|job|level|career))"
                   r"\b|^(?:and|what about|how about|same)\b")
# What a unit question asks for; a currency the sources never use is "other".
_UNITS = [("hour", r"\b(?:per|an|a|by the|each) hour\b|\bhourly\b|/ ?h(?:ou)?r\b"),
          ("month", r"\b(?:per|a|each) month\b|\bmonthly\b"),
          ("usd", r"\b(?:us |american |u\.s\. )?dollars?\b|\busd\b"),
          ("eur", r"\beuros?\b|\beur\b"),
          ("other", r"\b(?:pesos?|rupees?|pounds?|gbp|yen|rand|dirhams?|reais|zloty|naira|"
                    r"ringgit|baht|local currency)\b")]
_compiled = [(unit, re.compile(pattern)) for unit, pattern in _UNITS]
_A_YEAR = re.compile(r"\b(?:a|per|each) year\b|\b(?:yearly|annual\w*)\b")
_OR_A_YEAR = re.compile(r"\bor (?:per |a |each |by the )?(?:year|annual\w*|yearly)\b")
SHORT = 10  # words: a unit question is short ("in dollars pls, euros mean nothing to me")
# The level above the one named or talked about: "what's the next level up", "and after that?"
_NEXT_LEVEL = re.compile(r"\bnext (?:level|step up|rung|role|position|title|promotion)\b|"
                         r"\blevel (?:up|above)\b|\b(?:level|role|job|one) above\b|"
                         r"\b(?:next|comes|level|role|rung) after (?!that|this|it)\w|"
                         # "and the one after it": the level above the conversation's
                         r"\bthe (?:one|level|role|rung|step) (?:after|above) (?:it|that|this)\b|"
                         r"^\W*(?:and |ok |so )?(?:what(?:'s| comes| is)? )?after (?:that|this)"
                         r"\W*$")
# "and what's the typical starting salary in cs?": customer service as a whole, whatever came before
_IN_GENERAL = re.compile(r"\b(?:in (?:cs|customer service|call cent(?:er|re)s?|general)|overall|"
                         r"across the board|for everyone)\b")
# "been a rep 2 yrs", "im a csr": the role the person has, not the one asked about
_SELF = re.compile(r"\b(?:i'?m|i am|been|as|working as|work as|i was|currently)\s+"
                   r"(?:an?\s+|the\s+)?$")
# Two levels set side by side: both are the subject ("is TL pay better than a rep's?")
_COMPARES = re.compile(r"\b(?:vs|versus|compared?|than|difference|differ|between|or|gap|jump|"
                       r"more|less|better|worse)\b")


def refers_back(text: str) -> bool:
    """Whether the message points back to the subject of the conversation so far, and not to
    customer service as a whole ("and the median in cs overall?")."""
    plain = text.lower()
    return bool(_BACK.search(plain)) and not _IN_GENERAL.search(plain)


def unit_asked(text: str) -> str | None:
    """The unit a short message asks a figure in ("usd", "eur", "hour", "month", "other")."""
    plain = text.lower()
    if len(plain.split()) > SHORT or _OR_A_YEAR.search(plain):
        return None  # "is that per month or per year": the year's figure it was, again
    return next((unit for unit, pattern in _compiled if pattern.search(plain)), None)


def per_asked(text: str) -> str | None:
    """The period a pay question of any length asks for ("hour", "month"), or None: "whats the
    median hourly for a CSR" wants the hourly figure, not the yearly one."""
    # the sentences that ask: "what does a manager make a year? the rest of us are hourly"
    sentences = re.split(r"(?<=[.!?])\s+", text.lower())
    plain = " ".join(s for s in sentences if asks_something(s)) or text.lower()
    if _A_YEAR.search(plain):
        return None
    return next((unit for unit, pattern in _compiled[:2] if pattern.search(plain)), None)


def compares(text: str) -> bool:
    """Whether the message sets two things side by side."""
    return bool(_COMPARES.search(text.lower()))


def asks_next_level(text: str) -> bool:
    """Whether the message asks about the level above the one it names or the last one."""
    return bool(_NEXT_LEVEL.search(text.lower()))


# "and the one below that", "how long to get to the top one": another level than the one talked
# about, by where it sits on the ladder
# (not "the step before this": a step of the plan)
_OTHER_LEVEL = [("below", r"\b(?:the )?(?:one|level|role|rung) (?:below|under) "
                          r"(?:it|that|this|them)\b|"
                          r"\b(?:the )?(?:level|role|rung) before (?:it|that|this)\b|"
                          r"\blevel (?:below|down)\b"),
                ("top", r"\b(?:the )?(?:top|highest) (?:one|level|role|rung|job)\b"),
                ("bottom", r"\b(?:the )?(?:bottom|lowest|entry) (?:one|level|rung)\b")]
_other_levels = [(where, re.compile(pattern)) for where, pattern in _OTHER_LEVEL]


def other_level(text: str) -> str | None:
    """Where on the ladder the level asked about sits ("below", "top", "bottom") when the
    message points at it rather than naming it, or None."""
    plain = text.lower()
    return next((where for where, pattern in _other_levels if pattern.search(plain)), None)


# "how long to go from agent to QA analyst": where the person starts, not where they aim
_FROM = re.compile(r"\bfrom\s+(?:an?\s+|the\s+|being\s+(?:an?\s+)?)?(?:[\w-]+\s+){0,2}$")


def starting_point(text: str, start: int) -> bool:
    """Whether the words before `start` say it is where a move starts ("from newbie ")."""
    return bool(_FROM.search(text[:start].lower()))


# "does that pay more than being a TL": what the conversation's subject is set against
_THAN = re.compile(r"\bthan\s+(?:being\s+|staying\s+|as\s+)?(?:an?\s+|the\s+|my\s+)?$")


def compared_against(text: str, start: int) -> bool:
    """Whether the words before `start` say it is what something is compared with ("than a ")."""
    return bool(_THAN.search(text[:start].lower()))


def self_described(text: str, start: int) -> bool:
    """Whether the words before `start` say the person is what follows ("been a ", "I'm a ")."""
    return bool(_SELF.search(text[:start].lower()))


# "my manager said i won't get senior unless...", "my tl doesn't even know my name": a person
# in their working life who does or says something, not the level asked about ("what does my
# manager earn" still asks about it)
_PERSON_BEFORE = re.compile(r"\b(?:my|our|his|her) (?:new |old |current |last )?$")
_PERSON_DOES = re.compile(r"^\W*(?:\w+ )?(?:said|says|told|tells|thinks|reckons|keeps|wants|"
                          r"won't|wont|doesn't|doesnt|dosent|didn't|didnt|never|always|just|"
                          r"gave|called|asked|made|yelled|hates|likes|knows|is|was|has|had|"
                          r"can't|cant|literally|even)\b")


def someone_in_their_life(text: str, start: int, end: int) -> bool:
    """Whether the level named at text[start:end] is a person the message tells about ("my
    manager said ...") rather than the level it asks about."""
    plain = text.lower()
    return bool(_PERSON_BEFORE.search(plain[:start]) and _PERSON_DOES.search(plain[end:]))


# The words people open a reply with before what they ask: "hm ok. how do i start", "right,
# and what about..."
LEAD_IN = (r"^\W*(?:(?:ok(?:ay)?|so|and|but|hm+|um+|uh+|right|well|alright|fine|cool|great|"
           r"thanks|lol|huh|wait|yeah|yes|no|nah)\b[\s.,!?…-]*)*")


# A short follow-up that names another side of the same subject ("and the pay?", "how long
# would that take", "what about the downsides"): (what it asks, its words). The subject stays the
# conversation's; the topic is the side asked for.
_ASPECTS = [("pay", r"\b(?:pay|paid|salary|salaries|wages?|earn\w*|money|make)\b|"
                    r"^\W*(?:and |so |ok )?how much\W*$"),
            ("years", r"\bhow (?:long|many years|soon)\b|\btake (?:me )?to get\b"),
            ("skills", r"\bskills?\b|\bwhat (?:do|would|should) i (?:need|learn|study)\b|"
                       r"\bwhat (?:does|would|will) it take\b|\bwhat do (?:they|you) look for\b"),
            ("duties", r"\bwhat (?:do|does|would) (?:they|it|that|one|i) (?:\w+ )?do\b|"
                       r"\bday to day\b|\bduties\b|\bresponsibilit"),
            ("cons", r"\b(?:cons|downsides?|negatives?|drawbacks?|disadvantages?|bad sides?|"
                     r"worst part)\b"),
            ("pros", r"\b(?:pros|upsides?|positives?|advantages?|benefits?|good sides?|"
                     r"best part)\b"),
            ("start", LEAD_IN + r"(?:how|where) (?:do|would|should|can) i "
                      r"(?:even )?(?:start|begin|get started)\W*$|^\W*(?:what(?:'s| is) )?"
                      r"(?:the )?first steps?\W*$|"
                      r"\bwhat (?:should|do|would|can) i do first\b"),
            # "source?", "how do u know", "why?": where the last answer comes from
            ("source", LEAD_IN + r"(?:sources?|says who|how (?:do|would|can) (?:you|u) know"
                       r"(?: (?:that|this|it))?(?: works?)?|where(?:'s| is| does) (?:that|this) "
                       r"(?:from|come from)|why(?: so (?:long|low|much|little|high))?|"
                       r"is that true|proof)\W*$")]
_aspects = [(aspect, re.compile(pattern)) for aspect, pattern in _ASPECTS]
ASPECT_WORDS = 10  # "how many years would it take me to get in"


def aspect_asked(text: str) -> str | None:
    """The side of the conversation's subject a short follow-up asks about ("pay", "years",
    "skills", "duties", "cons", "pros", "start"), if exactly one."""
    plain = text.lower()
    if len(plain.split()) > ASPECT_WORDS:
        return None
    found = [aspect for aspect, pattern in _aspects if pattern.search(plain)]
    return found[0] if len(found) == 1 else None


# "tell me more about the second one", "number 3", "the last option": an item of the list the
# bot just gave (careers, levels, regions)
_ORDINAL_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
                  "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7,
                  "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "last": -1}
_ORDINAL = re.compile(
    r"(?<!my )(?<!our )(?<!your )(?<!his )(?<!her )(?<!their )"
    r"\b(?P<word>" + "|".join(_ORDINAL_WORDS) + r")\s+(?:one|option|item|choice|on (?:the|that|"
    r"your) list|(?:career|job|role|level)(?=\s*(?:[?.!,]|$|you\b|on (?:the|that|your) list)))"
    r"|^\W*(?:the\s+)?(?P<alone>" + "|".join(_ORDINAL_WORDS) + r")\W*$"
    r"|\b(?:number|no\.?|option|#)\s?(?P<digit>[1-9])\b")
ORDINAL_WORDS = 10


def ordinal_asked(text: str) -> int | None:
    """The place in the last list a short message points at (1-based; -1 for the last)."""
    plain = text.lower()
    if len(plain.split()) > ORDINAL_WORDS:
        return None
    match = _ORDINAL.search(plain)
    if not match:
        return None
    if match.group("digit"):
        return int(match.group("digit"))
    return _ORDINAL_WORDS[match.group("word") or match.group("alone")]


_LIST_ITEM = re.compile(r"^\s*(?:•|\d+\.)\s*(?P<item>[^:(\n]+?)\s*(?:[:(]|$)", re.MULTILINE)


def list_items(text: str) -> list[str]:
    """The items of a list a reply gives, each as it names it ("• Sales and account management",
    "2. Customer Service Associate: 1-3 years")."""
    return [m.group("item").strip() for m in _LIST_ITEM.finditer(text)]


_WORTH = re.compile(r"\bworth (?:it|the|doing|going)\b|\bworthwhile\b")


def asks_worth(text: str) -> bool:
    """Whether the message asks if something is worth it ("is it worth it?")."""
    return bool(_WORTH.search(text.lower()))


# "and for someone with 2 yrs", "what would i make with 4 years experience": experience in years
_EXPERIENCE = re.compile(r"\bwith (?:about |around |over |nearly |almost )?(?P<n>\d+(?:\.\d+)?)\s*"
                         r"(?:years?|yrs?)\b|\b(?P<m>\d+(?:\.\d+)?)\s*(?:years?|yrs?) "
                         r"(?:of )?(?:experience|exp|in)\b")


def years_of_experience(text: str) -> float | None:
    """The years of experience a message gives someone, or None."""
    match = _EXPERIENCE.search(text.lower())
    return float(match.group("n") or match.group("m")) if match else None


def about_customer_service_as_a_whole(text: str) -> bool:
    """Whether the message says it asks about customer service in general ("in cs", "overall")."""
    return bool(_IN_GENERAL.search(text.lower()))
