"""Reading a message beyond its intent: how the person feels, whether it asks anything, and
which subject decides the question (understanding/feelings.py, understanding/routing.py)."""

from __future__ import annotations

import pytest

from understanding.feelings import TOLD, asks_something, feeling, tells_own_pay, told
from understanding.followups import (
    asks_next_level,
    aspect_asked,
    compared_against,
    list_items,
    ordinal_asked,
    other_level,
    per_asked,
    refers_back,
    self_described,
    someone_in_their_life,
    unit_asked,
    years_of_experience,
)
from understanding.routing import (
    asks_target,
    corrected,
    in_currency_names,
    is_statement,
    route,
    training_as_career,
)
from understanding.shorthand import expand
from understanding.unknowns import term_asked, unknown_job, word_asked


@pytest.mark.parametrize("text, felt", [
    ("6 years on the phones, I'm exhausted and scared about money", "scared"),
    ("so burnt out i can barely log in", "exhausted"),
    ("I finally quit!!", "success"),
    ("got the job, last shift friday", "success"),
    ("I feel trapped in this dead-end job", "stuck"),
    ("I was stagnant. I was stucked in this industry.", "stuck"),
    ("I hate this place", "angry"),
    ("6 years. 6 *bastard* years.", "angry"),  # swearing says how it feels
    ("it could jeopardize my family. Will I be jobless?", "scared"),  # losing the job
    ("Finally off the Help Desk.", "success"),
    ("call centre work is burning me out", "exhausted"),
    ("5 years?? ive done 2 and im already dying lol", "exhausted"),  # hyperbole, not a crisis
    ("i cant afford a pay cut", "scared"),  # the apostrophe skipped
    # relief is good news, not the hopelessness it names
    ("ok thats doable. feeling a bit less hopeless now", "glad"),
    ("huh ok thats not as grim as i thought", "glad"),
    ("i dont feel better", None),
    # a feeling said not to be there
    ("i dont hate the work itself tbh", None), ("im not even tired, just bored", "stuck"),
    ("thank you all for sharing, this helped", "grateful"),
    ("passed all my night classes and finished my degree", "success"),
    ("handed back my badge and honestly felt amazing", "success"),  # a good day, named
    ("got let go on friday after four years and im still in shock", "sad"),
    ("the shifts change weekly and its impossible with the kids", "sad"),
    ("so bored, the same three complaints every call", "stuck"),
    ("what does a team lead make", None),
    # a question or a plan is no news to congratulate; nor is a step up that did not last
    ("so fed up, do i quit now or stay until something shows up?", "exhausted"),
    ("i'm not a verbal punchbag and i'm out in the new year anyway", None),
    ("got promoted to lead and lasted six months before going back to the phones", None),
    ("5 years as a trainer and watching a terrified class get good never gets old", "glad"),
    ("hung up on 4 nasty ones this weekend", "angry"),
    ("keep getting passed over. so demoralising", "stuck"),
    ("new job starts monday, so excited", "success"),  # news first
    ("honestly so relieved the training is over", "glad"),
    ("love how 'we're a family' only comes up when they want unpaid overtime", "angry"),
    ("they treat us like robots and count our toilet breaks", "angry"),
    ("honestly at my wits end with this place, what now", "exhausted"),
    ("so disappointed, didn't get the TL job again", "sad"),
    ("i actually love my job, is that weird", "glad"),
    ("Great post, really well written and spot on about the metrics.", "grateful"),
    ("sorry for my bad english", "sorry"),
    ("Sorry if this is the wrong place to ask, first time posting here", "sorry"),
    ("sorry but i'm so burnt out", "exhausted"),  # what they feel comes before the apology
    ("sorry no, i meant team lead", None), ("sorry i meant canada", None),  # corrections
])
def test_the_feeling_a_message_names(text, felt):
    assert feeling(text) == felt


@pytest.mark.parametrize("text", ["what could I even do?", "how do I get into HR",
                                  'how do I answer "why should we hire you"?',
                                  "I don't know, can you help?",
                                  "hey so what does a TL actually make these days",
                                  "im thinking about sales since i already upsell",
                                  "any advice for someone leaving", "should i take the TL job",
                                  "I want to know the pay in Japan", "salary in germany?",
                                  "top paying jobs after call centre",
                                  "right? so what do i do next",
                                  "do you know how long it takes?",
                                  "wfh with kids is hard. or is AI going to take the wfh jobs",
                                  "summarize this book for my english class"])
