"""The question inside a long message is what the classifier reads; the rest of the pipeline
reads the whole message."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.question_focus import QuestionFocus, WholeMessage
from understanding.focus import main_question


def test_a_long_message_that_tells_and_asks_is_read_for_its_question():
    text = ("burnt out after another 10 hour shift of angry callers. does it get any better as "
            "a team leader or is it the same stress?")
    assert main_question(text) == ("does it get any better as a team leader or is it the same "
                                   "stress?")


def test_a_short_question_keeps_the_sentence_it_leans_on():
    text = ("my cousin is 18 and wants a call centre job to save for college. how does she get "
            "in")
    assert main_question(text) == text


def test_short_messages_all_questions_and_all_stories_are_read_whole():
    assert main_question("im a rep. what does a TL make?") is None  # short
    assert main_question("what does a team lead make and how long does it take to become one? "
                         "and what do they do all day?") is None  # it all asks
    assert main_question("six years on the phones and today a man screamed at me for twenty "
                         "minutes about a bill I did not send. I went to my car and cried.") is None


def test_the_classifier_gets_the_question_and_the_rest_the_whole_message():
    text = ("so tired of being told i'm just customer service. what skills do i actually have "
            "that anyone outside a call centre would care about")
    message = Message({TEXT: text})
    QuestionFocus().process([message])
    assert message.get(TEXT) == ("what skills do i actually have that anyone outside a call "
                                 "centre would care about")
    WholeMessage().process([message])
    assert message.get(TEXT) == text
    assert "whole_text" not in message.data  # nothing extra reaches the tracker
    # a payload is never re-read
    payload = Message({TEXT: '/ask_salary{"role": "team_lead"}'})
    QuestionFocus().process([payload])
    assert payload.get(TEXT) == '/ask_salary{"role": "team_lead"}'
