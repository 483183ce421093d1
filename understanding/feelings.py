"""What a message says about how the person feels, and whether it asks anything at all.

People rarely write tidy questions: "6 years on the phones, I'm exhausted and scared about
money" first says how they are. A good reply acknowledges that in one line before the facts, and
a message that asks nothing (venting, a success story, a thank-you) gets a short human reply and
one next step rather than a list of facts.
"""

from __future__ import annotations

import re

from understanding.shorthand import expand

# The feeling named first in this order wins: fear and exhaustion are what most people here
# bring, and a success is worth naming over the tiredness that came before it.
FEELINGS: dict[str, list[str]] = {
    "success": [r"\bfinally (?:quit|left|got|escaped|made it|out|free|off)",
                # news, not a question or a plan: "do i quit now or stay?", "if i quit"
                r"(?<!do )(?<!should )(?<!if )(?<!can )(?<!could )(?<!would )(?<!will )"
                r"(?<!to )\bi (?:quit|resigned|handed in my notice)\b(?! (?:my|the|a) )",
                r"\bgot (?:the|a|my) (?:job|offer|promotion|role)\b",
                r"\b(?:got|been) (?:promoted|hired)\b",
                r"\blast (?:day|shift) (?:at|in|on|today|tomorrow)", r"\bnew job\b",
                r"\b(?:accepted|landed) (?:an? |the )?(?:offer|job|role|position)",
                r"\bpassed (?:my|the) (?:exam|cert|interview)", r"\bmade it out\b",
                # "i'm out!", not "i'm out in the new year" (a plan) or "out of ideas"
                r"\bi'?m (?:free|out)\b(?! (?:in|by|next|after|of|on|at|for|the|soon)\b)",
                r"\b(?:finished|finally got|completed|earned) my (?:degree|diploma|course|"
                r"cert\w*|bachelor\w*|masters?)\b", r"\bgraduated\b",
                # a good day is worth naming too: "felt incredible", "so proud of myself"
                r"\bfelt (?:incredible|amazing|great|so good|fantastic|brilliant)\b",
                r"\bso proud\b", r"\bproud of myself\b"],
    # glad about the work itself: "watching a class turn into decent agents never gets old"
    "glad": [r"\bnever gets old\b", r"\bi (?:really |honestly )?(?:love|enjoy) (?:my job|"
             r"what i do|helping|it when)\b", r"\bso rewarding\b", r"\bmost rewarding\b",
             r"\bmade my (?:day|week)\b", r"\b(?:so |really )?(?:excited|relieved)\b",
             r"\b(?:thrilled|stoked|over the moon|hopeful|optimistic)\b",
             r"\bi (?:actually |really )?love (?:my|this) (?:job|team|work)\b",
             # relief: "feeling a bit less hopeless now", "not as grim as i thought"
             r"\b(?:less|not as|not so|no longer) (?:\w+ ){0,2}(?:hopeless|grim|bad|scary|scared|"
             r"worried|stressed|lost|stuck|depressing|bleak)"
             r"(?= (?:as|than|now|anymore|after all)\b|\s*[.!,;]|\W*$)",
             r"(?<!n't )(?<!not )\bfeel(?:ing|s)? (?:a (?:bit|lot|little) |so much )?better\b",
             r"\b(?:what a|that's a|thats a|such a|bit of a) relief\b"],
    "scared": [r"\bscared\b", r"\bafraid\b", r"\bterrified\b", r"\bfrighten", r"\bworried\b",
               r"\bworr(?:y|ying) about\b", r"\banxious\b", r"\banxiety\b", r"\bnervous\b",
               r"\bpanick",
               r"\bfreaking out\b", r"\bcan't afford\b", r"\b(?:bills|rent|mortgage|money) "
               r"(?:worr|stress|scar)", r"\bscared about money\b", r"\binsecure\b",
               # losing the job: "could jeopardize my family. Will I be jobless?"
               r"\bjeopardi[sz]e", r"\bjobless\b", r"\blos(?:e|ing) my (?:job|income)\b",
               r"\b(?:get|getting|be|being) (?:laid off|fired|let go|replaced)\b",
               r"\bredundan"],
    # "burnt out", "burnout", "it's burning me out"
    "exhausted": [r"\bexhaust", r"\btired\b", r"\bdrain(?:ed|ing)",
                  r"\bburn(?:ed|t|ing)?(?: (?:me|us|myself|people|everyone))? ?out\b",
                  r"\bworn out\b", r"\bknackered\b", r"\bwiped\b", r"\bfried\b", r"\bspent\b",
                  r"\bno energy\b", r"\bcan't do (?:this|it) (?:anymore|much longer)",
                  r"\bsick of\b", r"\bfed up\b", r"\bdone with\b", r"\bhad enough\b",
                  r"\bover it\b", r"\bso done\b", r"\bstressed\b", r"\bstressful\b",
                  r"\boverwhelm", r"\bsoul[- ]?(?:crushing|sucking|destroying)",
                  r"\bgot to me\b", r"\bsurvive\b", r"\bmicromanag",
                  r"\bbeaten down\b", r"\bcan't take (?:it|this|much more)\b",
                  r"\blosing my mind\b", r"\b(?:wits'? end|breaking point|end of my rope)\b",
                  r"\bdrowning\b", r"\bfml\b", r"\bugh+\b", r"\bsigh\b", r"\bgrind(?:ing)? me\b",
                  r"\bmentally (?:tired|done|checked out)\b", r"\bchecked out\b",
                  # "ive done 2 and im already dying lol": worn down, said as a joke
                  r"\b(?:i'm|im|i am) (?:\w+ )?dying\b(?! to\b)"],
    "stuck": [r"\bstuck(?:ed)?\b", r"\bstagnat", r"\btrapped\b", r"\bdead[- ]end\b",
              r"\bno way out\b",
              r"\bgoing nowhere\b", r"\bno (?:future|growth|progress)\b", r"\blost\b",
              r"\bdon't know what (?:to do|else)", r"\bno idea what", r"\bhopeless\b",
              r"\bwasted\b", r"\bno experience\b.*\b(?:outside|other)", r"\bunqualified\b",
              r"\bnot qualified\b", r"\bapplying for months\b", r"\bnot a peep\b",
              r"\bno (?:replies|response|callbacks?)\b", r"\brejected\b", r"\brejection",
              r"\btorn\b", r"\bstart (?:all )?over\b", r"\btoo late\b", r"\bpassed over\b",
              r"\bbor(?:ed|ing)\b", r"\bsame (?:\w+ ){0,3}every (?:call|day|shift)\b"],
    # "love how 'we're a family here' only comes up when they want unpaid overtime": sarcasm
    "angry": [r"^\W*(?:i |just |gotta |don't you just )?love how\b",
              r"\b(?:garbage|trash|rubbish)\b",
              r"\b(?:is|are|was) (?:a |such a |an absolute )?joke\b",
              r"\bhate\b", r"\bangry\b", r"\bfurious\b", r"\bpissed\b", r"\bmad\b", r"\brage\b",
              r"\bfrustrat", r"\bannoy", r"\bridiculous\b", r"\babusive\b", r"\babuse\b",
              r"\byell(?:ed|ing|s)? at\b", r"\bscream(?:ed|ing|s)? at\b", r"\bcuss", r"\brude\b",
              r"\bsucks?\b", r"\bhell\b", r"\btoxic\b", r"\bmiserable\b", r"\bawful\b",
              r"\bterrible\b", r"\bhorrible\b", r"\bnasty\b", r"\bdread", r"\bworst\b",
              r"\bunderpaid\b", r"\bunderappreciated\b", r"\bundervalued\b",
              r"\bunappreciated\b", r"\bdisrespect", r"\binsult(?:ed|ing)\b",
              r"\btaken for granted\b",
              r"\btreat(?:ed|s|ing)? (?:us |me |people |agents )?like (?:a |an )?(?:number|dirt|"
              r"robots?|garbage|trash|children|kids|machines?|crap|shit)\b",
              # swearing says how it feels: "6 years. 6 *bastard* years."
              r"\b(?:bastard|fuck|fucking|effing|shit|shitty|crap|crappy|bloody|damn)\b"],
    "sad": [r"\bsad\b", r"\bdepressing\b", r"\bunhappy\b", r"\bcry(?:ing)?\b", r"\bcried\b",
            r"\blonely\b", r"\bworthless\b", r"\bhurts?\b", r"\bheartbroken\b", r"\bupset\b",
            # a blow, or a life that doesn't fit the job: "got laid off today", "impossible with
            # childcare"
            r"\b(?:got|was|been|were|just) (?:laid off|let go|fired|made redundant|sacked)\b",
            r"\bin shock\b", r"\bimpossible\b", r"\bstruggl", r"\bcan't cope\b",
            r"\bdemorali[sz]", r"\bdisheart", r"\bdiscourag", r"\bdeflated\b", r"\bgutted\b",
            r"\bdevastat", r"\bcrushed\b", r"\bdefeated\b", r"\bdisappoint",
            r"\blet down\b", r"\bbetrayed\b", r"\bembarrass", r"\bhumiliat", r"\bashamed\b",
            r"\bregret", r"\bheartbreak", r"\bin tears\b", r"\btears\b"],
    "grateful": [r"\bthank(?:s| you) (?:all|everyone|guys|so much for sharing|for sharing)",
                 r"\bthis (?:helped|is so true|made my day)",
                 r"\bso (?:true|relatable)\b",
                 # praise for what they read: "Great post, really well written"
                 r"\b(?:great|good|nice|brilliant|excellent|amazing|awesome|helpful|useful|"
                 r"interesting|fantastic|lovely) (?:post|article|read|blog|piece|site|website|"
                 r"write-?up|thread|advice|tips)\b", r"\bwell (?:written|said|put)\b",
                 r"\blove (?:this|the|your) (?:post|article|blog|site|piece|advice)\b",
                 r"\bwhat a (?:read|post|article)\b", r"\bbookmark"],
    # "sorry for my bad english", "apologies for the long post": no fault to forgive
    # ("sorry, i meant team lead" corrects, and needs no reassurance)
    "sorry": [r"^\W*(?:sorry|apologies|i apologi[sz]e)\b(?! to hear\b)"
              r"(?!,? (?:no|nope|i meant|i mean|meant|wrong|typo|my bad|not|autocorrect)\b)",
              r"\b(?:sorry|apologies) (?:for|about|if) (?:my|the|this|a|any|being|asking|"
              r"posting|rambling)\b"],
}
ORDER = ("success", "glad", "scared", "exhausted", "stuck", "angry", "sad", "grateful", "sorry")
# A success that did not last is no news to congratulate: "got promoted to lead and lasted six
# months before going back to the phones"
_UNDONE = re.compile(r"\b(?:go|going|went|gone) back to (?:the phones|the floor|being an? |my old)|"
                     r"\bstepped down\b|\bdemoted\b|\blasted (?:only )?(?:a |\w+ )(?:days?|weeks?|"
                     r"months?)\b")