def test_questions_and_requests_ask_something(text):
    assert asks_something(text)


@pytest.mark.parametrize("text", ["6 years. 6 long years.", "I finally handed in my notice",
                                  # a question word inside a clause that tells
                                  "i can't prove it but i KNOW they're timing how long i pee",
                                  "no matter how much you do it's never enough",
                                  "why do customers always wait till the end of the call to "
                                  "bring up the actual problem",
                                  "Maybe one day I'll go insane, take all my savings, and move "
                                  "to Estonia.",
                                  # a question in quotes is reported, not asked
                                  "Then she said it… 'why don't you give me your CV tomorrow?'",
                                  'My boss said "why are you always late?" and I just left',
                                  "Anyone who says it's easy hasn't tried it",
                                  "Salary was growing since year one, slower than rent",
                                  "another day another 80 calls", "Thanks everyone",
                                  # opens like a terse query, but is a story
                                  "top of the sales board all year and they hired an outsider "
                                  "for the lead job",
                                  "you can work from home and take care of the kids",
                                  # rhetorical: nobody is asked
                                  "does anyone else dream about the hold music or is it just me",
                                  "tuesday. 110 calls. send help",
                                  "i mute them and sigh as loud as i want, cheaper than a gym",
                                  "who needs a break when you can mute and eat, right?",
                                  "told my mum i say sorry to strangers for a living. honestly? "
                                  "fair"])
def test_venting_and_news_ask_nothing(text):
    assert not asks_something(text)


