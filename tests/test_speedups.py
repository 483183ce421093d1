"""rasa_ext/speedups.py changes how fast Rasa does two things, never what it does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

import rasa_ext.speedups as speedups


def test_it_is_installed():
    assert RemoteAction._validate_action_result is speedups._validate_action_result


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
