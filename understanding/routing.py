"""Which question a message asks, when the intent and the subject it names disagree.

A career, role or place the message names fixes its subject: "how do I get a job in HR?" is
about HR, not about getting into customer service; "is a team lead position worth it?" is about
the team-lead role. The classifier learnt intents from examples that mostly named no subject, so
its intent can ignore the one the message names; the subject wins here. Pure: the NLU component
(rasa_ext/message_reader.py) applies it, and the rules are tested on their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from understanding.feelings import TOLD, asks_something
from understanding.focus import main_question
from understanding.followups import LEAD_IN, compares, refers_back, unit_asked
from understanding.shorthand import expand
from understanding.social import STATEMENT, social_reading

# Intents that ignore a named career: the career's own answer (why it fits, the skills that
# carry over into it, what to add) is what the person asked for.
CAREER_BEATS = {"how_to_start", "ask_job_search", "steps_to_leave", "career_options",
                "why_leave", "why_stay", "nlu_fallback", "statement", "ask_role_duties"}
# Intents that ignore a named role: what the role is (what it does, its pay a button away).
# Only the uncertain readings: a role is often named in passing ("as an agent, ...").
ROLE_BEATS = {"why_stay", "nlu_fallback", "statement"}
# "what skills do i need to be a TL": a level is no career to move into; what it does and what
# to focus on is the level's own answer
ROLE_OVER_CAREER_TOPICS = {"skills_for_career"}
# The first rung is who most people are, not what they ask about: "any good reason to keep
# working as an agent" is about staying, not about the agent's duties.
IN_PASSING = {"representative"}
# "how do I become a team lead", "how long to get there": the way up to the role.
_BECOME = re.compile(r"\b(?:become|becoming|get(?:ting)? (?:to|promoted)|promot|move up|"
                     r"step up|make it to|reach)\b")
# Words that name study: with a role, the question is about education ("is a bachelors worth
# it to become a manager"); alone, with nothing close, they name the education topic.
_STUDY_WORDS = (r"\b(?:bachelors?|bachelor's|degrees?|diplomas?|courses?|certificat\w*|certs?|"
                r"college|university|uni|school|study|studying|qualifications?|bootcamps?|"
                r"licen[cs]es?|licensed|licensing)\b")
_STUDY = re.compile(_STUDY_WORDS)
# An entry the message names by its own name ("what is AHT", "is Zendesk hard to learn") is the
# subject before any role or career named around it ("my supervisor says we miss our SLA").
NAMED_FACT_TOPICS = {"metric": "ask_metrics", "tool": "ask_tools",
                     "specialization": "ask_specializations", "employer": "ask_employers",
                     "industry": "ask_industries"}
# "no, I meant team lead", "not HR, marketing", "sorry, Canada not the US": the last question
# again with the subject corrected.
_CORRECTION = re.compile(r"^(?:no+|nope|sorry|oops|actually|wait|not|i meant|i mean|meant)\b"
                         r"|\bi meant\b|\bnot (?:the )?\w+,? (?:i meant|but)\b")
SUBJECTS = ("role", "career", "region", "country")
_WHAT_ABOUT = re.compile(LEAD_IN + r"(?:what|how) about\b|^and\b")
_CHANGE_TARGET = re.compile(
    # "change my target to project management"; not "is sales a decent move ... hit target"
    r"\b(?:change|switch|swap|set|update)\b.{0,20}\b(?:my|the|our) (?:target|goal|career goal|"
    r"plan|aim)\b"
    r"|\b(?:target|goal|plan)\b.*\b(?:to|into|for)\b.*\binstead\b|\binstead\b.*\bplan\b")
# The questions of a job interview, as people quote them
_INTERVIEW = re.compile(r"\bwhy should (?:we|i|they) hire you\b|\btell me about yourself\b|"
                        r"\bwhere do you see yourself\b|\b(?:greatest|biggest) weakness\b|"
                        r"\bwhy (?:are|were) you (?:interested in|applying|changing careers|"
                        r"leaving)\b|\bwhy do you want (?:this|to work)\b")
# Getting out of customer service, not into it
_GETTING_OUT = re.compile(r"\bget(?:ting)? (?:away from|out of)\b|\bbreak(?:ing)? (?:out of|free "
                          r"(?:of|from)|away from)\b|\bescap|\b(?:leave|leaving|quit|"
                          r"quitting|exit) (?:cs|customer service|call cent\w+|the (?:phones|call "
                          r"cent\w+)|this (?:job|industry|field))\b")
# "what should I do about this potential promotion?": the way up, not the ways out
_PROMOTION = re.compile(r"\bpromot|\bmove up\b|\bstep up\b")
# Hunting for a job: a career named beside it is where they apply, the question is how
# ("applied to 60 jobs outside cs... how do i rewrite my cv"; "interview for an ops role thursday")
_JOB_HUNT = re.compile(r"\b(?:cv|cvs|resume|resumes|résumé|cover letters?|interviews?|"
                       r"linkedin|job applications?)\b")
_GET_INTO = re.compile(r"\b(?:get(?:ting)? (?:into|a job in)|become|becoming|"
                       r"mov(?:e|ing) (?:from [\w ]{1,20}? )?into|switch(?:ing)? to|"
                       r"transition(?:ing)? (?:in)?to|break into)\b")
# "what would suit me", "what career fits someone like that": the careers that fit
_FITS_ME = re.compile(r"\bwhat (?:\w+ )?(?:careers?|jobs?|roles?|work|field)? ?(?:would |might |"
                      r"could |will )?(?:fits?|suits?) (?:me|someone like)\b"
                      r"|\bwhat (?:\w+ )?(?:careers?|jobs?|roles?|work|field) (?:am i|would i be|"
                      r"is) (?:\w+ )?(?:meant for|cut out for|suited (?:to|for)|made for|"
                      r"built for)\b")
# "does that count as experience", "which of it counts as a real skill": what carries over; for
# someone getting in ("applying for call centre jobs"), how to start
_COUNTS_AS = re.compile(r"\b(?:counts? as|considered(?: as)?|seen as|recogni[sz]ed as) "
                        r"(?:an? )?(?:real |proper |actual |relevant |work )?(?:\w+ ){0,2}"
                        r"(?:skills?|experience)\b|\bdoes (?:that|it|this) (?:even )?count\b")
_GETTING_IN = re.compile(r"\bapply(?:ing)? (?:for|to) (?:a )?(?:call cent\w+|cs|customer "
                         r"service|contact cent\w+)\b|\bget (?:a job )?in(?:to)? (?:a )?(?:call "
                         r"cent\w+|cs|customer service)\b")
# "the cons of staying", "downsides to leaving": one side of staying or leaving
_SIDE_OF = re.compile(r"\b(?P<side>pros|cons|upsides?|downsides?|negatives?|positives?|benefits|"
                      r"drawbacks|advantages|disadvantages) (?:of|to|about|in) (?P<act>staying|"
                      r"leaving|quitting)\b")
# "the worst part", "the best thing about it": of the job as a whole
_PART_OF_THE_JOB = re.compile(r"\b(?:the )?(?P<side>worst|hardest|toughest|best|nicest)"
                              r" (?:part|parts|thing|things|bit|bits)\b")
_WORST = {"worst", "hardest", "toughest"}
_BAD_SIDES = {"cons", "downside", "downsides", "negative", "negatives", "drawbacks",
              "disadvantages"}
# what leaving costs ("would I have to take a pay cut", "leaving means retraining"): the
# downsides of leaving, which are what staying keeps, not the reasons to leave
_COST_OF_LEAVING = re.compile(r"\bpay ?cut\b|\bleaving (?:means|would mean)\b")
# whether the jobs will last: asked of one's own ("Will I be jobless?"), or said of them all
# ("customer service jobs might just disappear"): the outlook, not the reasons to leave or stay
_LOSING_ONES_JOB = re.compile(r"\bjobless\b|\bjob security\b|\blose (?:my|our|their) jobs?\b")
_THE_JOBS = r"\b(?:jobs?|roles?|positions?|call cent\w+|customer service)\b"
_MAY = r"\b(?:will|might|may|could|going to|gonna|about to)\b"
_GO = (r"\b(?:disappear|go away|die out|be replaced|become obsolete|be automated|"
       r"(?:still )?exist|(?:still )?be around|still be (?:a thing|here|needed))")
# "customer service jobs might disappear", "will call centres even exist in 15 years"
_JOBS_GOING = re.compile(rf"{_THE_JOBS}[^.?!]{{0,30}}{_MAY}[^.?!]{{0,15}}{_GO}"
                         rf"|{_MAY}[^.?!]{{0,15}}{_THE_JOBS}[^.?!]{{0,15}}{_GO}")
_WHAT_IS = re.compile(r"\bwhat(?:'s|s| is| are| does)\b|\bmean\b|\bstand for\b")
_EITHER_PERIOD = re.compile(r"\b(?:month|hour|week)\w* or (?:per |a |each |by the )?"
                            r"(?:year|annual\w*|yearly)\b")
# "salaries for support reps in the middle east": a place, even one no entity knows
_IN_A_PLACE = re.compile(r"\b(?:in|over in|out in) (?:the )?(?!(?:cs|customer service|general|"
                         r"total|a year|an hour|a month|person)\b)[a-z]")
# "compare that with QA": the last question, about what is named
_COMPARE_WITH = re.compile(r"\bcompare (?:that|it|this|them) (?:with|to|against)\b|"
                           r"^\W*(?:and )?(?:vs|versus)\b")
# "how do they even measure me on all this stuff", "what am i judged on"
_MEASURED = re.compile(r"\b(?:measur|judg|scor|rat|track|assess)(?:e|ed|es|ing)? (?:me|us|you|"
                       r"agents|reps|people|performance)\b|\b(?:am i|are we|are agents|are you) "
                       r"(?:measured|judged|scored|rated|tracked|assessed)\b")
# "so like the us then? how much is that": pay, with a place named
_HOW_MUCH_IS = re.compile(r"\bhow much (?:is (?:that|it)|would (?:i|you|we)|do (?:they|you|we|i)|"
                          r"does it pay|can (?:i|you))\b")
# "i have 3 yrs, is that enough", "is 2 years enough to go for TL"
_ENOUGH_YEARS = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) "
                           r"(?:years?|months?)\b[^.?!]*\b(?:enough|too (?:early|soon|little|"
                           r"few))\b|\benough (?:years|experience)\b")
_HOW_LONG = re.compile(r"\bhow (?:long|many years|soon|much experience)\b")
# "and what do they actually do?", "what does a director do all day"
_WHAT_THEY_DO = re.compile(r"\bwhat (?:do|does) (?!i\b|we\b|you\b|u\b)(?:[\w']+ ){1,3}"
                           r"(?:actually |really |even )?do\b"
                           r"(?! (?:to|for|if|about|with|in order)\b)")
# "what jobs can i get with no degree after customer service": the careers people move into
_JOBS_I_COULD_DO = re.compile(r"\bwhat (?:other |else |kind of |sort of |type of )?"
                              r"(?:jobs?|careers?|roles?|work|positions?) "
                              r"(?:can|could|would|should|might|do) "
                              r"(?:i|you|someone|people|we|one)\b"
                              # "what do ex call centre ppl usually go into", "what else pays ok"
                              r"|\bwhat (?:do|did|does) (?:\w+ ){1,5}(?:go|move|get|switch) "
                              r"into\b|\bwhat else (?:\w+ )?pays\b")
# "applying for months and not a peep back", "ghosted after every interview": the job hunt is
# what is hard, so what the documents say about applications and interviews
_HUNT_STRUGGLE = re.compile(r"\bappl(?:y|ying|ied) (?:for|to) [^.!?]{0,40}\b(?:months?|weeks?|"
                            r"ages|years?|\d+ (?:jobs?|roles?|positions?))\b|\bnot a peep\b|"
                            r"\bno (?:replies|response|responses|callbacks?|interviews?)\b|"
                            r"\bghosted\b|\bkeep getting rejected\b|\brejection after rejection\b")
# "which country pays customer service the best", "where do agents earn the most": pay by place
_WHERE_PAY_IS_BEST = re.compile(r"\b(?:which|what) (?:country|countries|region|regions|places?|"
                                r"part of the world)\b[^.?!]*\b(?:pay|pays|paid|salar\w*|earn\w*|"
                                r"wages?|money)\b|\bwhere (?:do|does|can|would) [^.?!]{0,30}\b"
                                r"(?:earn|get paid|make|pay)\b[^.?!]{0,15}\b(?:most|best|more|"
                                r"highest)\b")
# "i'm good with people and computers", "i love solving problems": strengths in their own words
_GOOD_AT = re.compile(r"\bi'?m (?:really |pretty |quite )?(?:good|great|decent|strong|skilled|"
                      r"talented) (?:with|at)\b|\bi (?:really )?(?:like|love|enjoy) (?:working "
                      r"with|helping|solving|fixing|organi[sz]ing|teaching|training|explaining)\b")
# "what do they start people on": the starting pay
_START_ON = r"\bstart (?:you|people|new \w+|newbies|staff|agents|us|me|them|someone) (?:on|at)\b"
_STARTING_PAY = re.compile(_START_ON + r"|\bstarting (?:pay|salary|wage|rate)\b")
# "what do team leads actually need to be good at", "what makes a good supervisor": the level's
# focus (its own answer), not the careers that fit the person
_ROLE_NEEDS = re.compile(r"\bwhat (?:do|does|would) (?:an? |the )?[\w' ]{1,30}? need\b|"
                         r"\bwhat makes (?:an? |the )?(?:good|great)\b")
SHORT_PAY_QUESTION = 10
_STAYING = re.compile(r"\bstay(?:ing)?\b")
_PAY_WAVED = re.compile(r"\b(?:forget|never ?mind|ignore|screw|not about) (?:about )?(?:the )?"
                        r"(?:pay|money|salary|wages?)\b")
_IN_DOLLARS = re.compile(r"\b(?:us|u\.s\.) dollars?\b")
_ABOUT_ME = re.compile(r"\b(?:i|i'm|im|i am|i've|my)\b")
# "make" is pay only where an amount could follow ("what do HR people make?", "make in the
# UK", "make an hour"), not in "why do we make it so hard".
_PAY = re.compile(r"\b(?:pay|pays|paid|salary|salaries|earn|earns|wage|wages|money|income|\$)\b"
                  r"|\bgoing rate\b|\bmedian\b"
                  # an amount: "she's on over 100k"
                  r"|\$?\b\d{2,3}(?:k|,000)\b"
                  r"|" + _START_ON +
                  r"|\bmakes?\b(?=\s*(?:$|[?.!,$\d]|money|(?:a|an|per) (?:year|hour|month|week)|"
                  r"annually|yearly|hourly|on average|in\b|at\b|as\b|there\b|starting|"
                  r"roughly|about|around|these days|now|(?:way |a lot |much )?(?:more|less)\b|"
                  r"good|decent|enough|bank))")


# A message that asks nothing is a statement when it tells something (a feeling, or at length)
# and the classifier could not read it at all, or is unsure and read a topic that is not about
# the person's own situation. Confident readings stay, and so do the topics that answer someone
# describing themselves: "I'm patient and good with people" gets the careers that fit,
# "so tired of being screamed at" gets why people leave, after the acknowledgement. "no", "and
# a manager" and "you're useless" keep their own replies.
ABOUT_THEMSELVES = {"why_leave", "why_stay", "careers_fit_me", "transferable_skills"}
SURE = 0.8
# The conversation with the bot itself: never re-read as another question.
SOCIAL = {"greet", "goodbye", "thanks", "bot_challenge", "help", "affirm", "deny", "abuse",
          "other_language", "out_of_scope", "stop"}
NEVER_STATEMENTS = SOCIAL | {"start_plan", "followup"}


def is_statement(intent: str, confidence: float, felt: str | None) -> bool:
    """For a message that asks nothing: whether to reply to it as a statement. `felt` is the
    feeling it names (understanding.feelings; TOLD for a long one naming none)."""
    if felt == "grateful" and intent == "thanks":
        return True  # thanks to the others in a forum thread, not to the bot
    if felt is not None and intent == "out_of_scope" and confidence < SURE:
        # "we hit SLA and got a pizza party, one slice each": a story about work the classifier
        # could not place, not a request from outside the bot's field
        return True
    if felt == "glad" and intent in ("deny", "affirm"):
        return True  # "huh ok thats not as grim as i thought": relief, not a no or a yes
    if felt is None or intent in NEVER_STATEMENTS or intent.startswith("plan_"):
        return False
    if felt == "sorry":
        return True  # "apologies for the formatting" asks nothing, whatever it reads as
    if felt == TOLD and intent in ("why_leave", "why_stay"):
        # a story that names no feeling ("I'm writing this on mobile, sorry for the formatting")
        # is no reason to list why people leave; someone describing themselves still gets the
        # careers that fit
        return confidence < SURE
    return intent == "nlu_fallback" or (confidence < SURE and intent not in ABOUT_THEMSELVES)


def route(intent: str, entities: Mapping[str, Sequence[str]], text: str,
          asks: bool = True) -> str:
    """The intent to answer with: `intent`, unless the subject named says otherwise."""
    # "forget the pay. what would i need for QA instead": pay waved away is not asked about
    plain = _PAY_WAVED.sub(" ", expand(text.lower().replace("’", "'")))
    unsure = intent in ROLE_BEATS
    if unit_asked(plain) and not entities.get("role") and not entities.get("career") and (
            _IN_DOLLARS.search(plain) or not any(entities.get(k) for k in ("region", "country"))):
        return "followup"  # "what's that in US dollars?": the last figure, in that unit
    if entities.get("next_level"):
        # "im a csr, what's the next level up and what does it pay", "and after that?"
        if _PAY.search(plain):
            return "ask_salary"
        if _WHAT_THEY_DO.search(plain):
            return "ask_role_duties"  # "and the one after it, what do they actually do all day"
        if entities.get("role"):
            return "ask_ladder"  # the ladder's answer names the level above (actions/ladder.py)
        return "followup" if refers_back(plain) else intent
    roles = [r for r in entities.get("role") or [] if r not in IN_PASSING]
    if (social := social_reading(intent, plain, asks)) is not None:
        return social
    if intent == "ask_role_duties" and entities.get("role") and _PAY.search(plain) and asks and (
            not _WHAT_THEY_DO.search(plain)):
        return "ask_salary"  # "and how much do csrs make there": their pay, not their duties
    if _EITHER_PERIOD.search(plain) and refers_back(plain):
        return "followup"  # "is that per month or per year": the last figures again, as given
    if intent in ("nlu_fallback", "compare_roles") and len(set(entities.get("role") or [])) < 2 \
            and _PAY.search(plain) and (entities.get("role") or refers_back(plain)) and (
            len(plain.split()) <= SHORT_PAY_QUESTION) and not any(
            entities.get(k) for k in ("career", "region", "country", "place")) and not (
            _IN_A_PLACE.search(plain)):
        # "avg csr salary", "and does that pay more than being a TL": the pay of the level
        # named or talked about, not a search or a comparison missing its second side
        return "ask_salary"
    if _CHANGE_TARGET.search(plain) and entities.get("career"):
        return "start_plan"  # "change my target to project management": the plan, rebuilt
    if _INTERVIEW.search(plain):
        # "So, why are you changing careers?", "Why should we hire you": an interview
        # question quoted, not asked of me: the job-search and interview tips
        return "ask_job_search"
    if (intent == "how_to_start" and _GETTING_OUT.search(plain)) or (
            intent in ("why_leave", "nlu_fallback", STATEMENT) and asks
            and _WAY_OUT.search(plain) and not _WHY.search(plain)):
        # "I'm worried I won't ever get away from call centres": out, not in; "Breaking out
        # of customer service?", "I want to get out of customer service" ask how, not why;
        # "I finally got out last year" asks nothing and stays as it was read
        return "steps_to_leave"
    if _ADVICE.search(plain) and intent in ("why_leave", "why_stay", "nlu_fallback", "help",
                                             STATEMENT) and not entities.get("career") and (
            not _PROMOTION.search(plain)):
        # "6 years on the phones, I'm exhausted... what could I even do?": the ways out;
        # "where do I start?": the steps
        return "steps_to_leave" if _WHERE_TO_START.search(plain) else "career_options"
    if asks and intent not in SOCIAL and _FITS_ME.search(plain):
        return "careers_fit_me"
    if asks and intent not in SOCIAL and _COUNTS_AS.search(plain):
        return "how_to_start" if _GETTING_IN.search(plain) else "transferable_skills"
    if roles and not entities.get("career") and asks and _ROLE_NEEDS.search(plain) and (
            intent not in SOCIAL):
        return "ask_role_duties"
    if _WHAT_THEY_DO.search(plain) and not entities.get("career") and (
            entities.get("role") or refers_back(plain)):
        return "ask_role_duties"  # "and what do they actually do?", never "what can you do"
    if intent in SOCIAL:
        return intent  # "wait, is this a live agent or a bot?" stays a question about the bot
    if side := _SIDE_OF.search(plain):
        # "and the cons of staying?" is why people leave, though it says "staying"; the
        # downsides of leaving are what staying keeps
        bad, of_staying = side.group("side") in _BAD_SIDES, side.group("act") == "staying"
        return "why_leave" if bad == of_staying else "why_stay"
    if (part := _PART_OF_THE_JOB.search(plain)) and asks and not (
            entities.get("role") or entities.get("career")):
        # "whats the worst part then, be honest": what people leave for; the best, what keeps
        # them
        return "why_leave" if part.group("side") in _WORST else "why_stay"
    if _MEASURED.search(plain) and asks and intent not in SOCIAL and not (
            entities.get("role") or entities.get("career")):
        return "ask_metrics"  # "how do they even measure me on all this stuff"
    if _NAMES_AI.search(plain) and intent in ROLE_BEATS | {"ask_role_duties", "why_leave"} and (
            not entities.get("career")) and not _WHAT_THEY_DO.search(plain):
        # "my TL reckons the whole floor will be bots in 5 yrs": AI, the level is who said it
        return "ask_ai"
    if intent in ("why_leave", "why_stay", "nlu_fallback", STATEMENT):
        if (_LOSING_ONES_JOB.search(plain) and asks) or _JOBS_GOING.search(plain):
            # replaced by AI: what the sources say about AI; otherwise the jobs' outlook
            return "ask_ai" if _NAMES_AI.search(plain) else "ask_outlook"
        if _COST_OF_LEAVING.search(plain) and intent != "why_stay" and not entities.get(
                "career"):
            # "only other move open to me is a pay cut. what do they look for in a QA person?"
            # asks about QA: the career's answer below
            return "why_stay"
    if len(set(entities.get("role") or [])) >= 2 and compares(plain) and intent in ROLE_BEATS | {
            "ask_role_duties", "ask_salary"}:
        return "compare_roles"  # "what's the gap between a rep and a senior rep"
    if _ENOUGH_YEARS.search(plain) and not entities.get("career") and intent not in SOCIAL:
        return "ask_years"  # "i have 3 yrs, is that enough": the years the level usually takes
    if _HOW_LONG.search(plain) and (roles or (refers_back(plain)
                                              and not entities.get("career"))):
        return "ask_years"  # "how long till I could be one?", "how long to get to the higher one"
    if entities.get("career") and not roles and asks and _GET_INTO.search(plain) and not (
            _PAY.search(plain)) and intent not in SOCIAL | {"start_plan", "ask_years"} and not (
            intent.startswith("plan_")):
        # "how do i get into IT helpdesk... if that counts", "could i move from this
        # (escalations) into customer success": the career's own answer, whatever else was heard
        return "skills_for_career"
    for entity, topic in NAMED_FACT_TOPICS.items():
        if entities.get(entity) and (unsure or intent in ("ask_role_duties", "followup")) and (
                entity != "industry" or _WHAT_IS.search(plain)):
            # an industry is named in passing more often than asked about ("join their BPO or
            # quit?"): only "what is BPO" asks about it
            return topic
    places = any(entities.get(k) for k in ("region", "country", "place"))
    pointing_back = (_CORRECTION.search(plain) or _WHAT_ABOUT.search(plain)
                     or _COMPARE_WITH.search(plain))
    if pointing_back and any(entities.get(k) for k in SUBJECTS) and len(plain.split()) <= 10 and (
            not ((entities.get("career") or places) and _PAY.search(plain))):
        # "no, I meant team lead", "ok what about a cs supervisor", "compare that with QA"; not
        # "and how much do marketing people make" or "what about south africa, are bpo jobs paid
        # better there", pay questions of their own (below)
        return "followup"
    if places and (_PAY.search(plain) or _HOW_MUCH_IS.search(plain)) and (
            intent in ROLE_BEATS | CAREER_BEATS | {
            "ask_salary", "ask_salary_region", "compare_roles", "career_options", "followup"}
                                          or _WHAT_ABOUT.search(plain)):
        # "how much are Filipino call centre workers paid?": pay there, said honestly
        # the levels' figures are US medians: "what do agents make in the US" is the agent's
        in_us = "us" in (entities.get("region") or [])
        roles_named = [r for r in entities.get("role") or [] if in_us or r not in IN_PASSING]
        return "ask_salary" if roles_named else "ask_salary_region"
    if _JOBS_I_COULD_DO.search(plain) and asks and not entities.get("career") and not roles and (
            intent in CAREER_BEATS | {"ask_education"}):
        return "career_options"  # "what jobs can i get with no degree after customer service"
    if _HUNT_STRUGGLE.search(plain) and not entities.get("career") and intent in (
            "nlu_fallback", STATEMENT, "why_leave", "why_stay", "steps_to_leave"):
        return "ask_job_search"
    if _WHERE_PAY_IS_BEST.search(plain) and not roles and not entities.get("career") and not any(
            entities.get(k) for k in ("region", "country", "place")) and intent not in SOCIAL:
        return "ask_salary_region"  # the places the documents give figures for
    if _GOOD_AT.search(plain) and not entities.get("career") and intent in (
            "nlu_fallback", STATEMENT, "why_leave", "why_stay", "transferable_skills"):
        return "careers_fit_me"
    if intent in ("nlu_fallback", STATEMENT) and asks and _PAY.search(plain) and refers_back(
            plain) and len(plain.split()) <= SHORT_PAY_QUESTION:
        return "ask_salary"  # "do they get paid more than us": the pay of what was talked about
    if _STARTING_PAY.search(plain) and asks and intent not in SOCIAL and not (
            entities.get("career") or entities.get("role")):
        return "ask_salary"  # "what do they usually start people on in customer service?"
    if entities.get("skill") and intent in ("nlu_fallback", "statement") and _ABOUT_ME.search(
            plain):
        return "careers_fit_me"  # "I'm good at troubleshooting and pretty patient"
    careers = entities.get("career") or []
    one_role = len(set(entities.get("role") or [])) == 1
    asked_about_pay = bool(_PAY.search(_PAY_WAVED.sub(" ", (main_question(text) or text).lower())))
    if (careers or roles) and _PAY.search(plain) and (
            intent in {"followup", "ask_role_duties", "ask_years"}
            or (intent == "compare_roles" and one_role)):
        # "and how much do marketing people make", "supervisors make way more than me, what's
        # the going rate": the pay of what they name, not the last question or its duties
        return "ask_salary"
    if careers and asks and intent in CAREER_BEATS | {"skills_for_career"} and (
            _JOB_HUNT.search(plain)) and not (
            _GET_INTO.search(plain)):
        return "ask_job_search"
    if careers and not roles and intent == "ask_salary" and asks and not asked_about_pay:
        return "skills_for_career"  # the pay was told of, the career is asked about
    if careers and not roles and intent in CAREER_BEATS and (asks or intent != STATEMENT):
        if asked_about_pay:
            # "what do HR people make": the pay answer says what it knows; pay told of in
            # passing ("my pay is a joke. would sales suit me?") is not what is asked
            return "ask_salary"
        return "skills_for_career"
    if roles and not careers and intent in ROLE_OVER_CAREER_TOPICS and asks:
        return "ask_role_duties"
    if roles and not careers and intent in ROLE_BEATS and (asks or intent != STATEMENT):
        if intent == "why_stay" and _STAYING.search(plain):
            return intent  # "i love my TL. whats actually good about staying in cs"
        if _PAY.search(plain):
            return "ask_salary"
        if _STUDY.search(plain):
            return "ask_education"  # "is a bachelors worth it to become a manager"
        if _BECOME.search(plain):
            return "ask_years"
        return "ask_role_duties"
    return intent


_NEGATED = re.compile(r"\b(?:not|no|isn't|wasn't)(?: the| a| an| in)?\s*$")


def corrected(text: str, entities: Sequence[Mapping[str, object]]) -> list[int]:
    """Indexes of the entities a correction takes back ("not HR, marketing": HR), when another
    of the same kind stands in for it."""
    plain = text.lower()
    negated = [i for i, e in enumerate(entities) if isinstance(e.get("start"), int)
               and _NEGATED.search(plain[:e["start"]])]  # type: ignore[index]
    kinds = {e["entity"] for i, e in enumerate(entities) if i not in negated}
    return [i for i in negated if entities[i]["entity"] in kinds]


def in_currency_names(text: str, entities: Sequence[Mapping[str, object]]) -> list[int]:
    """Indexes of the places that only name a currency ("US dollars"), not where the pay is,
    or are no place at all: "do they get paid more than us" is the pronoun."""
    plain = text.lower()
    found = []
    for i, e in enumerate(entities):
        start, end = e.get("start"), e.get("end")
        if not isinstance(end, int) or not isinstance(start, int):
            continue
        if re.match(r"\s*dollars?\b", plain[end:]) or (
                text[start:end] == "us" and _BEFORE_PRONOUN_US.search(plain[:start])):
            found.append(i)
    return found


# the words "us" follows as a pronoun, written in lower case: "more than us", "they pay us"
_BEFORE_PRONOUN_US = re.compile(r"\b(?:than|for|to|of|with|like|pay|pays|paid|give|gives|tell|"
                                r"let|help|make|makes|treat|treats|hire|hires|all of|both of|most "
                                r"of|some of|none of|none|people like)\s+$")


_ONE_FACT = re.compile(r"\b(?:how much|cost|costs|price|fee|fees|how long|which (?:countries|"
                       r"country|certification|course)|"
                       r"what (?:does|is) (?:an? |the )?\w+ (?:mean|stand for)|stand for)\b")


def asks_one_fact(text: str) -> bool:
    """Whether the question asks for one fact (a cost, a time, a list of countries, what an
    acronym means) rather than a topic: the reply then leads with that fact."""
    return bool(_ONE_FACT.search(text.lower()))


# What a message with nothing close in the knowledge base may still plainly be: a greeting to
# the reader ("Hello bloggers!", "Dear all,"), a plea for help, or a request for advice with no
# subject ("can you point me in the right direction?").
_GREETING = re.compile(r"^\W*(?:hello|hi|hey|hiya|dear|greetings|good (?:morning|afternoon|"
                       r"evening))\b")
# a plea with no subject: what the bot can help with ("please give me some tips on what to do",
# "I just don't know where else to go")
_PLEA = re.compile(r"\bi need (?:some )?(?:help|advice|input|guidance)\b|^\W*help\W*$|"
                   r"\bgive me (?:some |any )?(?:tips|advice|pointers|guidance)\b|"
                   r"\b(?:don't|do not) know where (?:else )?to (?:go|turn)\b")
_ADVICE = re.compile(r"\b(?:point me in the right direction|"
                     r"what (?:else )?(?:should|do|can|could|would) i "
                     r"(?:even |actually |possibly |else )?do|"
                     r"where (?:do|should|can) i (?:start|begin|go from here)|any (?:advice|tips|"
                     r"suggestions)|what are my options|"
                     r"what now|(?:don't|do not) know what to do)\b")


_WHERE_TO_START = re.compile(r"\bwhere (?:do|should|can) i (?:start|begin)\b|\bfirst step")


def plain_request(text: str) -> str | None:
    """"greet", "help" or "advice", for a message the knowledge base has nothing close to."""
    plain = text.lower()
    if _GREETING.search(plain) and len(plain.split()) <= 6:
        return "greet"
    if _ADVICE.search(plain):
        return "advice"
    if _PLEA.search(plain):
        return "help"
    return None


_WHY = re.compile(r"\bwhy\b")
# getting out, however it is said ("it is fairly difficult to get out", "there's no way out"),
# but not "leaving", which questions about what one would miss say too
_WAY_OUT = re.compile(r"\bget(?:ting)? out\b|\bgot out\b|\bway out\b|"
                      r"\bbreak(?:ing)? (?:out|free|away)\b|\bescap")


def talks_getting_out(text: str) -> bool:
    """Whether the message speaks of getting out of the job."""
    return bool(_WAY_OUT.search(text.lower()))


# "i'm in retail customer service, 3 years", "been on the phones since 2019": who they are, which
# no entry answers; the way on does
_ABOUT_THEMSELVES = re.compile(r"^\W*(?:i'?m|im|i am|i've been|ive been|been|i work|i've worked|"
                               r"ive worked|i have worked|currently)\b")
SHORT_INTRODUCTION = 15


def introduces_themselves(text: str) -> bool:
    """Whether a short message only says who the person is ("i'm in retail cs, 3 years")."""
    plain = text.lower()
    return bool(_ABOUT_THEMSELVES.search(plain)) and len(plain.split()) <= SHORT_INTRODUCTION


# "whats a normal AHT target", "what should my CSAT be": a number for a measure
# (only read where a measure is named: actions/topics.py)
_TARGET = re.compile(r"\b(?:targets?|benchmarks?|goals?)\b|\b(?:normal|typical|"
                     r"average(?! handle)|good|acceptable|decent|realistic) (?:\w+ ){0,3}?"
                     r"(?:target|score|number|time|figure|rate|percent(?:age)?|aht|fcr|csat|nps)\b"
                     r"|\bwhat should (?:my |our |the )?\w+ be\b")


def asks_target(text: str) -> bool:
    """Whether the message asks for a target or a usual figure of a measure; a target it only
    tells of ("the target is 6. what even counts towards AHT") is not asked for."""
    sentences = re.split(r"(?<=[.!?])\s+", text.lower())
    asking = [s for s in sentences if asks_something(s)] or sentences
    return any(_TARGET.search(s) for s in asking)


def talks_pay(text: str) -> bool:
    """Whether the message speaks of pay ("agents should earn more")."""
    return bool(_PAY.search(text.lower()))


# Words that name a topic outright, for a message nothing in the knowledge base is close to and
# the classifier could not read ("can i at least do this from home", "what tools should i get
# good at"): the topic's answer is a better reply than "I have nothing on that".
_TOPIC_WORDS = [
    ("ask_remote", r"\bfrom home\b|\bremote(?:ly)?\b|\bwfh\b|\bhybrid\b"),
    ("ask_tools", r"\btools?\b|\bsoftware\b|\bcrm\b|\bsystems? (?:to|i) (?:learn|know)\b"),
    ("ask_visa", r"\bvisas?\b|\bimmigrat|\bwork abroad\b|\bmove abroad\b"),
    ("ask_ai", r"\bai\b|\bartificial intelligence\b|\brobots?\b|\bautomat|\b(?:chat)?bots?\b"),
    ("ask_education", _STUDY_WORDS),
    ("ask_job_search", r"\bresume\b|\bcv\b|\bcover letter\b|\binterviews?\b|\blinkedin\b"),
]
_TOPIC_PATTERNS = [(topic, re.compile(p)) for topic, p in _TOPIC_WORDS]
_NAMES_AI = dict(_TOPIC_PATTERNS)["ask_ai"]


def topic_named(text: str) -> str | None:
    """The topic a word of the message names outright, if exactly one does."""
    plain = text.lower()
    found = {topic for topic, pattern in _TOPIC_PATTERNS if pattern.search(plain)}
    return found.pop() if len(found) == 1 else None


# "QA or training", "how do i move into training": the career, which its name alone can't be
# (training is also what a course gives)
_TRAINING_CAREER = re.compile(r"\b(?:into|to|or|and|become|becoming|go into|going into|"
                              r"move into|moving into|get into|getting into) training\b"
                              r"(?! (?:courses?|programs?|programmes?|sessions?|materials?|"
                              r"budget|for|on|at|days?|weeks?)\b)")


def training_as_career(text: str) -> bool:
    """Whether "training" in the message is the career of that name."""
    return bool(_TRAINING_CAREER.search(expand(text.lower())))