# A message that tells something at length and names no feeling is still acknowledged, as told
# ("Thanks for sharing that"); a short one ("team lead pay") is a terse question, not a story.
TOLD = "said"
TOLD_WORDS = 7
# A message this long that also asks something is still a story when one of its sentences tells
# about the person: the answer then starts by acknowledging it.
STORY_WORDS = 20
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")
_CLAUSE = re.compile(r"[,;:]\s*|\s+(?:but|and|so|because|cause|cuz)\s+", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|my|me|we|our)\b")

_QUESTION_START = re.compile(
    r"^(?:how|what|what's|whats|which|where|when|why|who|can|could|should|shall|would|will|is|"
    # a story told without its "I": "did my exit interview today", "have been applying for months"
    r"are|am(?! (?:so|just|not|done|tired|sick|a|an)\b)|do(?! not\b|n't\b)|does|"
    r"did(?! (?:my|a|an|some|this|that|it|everything|nothing|all)\b)|any|anyone(?! who)|"
    r"anybody(?! who)|has(?! (?:been|had)\b)|have(?! (?:been|had|to|no|a|an|my)\b)|"
    r"tips|advice|help|ideas|suggestions|recommend|looking for|need (?:advice|help|tips)|"
    r"tell me|explain|give me|"
    r"show me|list|day in the life|pros and cons|difference between)\b")
