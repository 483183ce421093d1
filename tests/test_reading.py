"""Reading a message beyond its intent: how the person feels, whether it asks anything, and
which subject decides the question (understanding/feelings.py, understanding/routing.py)."""

from __future__ import annotations

import pytest

from understanding.feelings import asks_something, feeling
from understanding.routing import route


@pytest.mark.parametrize("text, felt", [
    ("6 years on the phones, I'm exhausted and scared about money", "scared"),
    ("so burnt out i can barely log in", "exhausted"),
    ("I finally quit!!", "success"),
    ("got the job, last shift friday", "success"),
    ("I feel trapped in this dead-end job", "stuck"),
    ("I hate this place", "angry"),
    ("thank you all for sharing, this helped", "grateful"),
    ("what does a team lead make", None),
])
def test_the_feeling_a_message_names(text, felt):
    assert feeling(text) == felt


@pytest.mark.parametrize("text", ["what could I even do?", "how do I get into HR",
                                  "any advice for someone leaving", "should i take the TL job",
                                  "I want to know the pay in Japan", "salary in germany?"])
def test_questions_and_requests_ask_something(text):
    assert asks_something(text)


@pytest.mark.parametrize("text", ["6 years. 6 long years.", "I finally handed in my notice",
                                  "another day another 80 calls", "Thanks everyone"])
def test_venting_and_news_ask_nothing(text):
    assert not asks_something(text)


@pytest.mark.parametrize("intent, entities, text, routed", [
    ("how_to_start", {"career": ["hr_recruitment"]}, "how do I get a job in HR?",
     "skills_for_career"),
    ("ask_job_search", {"career": ["quality_assurance"]}, "how do i become a QA analyst",
     "skills_for_career"),
    ("why_stay", {"role": ["team_lead"]}, "is a team lead position worth it?",
     "ask_role_duties"),
    ("nlu_fallback", {"role": ["team_lead"]}, "how do I become a team lead", "ask_years"),
    ("career_options", {"role": ["manager"]}, "what do managers make", "ask_salary"),
    ("why_leave", {"career": ["ux"]}, "what's the pay like in UX", "ask_salary"),
    # the intent already fits the subject, or there is none: unchanged
    ("ask_salary", {"role": ["team_lead"]}, "what does a team lead make", "ask_salary"),
    ("transferable_skills", {"career": ["ux"]}, "which of my skills transfer to UX",
     "transferable_skills"),
    ("how_to_start", {}, "how do I get into customer service", "how_to_start"),
    # a statement naming a career is news, not a question
    ("statement", {"career": ["hr_recruitment"]}, "I finally got the HR job", "statement"),
])
def test_the_named_subject_beats_an_intent_that_ignores_it(intent, entities, text, routed):
    assert route(intent, entities, text, asks=asks_something(text)) == routed