@pytest.mark.parametrize("intent, entities, text, routed", [
    ("how_to_start", {"career": ["hr_recruitment"]}, "how do I get a job in HR?",
     "skills_for_career"),
    # chat shorthand is read as the words it stands for
    ("nlu_fallback", {}, "6 yrs on the phones and so burnt out. wat else could i even do",
     "career_options"),
    # the worst and best parts of the job: why people leave and why they stay
    ("nlu_fallback", {}, "whats the worst part then, be honest", "why_leave"),
    ("nlu_fallback", {}, "what's the best thing about working in cs?", "why_stay"),
    # the careers people move into, asked about those who left
    ("why_leave", {}, "is there any job where nobody yells at me 😭 what do ex call centre ppl "
                      "usually go into", "career_options"),
    # a level's pay, asked in the words of what it does
    ("ask_role_duties", {"role": ["representative"]}, "and how much do csrs make there",
     "ask_salary"),
    ("ask_role_duties", {"role": ["team_lead"]}, "what does a team lead actually do",
     "ask_role_duties"),
    # the years a level takes, asked as whether one's own are enough
    ("nlu_fallback", {}, "i have 3 yrs, is that enough", "ask_years"),
    # a place and pay: pay there, not the last topic again
    ("followup", {"country": ["south_africa"]},
     "what about south africa, are bpo jobs paid better there", "ask_salary_region"),
    # the level above, and what it does
    ("ask_role_duties", {"next_level": ["above"]},
     "and the one after it, what do they actually do all day", "ask_role_duties"),

    ("ask_job_search", {"career": ["quality_assurance"]}, "how do i become a QA analyst",
     "skills_for_career"),
    ("why_stay", {"role": ["team_lead"]}, "is a team lead position worth it?",
     "ask_role_duties"),
    ("nlu_fallback", {"role": ["team_lead"]}, "how do I become a team lead", "ask_years"),
    ("nlu_fallback", {"role": ["manager"]}, "what do managers make", "ask_salary"),
    # a role named in passing, or a confident reading: unchanged
    ("why_stay", {"role": ["representative"]}, "any good reason to keep working as an agent",
     "why_stay"),
    ("career_options", {"role": ["team_lead"]}, "what careers can a TL move into",
     "career_options"),
    ("why_leave", {"career": ["ux"]}, "what's the pay like in UX", "ask_salary"),
    # the intent already fits the subject, or there is none: unchanged
    ("ask_salary", {"role": ["team_lead"]}, "what does a team lead make", "ask_salary"),
    ("transferable_skills", {"career": ["ux"]}, "which of my skills transfer to UX",
     "transferable_skills"),
    ("how_to_start", {}, "how do I get into customer service", "how_to_start"),
    # an entry named by its own name is the subject before a role named around it
    ("nlu_fallback", {"metric": ["service_level"], "role": ["team_lead"]},
     "and SLA? my supervisor says we keep missing it", "ask_metrics"),
    ("statement", {"skill": ["troubleshooting", "patience"]},
     "im good at troubleshooting and im pretty patient", "careers_fit_me"),
    # a correction asks the last question again about the corrected subject
    ("ask_role_duties", {"role": ["team_lead"]}, "sorry no, i meant team lead", "followup"),
    ("skills_for_career", {"career": ["hr_recruitment", "marketing_cx_strategy"]},
     "not HR, marketing. typo", "followup"),
    # asking what to do, after saying why they want out: the options, not the reasons
    ("why_leave", {}, "6 years on the phones, I'm exhausted and scared about money, what "
     "could I even do?", "career_options"),
    ("why_leave", {}, "i just really need out of this job. where do i start", "steps_to_leave"),
    # a new target for the plan
    ("skills_for_career", {"career": ["project_management"]},
     "change my target to project management", "start_plan"),
    # asking for a person, as at a phone menu
    ("nlu_fallback", {"role": ["representative"]}, "Speak to a representative!",
     "bot_challenge"),
    ("statement", {}, "Ugh... TALK TO A PERSON!", "bot_challenge"),
    # a statement naming a career is news, not a question
    ("statement", {"career": ["hr_recruitment"]}, "I finally got the HR job", "statement"),
    # pay named with a career or role is a pay question, even after another topic
    ("followup", {"career": ["marketing_cx_strategy"]}, "and how much do marketing people make",
     "ask_salary"),
    ("ask_role_duties", {"role": ["team_lead"]},
     "supervisors at my place make way more than me, whats the going rate", "ask_salary"),
    ("compare_roles", {"role": ["team_lead"]},
     "supervisors at my place make way more than me, whats the going rate", "ask_salary"),
    # "make" that is no pay
    ("why_stay", {"career": ["hr_recruitment"]},
     "Why do we make it so hard to get into recruiting?", "skills_for_career"),
    # what a named role does; not "what do I do"
    ("followup", {"role": ["director"]}, "and what does a director do all day",
     "ask_role_duties"),
    ("ask_years", {}, "what do i do now?", "ask_years"),
    # study named with a role: the education answer, not the years to the role
    ("why_stay", {"role": ["manager"]}, "is a bachelors worth it to become a manager",
     "ask_education"),
    # the level above the one named or talked about
    ("ask_ladder", {"role": ["representative"], "next_level": ["above"]},
     "im a csr, whats the next level up and what does it pay", "ask_salary"),
    ("ask_years", {"role": ["associate"], "next_level": ["above"]},
     "what level comes after associate", "ask_ladder"),
    ("plan_next", {"next_level": ["above"]}, "and after that?", "followup"),
    ("ask_ladder", {"next_level": ["above"]}, "whats the next level up", "ask_ladder"),
    # the levels' pay is the US median: an agent's pay in the US is the agent's figure
    ("ask_salary_region", {"role": ["representative"], "region": ["us"]},
     "what do customer service agents make in the US", "ask_salary"),
    ("ask_salary_region", {"role": ["representative"], "region": ["japan"]},
     "what do customer service agents make in Japan", "ask_salary_region"),
    # what a role does, read as a request for help by the classifier
    ("help", {}, "and what do they actually do", "ask_role_duties"),
    ("help", {}, "what can you do?", "help"),
    # an interview question quoted
    ("ask_outlook", {}, "So, why are you changing careers?", "ask_job_search"),
    ("nlu_fallback", {}, "\"Why should we hire you.\" so many people miss on this question",
     "ask_job_search"),
    # getting out, read as getting in
    ("how_to_start", {}, "I'm worried I won't ever get away from call centres. Any suggestions?",
     "steps_to_leave"),
    ("how_to_start", {}, "how do I get into customer service after leaving retail",
     "how_to_start"),
    # asking to get out asks how, not why; saying one got out asks nothing
    ("nlu_fallback", {}, "Breaking out of customer service?", "steps_to_leave"),
    ("why_leave", {}, "how do I break free of call centres", "steps_to_leave"),
    ("why_leave", {}, "I want to get out of customer service, it's too stressful",
     "steps_to_leave"),
    ("why_leave", {}, "I finally got out of customer service last year", "why_leave"),
    ("why_leave", {}, "why do people quit customer service", "why_leave"),
    ("why_leave", {}, "why is it so hard to get out of call centres", "why_leave"),
    # what leaving costs is a downside of leaving, not a reason to leave
    ("why_leave", {}, "would i have to take a pay cut tho", "why_stay"),
    ("statement", {}, "leaving means retraining and getting new skills first", "why_stay"),
    # whether the jobs will last: the outlook
    ("why_stay", {}, "it could jeopardize my family. Will I be jobless?", "ask_outlook"),
    ("why_leave", {}, "are call centre jobs going to be replaced soon?", "ask_outlook"),
    ("why_leave", {}, "are call centre jobs going to be replaced by AI soon?", "ask_ai"),
    ("why_leave", {}, "will call centres even exist in 15 years? my kids ask me",
     "ask_outlook"),
    # two levels named, one in passing: not a comparison
    ("ask_role_duties", {"role": ["manager", "team_lead"]},
     "my manager says im too quiet. what do team leads actually need to be good at?",
     "ask_role_duties"),
    ("ask_salary", {"role": ["representative", "team_lead"]},
     "how much more does a team lead make than a rep", "compare_roles"),
    # pay told of in passing is not what is asked
    ("ask_salary", {"career": ["sales_account_management"]},
     "they offered me a sales job and honestly my pay now is a joke. but would sales even suit "
     "someone from support?", "skills_for_career"),
    ("ask_salary", {"career": ["hr_recruitment"]}, "what do HR people make", "ask_salary"),
    # a career named beside a job hunt is where they apply; the question is how
    ("skills_for_career", {"career": ["marketing_cx_strategy"]},
     "interview for a marketing assistant job next week, how do i explain my call centre years",
     "ask_job_search"),
    ("skills_for_career", {"career": ["hr_recruitment"]},
     "how do i move into HR and what should my cv say", "skills_for_career"),
    # what suits them: the careers that fit
    ("ask_outlook", {}, "patient, good with spreadsheets, hate the phones. what would suit me",
     "careers_fit_me"),
    # what counts as experience: what carries over, or for someone getting in, how to start
    ("why_leave", {}, "does any of what we do all day count as a real skill to employers?",
     "transferable_skills"),
    ("why_stay", {}, "does bar work count as customer service experience? applying for call "
     "centre jobs now", "how_to_start"),
    ("why_leave", {}, "Customer Service Jobs Might Just Disappear Because Everyone Hates "
     "Talking To People", "ask_outlook"),
    ("why_leave", {}, "my job disappeared overnight", "why_leave"),
    ("why_leave", {}, "I'm jobless since the call centre closed", "why_leave"),
    # advice about a promotion is about the way up, not the ways out
    ("why_stay", {}, "What should I do about this potential promotion?", "why_stay"),
    # insults about the job's people are venting; at the bot, abuse
    ("abuse", {}, "People are the worst. Most people are braindead.", "statement"),
    ("abuse", {}, "customers are idiots and you are too", "abuse"),
    ("abuse", {}, "go to hell bot", "abuse"),
    ("abuse", {}, "Finally off the Help Desk. Oh no you're not. If you're in my field, you're "
     "never off the help desk.", "statement"),
    ("abuse", {}, "honestly my most irate callers are nicer than you and you're still a useless "
     "piece of sh*t", "abuse"),
    # a company's customer who took the bot for its service; an agent speaking of them
    ("ask_salary", {}, "MAKE A PAYMENT", "out_of_scope"),
    ("nlu_fallback", {}, "where is my order??", "out_of_scope"),
    ("why_leave", {}, "8 hours a day of customers calling to make a payment and screaming at me",
     "why_leave"),
    # a greeting to the reader and nothing else
    ("ask_ladder", {}, "Hello bloggers!", "greet"),
    # a short thank-you to the bot, whatever a word in it reads as; to others in a thread, a
    # statement
    ("careers_fit_me", {"skill": ["active_listening"]}, "thanks for listening i guess", "thanks"),
    ("nlu_fallback", {}, "cheers for that", "thanks"),
    ("statement", {}, "thank you all for sharing", "statement"),
    # a career asked about beside what leaving costs; the skills of a level are its focus
    ("why_leave", {"career": ["quality_assurance"]}, "applied for QA twice, the only other move "
     "is a pay cut. what do they actually look for in a QA person?", "skills_for_career"),
    ("skills_for_career", {"role": ["team_lead"]}, "what skills do i need to be a TL",
     "ask_role_duties"),
    # what a level needs, getting into a named career, what a person is meant for, pay
    ("careers_fit_me", {"role": ["manager", "team_lead"]}, "my manager says i'm too quiet. what "
     "do team leads actually need to be good at?", "ask_role_duties"),
    ("careers_fit_me", {"career": ["technical_support"]}, "how do i get into IT helpdesk from a "
     "non technical call centre? i do a bit of troubleshooting if that counts",
     "skills_for_career"),
    ("ask_specializations", {"career": ["customer_success"],
                             "specialization": ["escalation_management"]},
     "got moved to escalations. could i move from this into customer success or is that a "
     "totally different thing", "skills_for_career"),
    ("nlu_fallback", {"career": ["technical_support"], "skill": ["basic_troubleshooting"]},
     "how do i get into IT helpdesk? i do a bit of router troubleshooting if that counts",
     "skills_for_career"),
    ("skills_for_career", {"career": ["training"]}, "i love training week and hate the queue. "
     "what job am i actually meant for", "careers_fit_me"),
    ("ask_role_duties", {"role": ["director"]}, "my head of cs is on over 100k. is that normal "
     "for a director?", "ask_salary"),
    ("career_options", {}, "what do they usually start people on in customer service?",
     "ask_salary"),
    ("how_to_start", {}, "how do i start at a call centre with no experience?", "how_to_start"),
    ("nlu_fallback", {}, "what jobs can i get with no degree after customer service",
     "career_options"),
    ("statement", {}, "I have been applying for months and not a peep back", "ask_job_search"),
    ("why_leave", {}, "applied to 40 jobs outside cs and got ghosted by every one",
     "ask_job_search"),
    ("nlu_fallback", {}, "which country pays customer service the best", "ask_salary_region"),
    ("ask_employers", {}, "where do call centre agents get paid the most?", "ask_salary_region"),
    ("nlu_fallback", {}, "i'm good with people and computers", "careers_fit_me"),
    ("nlu_fallback", {}, "thats not what i asked", "deny"),
    ("help", {}, "what should i do", "career_options"),
    ("ask_role_duties", {"role": ["manager"]}, "cheers for that, genuinely more useful than my "
     "last 1:1 with my manager", "thanks"),
    ("why_leave", {}, "you sound exactly like the scripts im trying to escape. useless", "abuse"),
    ("nlu_fallback", {}, "my son needs an iphone, can you do an early upgrade on my line",
     "out_of_scope"),
    ("why_leave", {}, "this job is a joke and the customers are useless", "why_leave"),
    ("out_of_scope", {}, "can you tell me a joke about cats", "out_of_scope"),
    ("statement", {}, "please stop charging my credit card for your app", "out_of_scope"),
    ("nlu_fallback", {}, "this bot is rubbish", "abuse"),
    # pay waved away, told in passing beside a level; AI named beside a level
    ("ask_salary", {"career": ["quality_assurance"]},
     "forget the pay. what would i need for QA instead", "skills_for_career"),
    ("why_stay", {"role": ["team_lead"]}, "another centre offered me more money and less calls "
     "but i love my TL. whats actually good about staying in cs", "why_stay"),
    ("ask_role_duties", {"role": ["team_lead"]}, "really? my TL reckons the whole floor will be "
     "bots in 5 yrs", "ask_ai"),
    ("why_stay", {"role": ["team_lead"]}, "is TL worth it for the extra money?", "ask_salary"),
    ("nlu_fallback", {}, "do they get paid more than us", "ask_salary"),
    ("nlu_fallback", {"role": ["director"]}, "my head of cs let slip she's on over 100k. is that "
     "normal for a director of customer service", "ask_salary"),
    ("help", {}, "what can you do?", "help"),
    ("statement", {}, "you're not listening", "deny"),
    # one side of staying or leaving, whichever word the classifier keyed on
    ("why_stay", {}, "and the cons of staying?", "why_leave"),
    ("why_leave", {}, "what are the downsides of leaving", "why_stay"),
    ("why_leave", {}, "im so burnt out from the phones. what else could i even do",
     "career_options"),
    # an industry named in passing is not asked about
    ("nlu_fallback", {"industry": ["business_process_outsourcing"]},
     "if your company asks you to join their BPO or quit - what should you really do?",
     "nlu_fallback"),
    # an industry named by its own name
    ("nlu_fallback", {"industry": ["business_process_outsourcing"]},
     "what does BPO mean, every job ad round here says BPO", "ask_industries"),
])
def test_the_named_subject_beats_an_intent_that_ignores_it(intent, entities, text, routed):
    assert route(intent, entities, text, asks=asks_something(text)) == routed


