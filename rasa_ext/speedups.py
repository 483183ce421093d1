"""Two of Rasa 3.6's per-turn costs, removed without changing what it does. Counted in a
benchmark run (docs/measurements.md, "What the Rasa patches buy"): Rasa's check of an action
server's reply costs about 41 ms of CPU a call with jsonschema 4.17, and its event-class lookups
about 2.3 ms a turn; without this module the Rasa server spends more than twice the CPU a turn.

- Every custom action's response is checked against a JSON schema with `jsonschema.validate`,
  which first checks the schema itself, on every call, and then tries each event against all 23
  kinds of event (the schema's `oneOf`), making an error for each kind it is not. Here the
  validators are built once, and each event is checked against the one kind its `event` field
  names. That is the same test: every kind fixes `event` to its own constant, so no other kind
  can match. A response this check refuses goes to Rasa's own validation, so what Rasa says of
  a bad response is unchanged.
- Every event read back (from the tracker store, from the action server) finds its class by
  walking all subclasses of `Event`. Here the answer is remembered per type name.

Installed by rasa_ext/patches.py (`install()`), which checks first that Rasa's functions are
the ones this was written for; an error in the quick paths here hands the call to Rasa's own.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import Draft7Validator
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

from rasa_ext import patches

_original_validate = RemoteAction._validate_action_result
_original_resolve = Event.resolve_by_type  # a staticmethod: a plain function here


@functools.cache
def _validators() -> tuple[Draft7Validator, Draft7Validator, dict[str, Draft7Validator]]:
    """The response without its events; any event's common fields; each kind's own fields."""
    response = RemoteAction.action_response_format_spec()
    event = response["properties"]["events"]["items"]
    common = {k: v for k, v in event.items() if k != "oneOf"}
    kinds = {kind["properties"]["event"]["const"]: Draft7Validator(kind)
             for kind in event["oneOf"]}
    outer = {**response, "properties": {**response["properties"], "events": {"type": "array"}}}
    return Draft7Validator(outer), Draft7Validator(common), kinds


def valid_action_result(result: Any) -> bool:
    """True when Rasa's schema for an action server's response holds (see the docstring)."""
    outer, common, kinds = _validators()
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or []:
        name = event.get("event") if isinstance(event, dict) else None
        kind = kinds.get(name) if isinstance(name, str) else None
        if kind is None or not common.is_valid(event) or not kind.is_valid(event):
            return False
    return True


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        if valid_action_result(result):
            return True
    except Exception as error:  # noqa: BLE001 - Rasa's own check below decides
        patches.failed_call("speedups", error)
    return _original_validate(self, result)  # Rasa's own message and behaviour


_resolved: dict[tuple[str, Any], Any] = {}
_MISSING = object()


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    key = (type_name, default)
    try:
        found = _resolved.get(key, _MISSING)
    except TypeError:  # an unhashable name or default: nothing to remember, Rasa's own walk
        return _original_resolve(type_name, default)
    if found is _MISSING:
        found = _resolved[key] = _original_resolve(type_name, default)
    return found
