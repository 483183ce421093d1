"""rasa_ext/speedups.py changes how fast Rasa does two things, never what it does (installed by
rasa_ext/patches.py)."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

import rasa_ext.speedups as speedups
from rasa_ext import patches


@pytest.fixture(autouse=True, scope="module")
def installed():
    assert patches.install()["speedups"] == "active"


def test_it_is_installed():
    assert RemoteAction._validate_action_result is speedups._validate_action_result
    assert Event.resolve_by_type is speedups._resolve_by_type


@pytest.mark.parametrize("result", [
    {"events": [{"event": "slot", "name": "role", "value": "manager"}],
     "responses": [{"response": "utter_greet"}]},
    {"events": [], "responses": []},
])
def test_a_valid_action_response_passes(result):
    assert RemoteAction("action_x", None)._validate_action_result(result) is True


@pytest.mark.parametrize("result", [{"events": "not a list"}, {"responses": [1, 2]},
                                    {"events": [{"event": "no_such_event"}]}])
def test_an_invalid_action_response_fails_as_rasa_says(result):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result(result)


def test_every_event_type_resolves_to_the_class_rasa_would_find():
    for cls in all_subclasses(Event):
        if getattr(cls, "type_name", None):
            assert Event.resolve_by_type(cls.type_name) is speedups._original_resolve(
                cls.type_name)
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=Event) is Event


def _responses_to_check():
    # every kind of event as Rasa writes it, each with fields broken in ways the schema forbids
    from rasa.shared.core import events as ev
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    made = [ev.SlotSet("role", "manager"), ev.UserUttered("hi", {"name": "greet"}),
            ev.ActionExecuted("action_x"), ev.BotUttered("hello"), ev.EntitiesAdded([]),
            ev.ActiveLoop("plan_form"), ev.FollowupAction("action_x"), ev.Restarted(),
            ev.AllSlotsReset(), ev.SessionStarted(), ev.ActionReverted(),
            ev.UserUtteranceReverted(), ev.LoopInterrupted(True)]
    events = [e.as_dict() for e in made]
    events += [{"event": kind["properties"]["event"]["const"]} for kind in EVENT_SCHEMA["oneOf"]]
    broken = [{**events[0], "name": 3}, {"event": "slot", "value": 1}, {"event": "user",
              "text": 5}, {"event": "bot", "timestamp": "noon"}, {"event": "bot", "metadata": []},
              {"event": "entities", "entities": [{"entity": 1}]}, {"event": 7}, "slot", None,
              {}, {"event": "action", "name": None}]
    for event in events + broken:
        yield {"events": [event]}
        yield {"events": [events[0], event], "responses": [{"text": "hi"}]}
    yield from [{}, {"events": None}, {"responses": "x"}, {"events": [], "responses": [[]]}, []]


def test_the_quick_check_says_what_jsonschema_says_of_every_response():
    import jsonschema

    spec = RemoteAction.action_response_format_spec()
    verdicts = []
    for result in _responses_to_check():
        try:
            jsonschema.validate(result, spec)
            expected = True
        except ValidationError:
            expected = False
        assert speedups.valid_action_result(result) is expected, result
        verdicts.append(expected)
    assert True in verdicts and False in verdicts