@pytest.mark.parametrize("intent, confidence, felt, statement", [
    ("nlu_fallback", 0.4, TOLD, True),  # told at length: a human reply, not "Did you mean"
    ("nlu_fallback", 0.4, None, False),  # "keep going", "helo": search, not "thanks for sharing"
    ("why_leave", 0.6, "exhausted", False),  # the reasons, after the acknowledgement
    ("why_leave", 0.6, TOLD, True),  # a story naming no feeling: no list of reasons to leave
    ("why_leave", 0.9, TOLD, False),
    ("careers_fit_me", 0.6, TOLD, False),  # describing themselves: the careers that fit
    ("ask_remote", 0.6, "angry", True),
    ("ask_remote", 0.9, TOLD, False),
    ("careers_fit_me", 0.9, None, False),  # "I'm patient and good with people"
    ("thanks", 0.9, "grateful", True),  # thanks to the others in a forum thread
    ("deny", 0.5, None, False), ("followup", 0.4, None, False), ("abuse", 0.6, "angry", False),
    # a story about work the classifier could not place is no request from outside the field
    ("out_of_scope", 0.6, TOLD, True), ("out_of_scope", 0.9, TOLD, False),
    ("out_of_scope", 0.6, None, False),
    # an apology that asks nothing: however surely it reads as a topic
    ("why_leave", 0.9, "sorry", True), ("followup", 0.9, "sorry", False),
])
def test_which_messages_that_ask_nothing_are_statements(intent, confidence, felt, statement):
    assert is_statement(intent, confidence, felt) == statement