# A terse query opens with what it wants ("top paying jobs after cs", "salary of a TL"); a long
# message opening the same way is a story ("top of the leaderboard three months running and they
# gave the job to someone else"), as is one where a verb follows ("Salary was growing since year
# one").
_TERSE_START = re.compile(
    r"^(?:salary|salaries|pay|wages?|jobs?|careers?|best|top|easiest|fastest|avg|average|"
    r"median|typical|starting|entry|years)\b"
    r"(?! (?:was|were|has|had|went|grew|got|kept|keeps|used to|never|always)\b)")
TERSE_WORDS = 10
# Not asked of anyone: "is that just me", "am I the only one", "send help", "who needs lunch
# anyway", "honestly?", "right?"
_RHETORICAL = re.compile(r"\b(?:just me|am i the only one|only one who|send help|who knows|"
                         r"wish me luck|pray for me)\b|^\W*who (?:needs|cares|knew)\b"
                         # venting in a question's shape: "why do customers always wait till..."
                         r"|^\W*why (?:do|does|is|are|would|must|can't|won't|don't|do all) "
                         r"(?:customers?|callers?|people|they|managers?|management|companies|"
                         r"(?:my|our|the) (?:boss|manager|tl|supervisor|company|callers?))\b"
                         r"[^?]*\b(?:always|never|every single|every time|insist)\b")
