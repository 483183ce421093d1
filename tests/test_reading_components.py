"""The NLU components that read a message beyond its intent, on Rasa messages: the safety
classifier overrides any intent, the message reader adds the feeling, drops a subject a
correction takes back, and lets the named subject decide."""

from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.message_reader import MessageReader
from rasa_ext.safety_classifier import SafetyClassifier


def message(text: str, intent: str, confidence: float = 0.9, entities=()) -> Message:
    return Message(data={TEXT: text, INTENT: {"name": intent, "confidence": confidence},
                         INTENT_RANKING_KEY: [{"name": intent, "confidence": confidence}],
                         ENTITIES: list(entities)})


def test_a_crisis_overrides_whatever_the_classifier_read():
    m = message("im thinking about suicide because of my job", "why_leave", 0.97)
    SafetyClassifier().process([m])
    assert m.get(INTENT) == {"name": "crisis", "confidence": 1.0}
    assert m.get(INTENT_RANKING_KEY)[0]["name"] == "crisis"


def test_an_ordinary_message_keeps_its_intent():
    m = message("what does a team lead make", "ask_salary")
    SafetyClassifier().process([m])
    MessageReader().process([m])
    assert m.get(INTENT)["name"] == "ask_salary"


def test_the_reader_adds_the_feeling_and_the_subject_decides():
    m = message("so burnt out, how do I get a job in HR?", "how_to_start", entities=[
        {"entity": "career", "value": "hr_recruitment", "start": 34, "end": 36}])
    MessageReader().process([m])
    assert m.get(INTENT)["name"] == "skills_for_career"
    assert {"entity": "feeling", "value": "exhausted", "confidence": 1.0,
            "extractor": "MessageReader"} in m.get(ENTITIES)


def test_a_correction_drops_the_subject_it_takes_back():
    text = "sorry i meant canada not the us"
    m = message(text, "ask_salary_region", entities=[
        {"entity": "region", "value": "canada", "start": 14, "end": 20},
        {"entity": "region", "value": "us", "start": text.index(" us") + 1,
         "end": len(text)}])
    MessageReader().process([m])
    assert m.get(INTENT)["name"] == "followup"
    assert [e["value"] for e in m.get(ENTITIES) if e["entity"] == "region"] == ["canada"]


def test_a_message_that_asks_nothing_and_reads_as_nothing_is_a_statement():
    m = message("another day of back to back calls and a TL who never listens",
                "nlu_fallback", 0.4)
    MessageReader().process([m])
    assert m.get(INTENT)["name"] == "statement"


def test_button_payloads_are_left_alone():
    m = message('/ask_salary{"role": "team_lead"}', "ask_salary", 1.0)
    MessageReader().process([m])
    assert m.get(ENTITIES) == [] and m.get(INTENT)["name"] == "ask_salary"


def roles_of(text: str, *named: tuple[str, str]) -> list[str]:
    """The roles left after reading, when each (role, words) is named where the words are."""
    m = message(text, "ask_years", entities=[
        {"entity": "role", "value": role, "start": text.index(words),
         "end": text.index(words) + len(words)} for role, words in named])
    MessageReader().process([m])
    return [e["value"] for e in m.get(ENTITIES) if e["entity"] == "role"]


def test_the_level_a_person_says_they_have_is_not_the_one_they_ask_about():
    text = "been the SME on our line for 2 yrs and want TL next. how long does it take"
    assert roles_of(text, ("specialist", "SME"), ("team_lead", "TL")) == ["team_lead"]
    # set side by side, both are the subject
    text = "im a rep, is TL pay better than a rep's?"
    assert roles_of(text, ("representative", "rep,"), ("team_lead", "TL")) == [
        "representative", "team_lead"]


def test_the_level_a_move_starts_from_is_not_the_one_it_goes_to():
    text = "realistically how many years does it take to go from newbie agent to centre manager"
    assert roles_of(text, ("representative", "agent"), ("manager", "centre manager")) == [
        "manager"]
    # a career it goes to: the level it starts from is dropped too
    text = "how long does it usually take to go from agent to QA analyst?"
    m = message(text, "ask_years", entities=[
        {"entity": "role", "value": "representative", "start": text.index("agent"),
         "end": text.index("agent") + 5},
        {"entity": "career", "value": "quality_assurance", "start": text.index("QA"),
         "end": text.index("QA") + 10}])
    MessageReader().process([m])
    assert [e["value"] for e in m.get(ENTITIES) if e["entity"] in ("role", "career")] == [
        "quality_assurance"]


def test_of_two_levels_the_one_the_question_names_is_the_subject():
    text = ("My manager said I'm 'not leadership material' because I'm quiet. That stung. "
            "What do team leads actually need to be good at?")
    assert roles_of(text, ("manager", "manager"), ("team_lead", "team leads")) == ["team_lead"]


def test_how_do_i_start_leans_on_the_conversation():
    m = message("how do i start", "nlu_fallback", 0.4)
    MessageReader().process([m])
    assert m.get(INTENT)["name"] == "followup"


def test_reaching_a_level_is_news_to_congratulate():
    text = "made TL on the third go, whatever that says about me"
    m = message(text, "why_leave", 0.6, entities=[
        {"entity": "role", "value": "team_lead", "start": 5, "end": 7}])
    MessageReader().process([m])
    assert {"entity": "feeling", "value": "success", "confidence": 1.0,
            "extractor": "MessageReader"} in m.get(ENTITIES)
