"""Readings of the conversation with the bot itself, over whatever the classifier heard: an
insult at the bot, a request for a person or for a company's service, a greeting to the reader,
venting read as abuse, a thank-you, "that's not what I asked". Pure: the router
(understanding/routing.py) asks here first."""

from __future__ import annotations

import re

STATEMENT = "statement"

# What people type at phone menus and support bots to reach a person.
# A company's customer who took the bot for that company's service ("MAKE A PAYMENT", "track my
# order"): short, and about an account or an order. Said in passing by an agent ("customers
# calling to make a payment all day"), it is longer and stays what it was read as.
_CUSTOMERS_REQUEST = re.compile(
    r"\bmake (?:a|my) payment\b|\bpay (?:my|the|a) bill\b|\btrack (?:my|an|the) "
    r"(?:order|parcel|package|delivery)\b|\b(?:cancel|close) my (?:account|subscription|order|"
    r"contract)\b|\breset my password\b|\b(?:an? )?(?:early )?upgrade (?:on |to )?my (?:line|phone|"
    r"plan|contract|account)\b|\b(?:change|update) (?:the |my )?(?:address|details|card) on my\b|"
    r"\bwhere(?: is|'s|s) my (?:order|parcel|package|refund)\b|"
    r"\bstop charging (?:me|my)\b|\bcharg(?:ed|ing) my (?:credit |debit )?card\b|"
    r"^\W*i (?:want|need) (?:a|my) refund\b")
CUSTOMERS_REQUEST_WORDS = 14
# Asked of the bot from outside its field: "tell me a joke", "anyone got a good adobo recipe",
# "do my stats homework"
_OFF_TOPIC_REQUEST = re.compile(
    r"\b(?:tell|know|got|have) (?:me )?(?:a|any|some) (?:good )?jokes?\b|\b(?:a|any|good|your) "
    r"(?:\w+ )?recipes?\b(?! for (?:success|disaster))|\b(?:do|write|finish|help with) my "
    r"(?:\w+ )?(?:homework|essay|assignment)\b|\bwhat(?:'s| is| will)? the weather\b|"
    r"\bweather (?:gonna|going to|be like|forecast|tomorrow|tmrw|today)\b")
OFF_TOPIC_WORDS = 16
_ASKS_FOR_A_PERSON = re.compile(
    r"\b(?:talk|speak|connect|transfer|put)(?: me)? (?:to|with|through to) (?:a |an |the |your )?"
    r"(?:real |live |actual )?(?:person|human|representative|rep|agent|operator|someone|"
    r"supervisor)\b"
    r"|^\W*(?:representative|operator|human|real person|live agent|agent please)\W*$")
# A long message the classifier reads as abuse, with no insult in it, is venting: insults to
# the bot are mostly short, and the long ones call it names.
LONG_FOR_AN_INSULT = 12
_INSULT = re.compile(r"\b(?:useless|stupid|idiot|dumb|moron|worthless|trash|garbage|pathetic|"
                     r"joke|piece of|sh\*t|shit|crap|rubbish|suck|sucks|brain ?dead|thick|"
                     r"waste of)\b")
# An insult said to the bot, whatever the classifier heard: "you sound like the scripts. useless",
# "this bot is rubbish"; not "can you tell me a joke"
_INSULTS_THE_BOT = re.compile(
    r"\b(?:you(?:'re| are| r)|youre|ur|u r|(?:this|the) (?:bot|thing|chat|app)(?:'s| is)?)"
    r"(?: (?:so|such|really|just|completely|totally|actually|literally|the most))*"
    r" (?:useless|stupid|an? idiot|dumb|a moron|worthless|trash|garbage|pathetic|a joke|"
    r"rubbish|brain ?dead|a waste of)\b|\byou suck\b"
    r"|[.!,]\s*(?:useless|pathetic|rubbish|garbage|worthless)\W*$")
# Who an insult is aimed at: the people of the job, or the bot
_OTHERS = re.compile(r"\b(?:people|customers?|callers?|clients?|boss(?:es)?|managers?|supervisors?|"
                     r"management|company|companies|coworkers?|colleagues?|they|them|everyone|"
                     r"humans?|karens?)\b")
_AT_THE_BOT = re.compile(r"\b(?:you|u|ur|your|you're|youre|yourself|bot|chatbot|machine|software|"
                         r"code|app|this thing|this chat|ai)\b")
# "Hello bloggers!", "hi all": a greeting and nothing else
_GREETING_ONLY = re.compile(r"^\W*(?:hello|hi|hey|hiya|greetings|dear)\s+(?:all|everyone|everybody|"
                            r"bloggers|folks|guys|team|there|friends|people|reddit|y'?all)\W*$")
# "thanks for listening i guess", "cheers for that": a short thank-you to the bot, whatever a
# word in it reads as ("listening" is a skill)
_THANKS = re.compile(r"^\W*(?:thanks|thank (?:you|u)|thx|ty|cheers|much appreciated|"
                     r"appreciate (?:it|that|this|you))\b")
THANKS_WORDS = 14  # "cheers for that, genuinely more useful than my last 1:1 with my manager"
# "that's not what I asked", "you're not listening": the last answer missed
_MISSED = re.compile(r"\bnot what i (?:asked|meant|said|wanted)\b|\byou(?:'re| are) not "
                     r"(?:listening|understanding|getting it)\b|\b(?:wrong|useless) answer\b|"
                     r"\b(?:doesn't|does not|didn't|did not) answer (?:my|the) question\b|"
                     r"\byou (?:didn't|did not|don't) understand\b")


def social_reading(intent: str, plain: str, asks: bool) -> str | None:
    """The social intent a lower-cased message is, when its words say so over `intent`; else
    None."""
    words = len(plain.split())
    if intent != "abuse" and _INSULTS_THE_BOT.search(plain) and not _OTHERS.search(plain) and (
            words < LONG_FOR_AN_INSULT + 2 and "?" not in plain):
        # "you sound exactly like the scripts im trying to escape. useless": at the bot, whatever
        # the words around the insult read as
        return "abuse"
    if _ASKS_FOR_A_PERSON.search(plain):
        return "bot_challenge"  # "speak to a representative!": say it is a bot, kindly
    if _CUSTOMERS_REQUEST.search(plain) and words <= CUSTOMERS_REQUEST_WORDS:
        # "MAKE A PAYMENT": outside what the bot knows, and the company helps with an order
        # or an account (the out-of-scope reply says both)
        return "out_of_scope"
    if _OFF_TOPIC_REQUEST.search(plain) and words <= OFF_TOPIC_WORDS:
        return "out_of_scope"
    if _GREETING_ONLY.search(plain):
        return "greet"  # "Hello bloggers!": a greeting to the reader, whatever else it reads as
    if intent == "abuse" and ((words >= LONG_FOR_AN_INSULT and not _INSULT.search(plain))
                              or (_OTHERS.search(plain) and not _AT_THE_BOT.search(plain))):
        # "People are the worst. Most people are braindead.": venting about the job's people,
        # not an insult to the bot; nor is a long message ("Finally off the Help Desk. Oh no
        # you're not. If you're in my field, you're never off the help desk.")
        return STATEMENT
    if _THANKS.search(plain) and not asks and intent != STATEMENT and words <= THANKS_WORDS:
        return "thanks"  # a thank-you to others in a thread was read as a statement before
    if _MISSED.search(plain) and words <= THANKS_WORDS:
        return "deny"  # sorry, and how to ask again
    return None