_RHETORICAL_MARK = re.compile(
    r"\b(?:honestly|seriously|right|really|huh|eh|lol|no|yeah|ok|okay|guess what|you know)\?")
_ASKING = re.compile(
    r"\?|\b(?:any (?:advice|tips|ideas|suggestions|recommendations)|what (?:should|can|could|do|"
    r"else|jobs?|careers?|are|is)|how (?:do|can|did|long|much|to)|where (?:do|can|should)|"
    r"should i|can i|could i|is it (?:worth|possible|hard|easy)|i (?:want|need|would like|'d like)"
    r" to know|wondering|help me|looking for (?:advice|tips|a job|work|something)|"
    r"(?:recommend|suggest)(?:ations|ions)?)\b"
    # a clause that opens as a question or a request: "..., is that doable", "nah, move past it",
    # "can we skip this step", "name some companies"; after "and" or "but" only a question ("and
    # is it worth it"): "... and take care of your children" goes on telling
    # "... or is AI going to take the wfh jobs first": the second half of a question
    r"|\bor (?:is|are|will|would|should|can|could|do|does|did) (?!not\b)\w+"
    r"|(?:^|[,.;:!?]\s*|\b(?:so|and|but|ok|okay|pls|please|nah|lol)\s+)(?:can|could|would|"
    r"will|"
    r"is|are|do|does|should|shall) (?:i|we|you|it|that|this|there|they|he|she|those|these)\b"
    r"|(?:^|[,.;:!?]\s*|\b(?:so|ok|okay|pls|please|nah|lol)\s+)(?:name|list|show|"
    r"give|tell|help|wipe|delete|clear|erase|remove|skip|move|start|restart|continue|finish|go|"
    r"let's|lets|take me|send|explain|compare|"
    # requests from outside the bot's field ask too: "summarize this book for my english class"
    r"summari[sz]e|write|translate|fix|order|book|play|sing|draw|calculate|solve|find me|remind)\b"
    # a wish is a request too: "I want to move into project management"
    # a question word opening a clause ("hey so what does a TL make", "ok, which companies"), or
    # followed by what makes it a question ("how much", "what does"); not a relative clause
    # ("the place where I work", "people who started out on the phones")
    r"|(?:^|[,.;:!?(]\s*|\b(?:so|and|but|hey|ok|okay|well|also|then|honestly|question|lol)\s+)"
    r"(?:what|how|which|where|when|why|who)\b"
    r"|\b(?:whats|what's|hows|how's)\b"
    # asked without asking: "idk where ppl even find those jobs", "better to network or apply"
    r"|\b(?:i don't know|not sure|no idea|i wonder) (?:where|how|what|which|if|whether|who) "
    r"(?:to|i|people|you|anyone|one|someone|(?:\w+ )?(?:jobs?|roles?|careers?))\b"
    r"|^\W*(?:is it )?(?:better|best) (?:to|way|off)\b"
    r"|\b(?:i'd|i would) love to\b"
    # "if i leave cs altogether would i lose the wfh option"
    r"|\bif (?:i|we) [^,.?!]{0,50}\b(?:would|will|can|could|should|do|does) "
    r"(?:i|we|it|they|that)\b"
    r"|\b(?:what|how|which|where|when|why) (?:do|does|did|is|are|was|were|can|could|should|"
    r"would|will|much|many|long|about|kind|type|sort|else|exactly|even)\b"
    # ("as loud as I want", "whatever I want" are no wish)
    r"|(?<!as )(?<!whatever )\b(?:i|i'm|im|i am|i've been|ive been|we) (?:really )?"
    r"(?:want|wanna|need|would like|"
    r"'d like|hoping to|plan|planning|trying|looking|thinking|considering|interested|keen|"
    r"eager|aiming)"
    r"\b(?! to (?:die|cry|scream|quit everything))")
_compiled = {name: [re.compile(p) for p in patterns] for name, patterns in FEELINGS.items()}


def _plain(text: str) -> str:
    text = text.lower().replace("’", "'")
    return expand(text)  # "cant", "wat", "u": as the patterns spell them


# "made team lead on my 4th try": the level is the knowledge base's role entity, after these
_PROMOTED_TO = re.compile(r"\b(?:made|made it to|promoted to|got promoted to|finally)\s+"
                          r"(?:an?\s+)?$")