def test_only_a_long_message_that_asks_nothing_is_told():
    assert told("Call centres have been what I have done most of my life.")
    assert not told("team lead pay") and not told("what do I do after ten long years here?")
    # a question in the middle of a story that ends as one is rhetorical
    assert told("Now everything is timed. Everything. You spend too much time on the phone? "
                "Straight to jail.")
    assert not told("I have a question. Two actually. What does a team lead make?")
    # a long message telling about the person besides what it asks is told too
    assert told("I didn't know anything about fashion before Accessorize but I am comfortable "
                "with the uncomfortable. So take a chance on me.")
    assert not told("I have 5 years in customer service and I want to move into HR. What "
                    "skills do I need?")  # all of it asks
    # a story and a question run together in one sentence
    assert told("been on the phones for six years now and honestly i have had enough of the "
                "shouting so what should i even do next")
    # asking about one's own experience tells it
    assert told("is it normal to feel like this after 2 years on the phones?")
    assert told("does anyone else get the sunday scaries before a week of calls")


def test_a_correction_takes_back_the_subject_it_negates():
    text = "sorry i meant canada not the us"
    found = [{"entity": "region", "value": "canada", "start": 13},
             {"entity": "region", "value": "us", "start": text.index("us")}]
    assert corrected(text, found) == [1]
    text = "not HR, marketing"
    found = [{"entity": "career", "value": "hr_recruitment", "start": 4},
             {"entity": "career", "value": "marketing_cx_strategy", "start": 8}]
    assert corrected(text, found) == [0]
    # nothing stands in for it: kept ("not HR" alone says what they don't want)
    assert corrected("not HR", found[:1]) == []


