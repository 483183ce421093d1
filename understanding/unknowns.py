"""Jobs named in a pay question that the knowledge base does not know ("what's the pay for a
nurse", "salary of a data scientist", "how much do teachers make"): found as the noun phrase in
the places a pay question puts a job, so the bot says its sources have no figure for it rather
than giving customer-service pay in its place. The knowledge base's own roles and careers are
entities and never reach here; words that mean customer service itself are not a job."""

from __future__ import annotations

import re
from difflib import get_close_matches

_JOB = r"(?P<job>[a-z][a-z'-]*(?: [a-z][a-z'-]*){0,3}?)"
_PATTERNS = [re.compile(p) for p in (
    rf"\b(?:pay|salary|salaries|wages?|income|earnings|paid) (?:for|of) (?:an? |the )?{_JOB}"
    r"(?= in\b| per\b| a year\b| an hour\b| these days\b| now\b| nowadays\b|[?.!,]|$)",
    rf"\b(?:do|does|would|will|can|could|did) (?:an? |the )?{_JOB} (?:make|earn|get paid|"
    r"take home|bring in)\b",
    rf"\bwhat(?:'s|s| is)? (?:does|do|would)? ?(?:an? |the )?{_JOB} (?:make|earn)\b",
    rf"\bhow much (?:is|are|would|will) (?:an? |the )?{_JOB} (?:paid|earning|making)\b",
    # not "a massive pay cut", "a decent pay rise"
    rf"\b(?:an? |the )?{_JOB} (?:salary|salaries|pay|wages?)\b"
    r"(?! (?:cut|cuts|rise|raise|increase|bump|drop|gap|check|cheque|slip|band|grade|scale)\b)",
    rf"\b(?:become|becoming|work as|working as|switch to being) (?:an? )?{_JOB}"
    r"(?= in\b| and\b| instead\b| coming\b| from\b| after\b|[?.!,]|$)",
    # a follow-up that names only the job: "and for a nurse?", "what about teachers?"
    rf"^\W*(?:and |but |ok |so )?(?:what about |how about )?(?:for |as )(?:an? |the )?{_JOB}"
    r"(?=[?.!,]|$)",
    # a job given as the example of what they want: "an office job, for example administration"
    rf"\b(?:for example|such as|something like|maybe|e g) {_JOB}(?= or\b|[?.!,;]|$)",
)]
# Words that say the job is customer service itself, or that the phrase is no job at all.
_NOT_A_JOB = {
    "customer", "customers", "service", "services", "cs", "csr", "csrs", "cx", "call", "calls",
    "center", "centre", "centers", "centres", "agent", "agents", "rep", "reps",
    "representative", "representatives", "support", "contact", "bpo", "helpdesk", "help",
    "desk", "average", "median", "starting", "start", "entry", "typical", "usual", "normal",
    "my", "our", "your", "their", "his", "her", "its", "this", "that", "these", "those", "the",
    "hourly", "annual", "yearly", "monthly", "base", "good", "decent", "fair", "real", "much",
    "what", "how", "people", "person", "they", "them", "you", "i", "we", "it", "one", "someone",
    "level", "levels", "role", "roles", "job", "jobs", "position", "positions", "work", "same",
    "more", "most", "less", "least", "higher", "lower", "top", "best", "new", "first", "next",
    "there", "here", "overall", "general", "everyone", "anyone", "beginner", "beginners",
    "junior", "senior", "lead", "leads", "manager", "managers", "supervisor", "supervisors",
    "director", "directors", "associate", "associates", "specialist", "specialists", "a", "an",
    "experience", "experienced", "remote", "home", "night", "shift", "full", "part", "time",
    "difference", "gap", "increase", "raise", "cut", "cuts", "range", "figure", "figures",
    "office", "something", "anything", "else", "other", "different", "better", "easier",
    # how the question is said, not what: "what do they usually make"
    "usually", "normally", "typically", "generally", "actually", "really", "even", "still",
    "currently", "realistically", "roughly", "honestly", "probably", "all", "ever",
    "massive", "huge", "big", "bigger", "small", "smaller", "low", "high", "great", "bad",
    "terrible", "awful", "equal", "minimum", "living", "livable", "liveable", "proper", "actual",
    # "and for how long?", "for now?"
    "long", "now", "sure", "example", "instance", "years", "months", "ages", "free",
    # "and for someone with 2 yrs": experience, not a job
    "with", "yrs", "yr", "year", "somebody", "anybody",
}


# The ladder's own words, which people misspell ("team leed", "suprvisor"): a misspelt level is
# still a level, never a job the sources do not know.
_LEVEL_WORDS = ["lead", "manager", "supervisor", "representative", "associate", "specialist",
                "director", "agent"]