def promoted_to(text: str, start: int) -> bool:
    """Whether the words before `start` (where a level is named) say the person reached it."""
    return bool(_PROMOTED_TO.search(_plain(text[:start])))


# A feeling said not to be there: "i don't hate the work itself", "i'm not even tired"
_NEGATED = re.compile(r"\b(?:don't|do not|not|never|didn't|doesn't|isn't|wasn't|aren't|ain't|"
                      r"no longer)\s+(?:\w+\s+)?$")


def feeling(text: str) -> str | None:
    """The feeling the message names most clearly (one of ORDER), or None."""
    plain = _plain(text)
    for name in ORDER:
        if name == "success" and _UNDONE.search(plain):
            continue
        if any(not _NEGATED.search(plain[:m.start()])
               for p in _compiled[name] for m in p.finditer(plain)):
            return name
    return None


# Asking about one's own experience is telling it too: "is it normal to feel this drained after
# two years?", "does anyone else dread Mondays on the phones?"
_SHARES_EXPERIENCE = re.compile(r"\bi (?:feel|felt)\b|\bi'?m feeling\b|\bfeel(?:s|ing)? like i\b|"
                                r"\bis it (?:normal|just me|only me)\b|\bdoes anyone else\b|"
                                r"\banyone else (?:feel|get|have|hate|dread)\b")


# "lol i make 15 an hour": their own pay, told beside whatever it asks
_OWN_PAY = re.compile(r"\bi(?:'m| am)? (?:make|making|earn|earning|get|getting|got|paid|on)\b"
                      r"[^.?!]*?\d")


def tells_own_pay(text: str) -> bool:
    """Whether the message tells what the person earns."""
    return bool(_OWN_PAY.search(_plain(text)))


def told(text: str) -> bool:
    """Whether the message tells something at length: without asking anything, or, in a long
    message, in a sentence about the person besides what it asks ("I didn't know anything
    about fashion before Accessorize but I am comfortable with the uncomfortable. So take a
    chance on me.")."""
    words = len(text.split())
    if words >= TOLD_WORDS and not asks_something(text):
        return True
    if _SHARES_EXPERIENCE.search(_plain(text)):
        return True
    sentences = [s for s in _SENTENCE.findall(text) if s.strip(" .!?…")]
    if words >= TOLD_WORDS and len(sentences) >= 3 and not asks_something(sentences[-1]):
        # "Now everything is timed. Everything. You spend too much time on the phone? Straight
        # to jail.": a question in the middle of a story that ends as one is rhetorical
        return True
    # people run a story and a question together in one sentence ("6 years on the phones and
    # honestly i've had enough of it so what should i do"): its clauses are read too
    clauses = sentences + [c for s in sentences for c in _CLAUSE.split(s) if c.strip(" .!?…")]
    return words >= STORY_WORDS and any(
        len(c.split()) >= TOLD_WORDS - 1 and _FIRST_PERSON.search(_plain(c))
        and not asks_something(c) for c in clauses)


# Words in quotes are someone else's ("Then she said: 'why don't you give me your CV?'"): a
# question quoted is reported, not asked. A single quote opens after a space and closes before
# one, so the apostrophe of "don't" is neither.
_QUOTED = re.compile(r"[\"“”«»][^\"“”«»]{2,}[\"“”«»]|(?:^|(?<=\s))['‘].+?['’](?=[\s.,!?;:…]|$)")


# "they're timing how long i pee", "no matter how much you do": a question word inside a clause
# that tells, not one that asks
_TOLD_HOW = re.compile(r"\b(?:timing|time|times|tracking|track|counting|count|measuring|measure|"
                       r"watching|watch|(?<!n.t )knows?|knew|see|saw|seeing|cares?|matter|"
                       r"regardless of|shows?|showing|realis(?:e|ed)|realiz(?:e|ed)|forget|forgot)"
                       r" (?:how|what|when|where|who)\b(?![^.!?]*\?)")


def asks_something(text: str) -> bool:
    """Whether the message asks for anything: a question mark, a question's opening words, or
    a request ("any advice", "I want to know", "should I"); words in quotes do not count."""
    plain = _TOLD_HOW.sub(" so told", _plain(_QUOTED.sub(" ", text))).strip()
    if _RHETORICAL.search(plain):
        return False
    plain = _RHETORICAL_MARK.sub(",", plain)
    return bool(_QUESTION_START.match(plain) or _ASKING.search(plain)
                or (_TERSE_START.match(plain) and len(plain.split()) <= TERSE_WORDS))