@pytest.mark.parametrize("text, job", [
    ("what's the pay for a nurse", "nurse"), ("salary of a data scientist in germany",
                                             "data scientist"),
    # a follow-up that names only the job
    ("and for a nurse?", "nurse"), ("what about for a teacher", "teacher"),
    ("and for me?", None), ("and for how long?", None), ("for now?", None),
    ("how much do teachers make", "teachers"), ("what would a plumber earn", "plumber"),
    ("can i become a software engineer coming from customer service", "software engineer"),
    # the job ends at a question mark, and the words before it that name no job are not it
    ("so whats the salary for a vet nurse? thinking of retraining", "vet nurse"),
    ("whats a web developer salary like these days", "web developer"),
    ("how do i leave without a big pay cut", None),  # a pay cut is no job
    # customer service itself, or no job at all
    ("what does a team lead make", None), ("whats the median pay in customer service", None),
    # a level misspelt is still a level
    ("wat does a team leed make", None), ("what does a suprvisor earn", None),
    ("average salary for call center agents", None), ("how much do they make?", None),
    ("starting salary in cs", None), ("hourly wage for reps", None),
    ("I want an office job, for example administration", "administration"),
    ("maybe something else, I don't know", None),
    ("got offered a job in insurance. what do they usually make?", None),  # no job "usually"
])
def test_a_job_named_where_a_pay_question_puts_one(text, job):
    assert unknown_job(text) == job