def _not_a_job(word: str) -> bool:
    """Whether the word, or the level word it misspells, says no job."""
    return word in _NOT_A_JOB or (
        len(word) >= 4 and bool(get_close_matches(word, _LEVEL_WORDS, n=1, cutoff=0.75)))


def unknown_job(text: str) -> str | None:
    """The job a pay question names that is not customer service ("data scientist"), or None;
    "team leed" is a misspelt level, not a job the sources do not know."""
    # sentence marks stay: they end the job ("the salary for a dental receptionist? seems")
    plain = " ".join(re.sub(r"[^a-z' ?.!,-]+", " ", text.lower()).split())
    for pattern in _PATTERNS:
        for match in pattern.finditer(plain):
            words = match.group("job").split()
            # the words after the last one that names no job: "whats a software developer"
            # is a software developer
            while words and any(_not_a_job(w) for w in words):
                words = words[1:]
            if words and len(words[-1]) > 2:
                return " ".join(words)
    return None


# "whats ACW?", "what does SLA stand for", "What are KPIs?": the acronym asked about, written in
# capitals (lower case, "what is aht", it is a word the entity pipeline knows or nothing to go on)
_TERM = re.compile(r"\b(?i:what(?: even| exactly| actually)?(?:'s|s| is| does| do| are)? "
                   r"(?:even |exactly |actually )?"
                   r"(?:an? |the )?)"
                   r"(?P<term>[A-Z][A-Z0-9&]{1,5})s?\b"
                   r"(?i:\s*\?|\s+(?:even )?(?:mean|stand)|\s*$|\s*[,.!]|\s+(?:in|on|at)\b"
                   # "and what even is WFM lol"
                   r"|\s+(?:lol|lmao|haha|again|tho|though|anyway)\b)")
# ... or a word in quotes whose meaning is asked ("what does 'adherence' mean?"): a term
# someone was given, named as such
_QUOTED_TERM = re.compile(r"\bwhat(?:'s|s| is| does| do| are)? (?:an? |the )?[\"'‘“]"
                          r"(?P<term>[A-Za-z][\w -]{1,30}?)[\"'’”](?:\s*\?|\s+(?:mean|stand|"
                          r"even mean)\b|\s*$)", re.IGNORECASE)


# "what about ACW" after the measures: an acronym in a follow-up
_ABOUT_TERM = re.compile(r"\b(?i:what|how) about (?P<term>[A-Z][A-Z0-9&]{1,5})s?(?![\w'])")
# capitals that name no term: customer service itself, chat shorthand
_NOT_TERMS = {"CS", "CX", "OK", "IT", "AI", "FYI", "LOL", "TBH", "IMO", "IDK", "PS", "ASAP",
              "AM", "PM", "ME", "MY", "US", "UK", "I"}


def term_asked(text: str, known: list[tuple[int, int]]) -> str | None:
    """The acronym ("whats ACW?" -> "ACW") or quoted term ("what does 'adherence' mean?") a
    question asks the meaning of, when no entity the message names covers it (`known`: their
    character spans), or None."""
    if text.upper() == text:
        return None  # "WHAT IS THE PAY" is shouted, not an acronym
    plain = text.replace("’", "'")
    for match in [*_TERM.finditer(plain), *_QUOTED_TERM.finditer(text),
                  *_ABOUT_TERM.finditer(plain)]:
        start, end = match.span("term")
        if not any(s <= start and end <= e for s, e in known) and (
                match.group("term") not in _NOT_TERMS):
            return match.group("term")
    return None


# "whats adherence? my wfm team keeps emailing me about it": one word whose meaning is asked,
# where the question is read as one of the topics that explain named things (measures, tools)
_WORD_MEANING = re.compile(r"\bwhat(?: even| exactly| actually)?(?:'s|s| is| does| are)? "
                           r"(?:even |exactly |actually )?(?:an? |the )?(?P<term>[a-z]{4,20})"
                           r"(?:\s*\?|\s+(?:even )?(?:mean|stand)\b|\s*$)")


def word_asked(text: str) -> str | None:
    """The single lower-case word a question asks the meaning of ("whats adherence?"), or
    None."""
    match = _WORD_MEANING.search(text.lower().replace("’", "'"))
    return match.group("term") if match and match.group("term") not in _NOT_A_TERM else None


# "what's up?", "what's next?": no term
_NOT_A_TERM = {"that", "this", "there", "next", "else", "good", "best", "worse", "better", "wrong",
               "happening", "going", "left", "more", "those", "these", "them", "they", "your",
               "mine", "yours", "their", "point", "deal", "difference", "catch", "plan", "it"}
