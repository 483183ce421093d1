"""Two of Rasa 3.6's per-turn costs, removed without changing what it does (measured with
py-spy on a running server: together about a sixth of the Rasa server's CPU per turn).

- Every custom action's response is checked against a JSON schema with `jsonschema.validate`,
  which first checks the schema itself, on every call. Here the validator is built once.
- Every event read back (from the tracker store, from the action server) finds its class by
  walking all subclasses of `Event`. Here the answer is remembered per type name.

Imported by rasa_ext.entity_extractor, so the Rasa server applies it when it loads the model.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import Draft7Validator, ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

_original_validate = RemoteAction._validate_action_result
_original_resolve = Event.resolve_by_type  # a staticmethod: a plain function here


@functools.cache
def _action_result_validator() -> Draft7Validator:
    return Draft7Validator(RemoteAction.action_response_format_spec())


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _action_result_validator().validate(result)
    except ValidationError:
        return _original_validate(self, result)  # Rasa's own message and behaviour
    return True


_resolved: dict[tuple[str, Any], Any] = {}


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    key = (type_name, default)
    if key not in _resolved:
        _resolved[key] = _original_resolve(type_name, default)
    return _resolved[key]


if RemoteAction._validate_action_result is _original_validate:
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