def test_us_as_a_pronoun_is_no_place():
    text = "do they get paid more than us"
    start = text.index(" us") + 1
    found = [{"entity": "region", "value": "us", "start": start, "end": start + 2}]
    assert in_currency_names(text, found) == [0]
    text = "what do reps make in the US"
    start = text.index("US")
    assert in_currency_names(text, [{"entity": "region", "value": "us", "start": start,
                                     "end": start + 2}]) == []


def test_us_dollars_names_a_currency_not_a_place():
    text = "whats that in us dollars"
    start = text.index(" us ") + 1
    found = [{"entity": "region", "value": "us", "start": start, "end": start + 2}]
    assert in_currency_names(text, found) == [0]
    assert in_currency_names("pay in the us", [{"entity": "region", "value": "us",
                                                "start": 11, "end": 13}]) == []


@pytest.mark.parametrize("text, place", [
    ("tell me more about the second one", 2), ("number 3 please", 3), ("the last option", -1),
    ("second", 2), ("ok what about the 4th career", 4), ("option 1", 1),
    # a first step or a first job is no item of a list
    ("what should i do first", None), ("my first job was in retail", None),
    ("what's a good first job after the call centre", None),
])
def test_the_place_in_a_list_a_message_points_at(text, place):
    assert ordinal_asked(text) == place


def test_the_move_talked_about_is_pointed_back_at():
    assert refers_back("how long would the switch take")
    assert refers_back("is the move worth it")


def test_the_items_of_a_list_as_a_reply_names_them():
    assert list_items("Careers:\n• Sales and account management\n• Quality assurance\nSources") == [
        "Sales and account management", "Quality assurance"]
    assert list_items("1. Customer Service Representative: 0-1 years, US median $36,000") == [
        "Customer Service Representative"]


def test_the_level_above_and_the_role_a_person_says_they_have():
    assert asks_next_level("im a csr, whats the next level up")
    assert asks_next_level("and the one after it, what do they do")
    assert asks_next_level("and after that?") and asks_next_level("whats next after supervisor")
    # a plan's next step is not a level
    assert not asks_next_level("what do i do after that")
    assert not asks_next_level("next step please")
    text = "ok and how long till i could be one? been a rep 2 yrs"
    assert self_described(text, text.index("rep"))
    text = "how long till i could be a rep"
    assert not self_described(text, text.index("rep"))


@pytest.mark.parametrize("text, term", [
    ("whats ACW? my supervisor wrote it on my review", "ACW"),
    ("what does SLA stand for", "SLA"),
    ("What are KPIs?", "KPI"),
    ("and what even is WFM lol", "WFM"), ("what exactly is SLA", "SLA"),
    ("What is the pay", None),  # no acronym
    ("WHAT IS THE PAY", None),  # shouted, not an acronym
    # a term given in quotes, whatever its case
    ("what does 'occupancy' mean? mine is apparently too high", "occupancy"),
    ("i dont know what 'good' means here", None),  # not asked what it means
])
def test_the_acronym_a_question_asks_about(text, term):
    assert term_asked(text, []) == term


def test_an_acronym_an_entity_names_is_known():
    text = "what does BPO mean"
    assert term_asked(text, [(text.index("BPO"), text.index("BPO") + 3)]) is None


def test_customer_service_as_a_whole_does_not_point_back():
    assert refers_back("and in Japan?") and refers_back("how much do they make")
    assert not refers_back("and whats the typical starting salary in cs")
    assert not refers_back("and the median for customer service overall?")


@pytest.mark.parametrize("text, level, in_their_life", [
    ("my manager said i wont get senior unless i do overtime", "manager", True),
    ("my TL says im a natural at upselling, should i go into sales", "TL", True),
    ("what does my manager earn", "manager", False),  # asked about
    ("is the team lead role worth it", "team lead", False),
])
def test_a_level_who_is_a_person_in_their_life(text, level, in_their_life):
    start = text.index(level)
    assert someone_in_their_life(text, start, start + len(level)) is in_their_life


def test_their_own_pay_is_told_not_asked():
    assert tells_own_pay("lol i make 15 an hour. cool cool cool")
    assert tells_own_pay("im on 30k and its not enough")
    assert not tells_own_pay("what do reps make an hour")


def test_chat_shorthand_is_written_out():
    assert expand("wat r u gonna do bc i dont know") == (
        "what are you going to do because i don't know")
    assert expand("ur hr rep") == "your hr rep"  # words that only contain shorthand stay


def test_what_a_figure_is_compared_against_and_per_what():
    text = "and does that pay more than being a TL"
    assert compared_against(text, text.index("TL"))
    text = "how do i become a TL"
    assert not compared_against(text, text.index("TL"))
    assert unit_asked("per hour?") == "hour"
    assert unit_asked("is that per month or per year") is None  # the year's, as given


def test_a_target_asked_for_and_a_word_whose_meaning_is_asked():
    assert asks_target("whats a normal AHT target then")
    assert asks_target("what is a typical first call resolution rate")
    # a target told of, and the measure's own name, ask for none
    assert not asks_target("the target is 6, TL keeps coaching me. what even counts towards AHT")
    assert not asks_target("what is average handle time")
    assert word_asked("whats adherence? my wfm team keeps emailing me about it") == "adherence"
    assert word_asked("what does occupancy mean") == "occupancy"
    assert word_asked("whats next?") is None and word_asked("what is the pay") is None


def test_the_period_asked_for_is_read_from_what_is_asked():
    assert per_asked("whats the hourly rate for a call centre manager") == "hour"
    # hourly only told of; a year asked
    assert per_asked("what does a manager make a year? the rest of us are hourly") is None
    assert years_of_experience("and for someone with 2 yrs") == 2
    assert other_level("and the one below that") == "below"
    assert other_level("how long to get to the top one") == "top"
    assert other_level("agent all the way up to the top") is None  # the whole ladder
    assert aspect_asked("source?") == "source" and aspect_asked("how do u know") == "source"
    assert aspect_asked("thanks. really") is None


def test_training_said_as_the_career(kb):
    from rasa_ext.message_reader import TRAINING

    assert kb.career(TRAINING)  # the id the reading gives is the knowledge base's
    assert training_as_career("torn between QA or training, which is easier")
    assert training_as_career("sorry, english. how do i move into training from the phones")
    assert not training_as_career("they sent me to training for the new system")
    assert not training_as_career("is it worth going into training courses")
