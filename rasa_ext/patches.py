"""The project's changes to Rasa 3.6 itself, installed in one place: `install()`.

Rasa has no hooks for what these do, so each replaces a function of Rasa's (the module named
gives the reasons and the details):

- ``action_failure``: a failed custom action sends the domain's `utter_action_failed` instead
  of silence (`RemoteAction.run`; behaviour, not speed).
- ``encode_ahead``: the Rasa server awaits each message's sentence vector from the encoder
  process before it parses the message (`MessageProcessor.parse_message`).
- ``diet_in_numpy``: DIET's intent scores for one message computed with NumPy from the trained
  weights instead of a TensorFlow call (`DIETClassifier._predict`).
- ``speedups``: the action server's reply checked against Rasa's schema per event kind, with
  validators built once (`RemoteAction._validate_action_result`), and event classes looked up
  once per type name (`Event.resolve_by_type`).
- ``fail_loudly``: around the project's tracker stores, Rasa's fail-safe wrapper raises a
  database error again instead of going on without the conversation, so the turn fails with the
  channel's kind reply (`FailSafeTrackerStore.__init__`; behaviour).

What each buys (all pay: docs/measurements.md, "What the Rasa patches buy"): without
``speedups`` the Rasa server spends more than twice the CPU per turn; without ``encode_ahead``
it serves a third fewer turns at 10 users; ``diet_in_numpy`` saves about 5 ms of ~40 ms a turn.

`install()` is called by the first of the two modules of ours that Rasa imports: the tracker
store (rasa_ext/tracker_store.py, named in the endpoints, at the server's start, before Rasa
wraps it) or the entity extractor (rasa_ext/entity_extractor.py, when a model is loaded, in
training too); calling it again changes nothing. Each patch is
guarded: it is installed only on Rasa 3.6.x and only when every function it replaces is there
with the parameters it was written for (`RASA_INTERNALS`, checked with `inspect`); otherwise
Rasa's own code stays and the log says once which patch is off and why. An error inside a patch
while it runs gives that call to Rasa's own code and is logged once (`failed_call`). At start
the server logs one line saying which patches are active.

`RASA_INTERNALS` lists every name inside Rasa the project relies on beyond its documented
interface, whoever uses it: what the patches replace and read, what other modules override or
call (channels/, ops/), and what tests look into. tests/test_patches.py checks each against the
installed Rasa and scans the source for private Rasa names missing from the list, so that an
upgrade shows at once what breaks.

To measure what a patch buys, start the Rasa server without it (no setting needed):

    python -m rasa_ext.patches --without diet_in_numpy run --model models/career-coach.tar.gz ...
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import logging
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

RASA_SERIES = "3.6."  # the Rasa versions the patches were written for (and checked against)


@dataclass(frozen=True)
class Internal:
    """One name inside Rasa that the project relies on, and the shape it must have.

    `owner`: "module:Class" (or "module" for a module-level name); `kind`: "method",
    "coroutine" (an async method), "staticmethod", or "attribute" (an instance attribute the
    class's own code assigns, `self.<name> = ...`); `params`: a callable's parameter names, in
    order; `used_by`: who relies on it, and how.
    """

    owner: str
    name: str
    kind: str
    params: tuple[str, ...] = ()
    used_by: str = ""

    def __str__(self) -> str:
        return f"{self.owner.replace(':', '.')}.{self.name}"

    def owner_object(self) -> Any:
        module_name, _, qualname = self.owner.partition(":")
        found: Any = importlib.import_module(module_name)
        for part in filter(None, qualname.split(".")):
            found = getattr(found, part)
        return found

    def problem(self) -> str | None:
        """None when the installed Rasa has this name with this shape; otherwise what differs."""
        try:
            owner = self.owner_object()
        except (ImportError, AttributeError) as error:
            return f"{self.owner} is gone ({error})"
        if self.kind == "attribute":
            return None if _assigns(owner, self.name) else \
                f"{self} is no longer assigned by {self.owner}'s code"
        try:
            static = inspect.getattr_static(owner, self.name)
        except AttributeError:
            return f"{self} is gone"
        saved = _originals.get((id(owner), self.name))
        if saved is not None and getattr(static, "__func__", static) is saved[1]:
            static = saved[0]  # replaced by a patch: Rasa's own is the one to check
        function = static.__func__ if isinstance(static, (staticmethod, classmethod)) else static
        if not callable(function):
            return f"{self} is not callable"
        if (self.kind == "staticmethod") != isinstance(static, staticmethod) \
                or isinstance(static, classmethod):
            return f"{self} is a {type(static).__name__}, expected a {self.kind}"
        if (self.kind == "coroutine") != inspect.iscoroutinefunction(function):
            return f"{self} is {'' if self.kind != 'coroutine' else 'not '}async"
        try:
            params = tuple(inspect.signature(function).parameters)
        except (TypeError, ValueError) as error:
            return f"{self} has no signature ({error})"
        if params != self.params:
            return f"{self} has parameters ({', '.join(params)}), expected " \
                   f"({', '.join(self.params)})"
        return None


def _assigns(owner: Any, name: str) -> bool:
    """Whether the code of `owner` or of a Rasa class it inherits assigns `self.<name>`."""
    assignment = re.compile(rf"\bself\.{re.escape(name)}\s*(:[^=\n]+)?=[^=]")
    for cls in getattr(owner, "__mro__", ()):
        if cls.__module__.split(".")[0] != "rasa":
            continue
        try:
            if assignment.search(inspect.getsource(cls)):
                return True
        except (OSError, TypeError):
            continue
    return False


# --- what the patches replace (each checked before it is replaced) ---
REMOTE_ACTION_RUN = Internal(
    "rasa.core.actions.action:RemoteAction", "run", "coroutine",
    ("self", "output_channel", "nlg", "tracker", "domain"),
    "replaced by the action_failure patch (rasa_ext/action_failure.py)")
PARSE_MESSAGE = Internal(
    "rasa.core.processor:MessageProcessor", "parse_message", "coroutine",
    ("self", "message", "tracker", "only_output_properties"),
    "replaced by the encode_ahead patch (rasa_ext/encode_ahead.py)")
VALIDATE_ACTION_RESULT = Internal(
    "rasa.core.actions.action:RemoteAction", "_validate_action_result", "method",
    ("self", "result"), "replaced by the speedups patch (rasa_ext/speedups.py)")
RESOLVE_BY_TYPE = Internal(
    "rasa.shared.core.events:Event", "resolve_by_type", "staticmethod", ("type_name", "default"),
    "replaced by the speedups patch (rasa_ext/speedups.py)")
DIET_PREDICT = Internal(
    "rasa.nlu.classifiers.diet_classifier:DIETClassifier", "_predict", "method",
    ("self", "message"), "replaced by the diet_in_numpy patch (rasa_ext/diet_in_numpy.py)")
FAIL_SAFE_INIT = Internal(
    "rasa.core.tracker_store:FailSafeTrackerStore", "__init__", "method",
    ("self", "tracker_store", "on_tracker_store_error", "fallback_tracker_store"),
    "replaced by the fail_loudly patch (rasa_ext/tracker_store.py: errors fail the turn)")

RASA_INTERNALS: tuple[Internal, ...] = (
    REMOTE_ACTION_RUN,
    FAIL_SAFE_INIT,
    PARSE_MESSAGE,
    DIET_PREDICT,
    VALIDATE_ACTION_RESULT,
    RESOLVE_BY_TYPE,
    Internal("rasa.core.actions.action:RemoteAction", "action_response_format_spec",
             "staticmethod", (), "read by rasa_ext/speedups.py: the schema it checks with"),
    # read by rasa_ext/diet_in_numpy.py (on any difference it keeps TensorFlow's path, and it
    # compares its scores with TensorFlow's on each model's first message); the layer keys it
    # looks up are "sequence_layer.text" -> "feature_combining" -> "sparse_dense.sentence" ->
    # "sparse_to_dense", "unify_dims_before_seq_sent_concat.sentence", and "embed.text"
    Internal("rasa.nlu.classifiers.diet_classifier:DIETClassifier", "_execution_context",
             "attribute", (), "rasa_ext/diet_in_numpy.py: diagnostic runs keep TensorFlow"),
    Internal("rasa.nlu.classifiers.diet_classifier:DIET", "_tf_layers", "attribute", (),
             "rasa_ext/diet_in_numpy.py: the model's layers"),
    Internal("rasa.nlu.classifiers.diet_classifier:DIET", "all_labels_embed", "attribute", (),
             "rasa_ext/diet_in_numpy.py: the intents' embeddings"),
    Internal("rasa.utils.tensorflow.rasa_layers:RasaSequenceLayer", "_tf_layers", "attribute",
             (), "rasa_ext/diet_in_numpy.py: the feature-combining layer"),
    Internal("rasa.utils.tensorflow.rasa_layers:RasaFeatureCombiningLayer", "_tf_layers",
             "attribute", (), "rasa_ext/diet_in_numpy.py: sparse-to-dense and unifying layers"),
    Internal("rasa.utils.tensorflow.rasa_layers:ConcatenateSparseDenseFeatures", "_tf_layers",
             "attribute", (), "rasa_ext/diet_in_numpy.py: the sparse-to-dense kernel"),
    Internal("rasa.utils.tensorflow.layers:Ffnn", "_ffn_layers", "attribute", (),
             "rasa_ext/diet_in_numpy.py: the unifying layer's kernel"),
    Internal("rasa.utils.tensorflow.layers:RandomlyConnectedDense", "kernel_mask", "attribute",
             (), "rasa_ext/diet_in_numpy.py: the unifying kernel's mask"),
    Internal("rasa.utils.tensorflow.layers:Embed", "_dense", "attribute", (),
             "rasa_ext/diet_in_numpy.py: the text embedding's kernel"),
    # replaced, overridden or called by other modules
    Internal("rasa.core.tracker_store:SQLTrackerStore", "_event_query", "method",
             ("self", "session", "sender_id", "fetch_events_from_all_sessions"),
             "called by rasa_ext/tracker_store.py's SQLTrackerStore"),
    Internal("rasa.core.tracker_store:SQLTrackerStore", "_additional_events", "method",
             ("self", "session", "tracker"),
             "called by rasa_ext/tracker_store.py's SQLTrackerStore"),
    Internal("rasa.core.lock_store:LockStore", "_acquire_lock", "coroutine",
             ("self", "conversation_id", "ticket", "wait_time_in_seconds"),
             "overridden by rasa_ext/lock_store.py's RedisLockStore (called by Rasa's lock())"),
    Internal("rasa.core.channels.slack:SlackBot", "_post_message", "coroutine",
             ("self", "channel", "kwargs"), "overridden and called by channels/slack.py"),
    Internal("rasa.core.channels.slack:SlackInput", "_is_user_message", "staticmethod",
             ("slack_event",), "overridden and called by channels/slack.py"),
    Internal("rasa.core.channels.slack:SlackInput", "_background_tasks", "attribute", (),
             "channels/slack.py keeps its tasks there; channel tests await them"),
    Internal("rasa.core.channels.socketio:SocketIOOutput", "_send_message", "coroutine",
             ("self", "socket_id", "response"), "called by channels/socketio.py"),
    # looked into by tests only
    Internal("rasa.core.agent:Agent", "_create_tracker_store", "staticmethod",
             ("store", "domain"), "tests/test_stores.py: the store Rasa wraps"),
    Internal("rasa.core.tracker_store:FailSafeTrackerStore", "_fallback_tracker_store",
             "attribute", (), "tests/test_stores.py: nothing went to memory instead"),
    Internal("rasa.core.tracker_store:FailSafeTrackerStore", "_on_tracker_store_error",
             "attribute", (), "tests/test_stores.py: the error callback"),
    Internal("rasa.engine.runner.dask:DaskGraphRunner", "_instantiated_nodes", "attribute", (),
             "tests/test_diet_in_numpy.py: finding the loaded DIETClassifier"),
    Internal("rasa.engine.graph:GraphNode", "_component", "attribute", (),
             "tests/test_diet_in_numpy.py: finding the loaded DIETClassifier"),
)


@dataclass
class Patch:
    """One change to Rasa: each target replaced by the function of `module` named beside it;
    Rasa's own function is put in the module's variable named third, for the replacement to
    call."""

    name: str
    module: str
    targets: tuple[tuple[Internal, str, str], ...]
    check: str | None = None  # a function of `module` that raises when the patch would not fit
    active: bool = False
    reason: str = "not installed"
    failed_once: bool = field(default=False, repr=False)


PATCHES: tuple[Patch, ...] = (
    Patch("action_failure", "rasa_ext.action_failure",
          ((REMOTE_ACTION_RUN, "_run_or_apologise", "_original_run"),)),
    Patch("encode_ahead", "rasa_ext.encode_ahead",
          ((PARSE_MESSAGE, "_parse_message", "_original_parse"),)),
    Patch("diet_in_numpy", "rasa_ext.diet_in_numpy",
          ((DIET_PREDICT, "_predict", "_original_predict"),)),
    Patch("speedups", "rasa_ext.speedups",
          ((VALIDATE_ACTION_RESULT, "_validate_action_result", "_original_validate"),
           (RESOLVE_BY_TYPE, "_resolve_by_type", "_original_resolve")),
          check="_validators"),  # Rasa's schema for action responses, split by event kind
    Patch("fail_loudly", "rasa_ext.tracker_store",
          ((FAIL_SAFE_INIT, "_fail_safe_init", "_original_fail_safe_init"),)),
)

_installed = False
_turned_off: set[str] = set()
# what install() replaced: (owner, name, Rasa's own attribute as the class held it, whether the
# class held it itself rather than inheriting it, the replacement); and by (id(owner), name)
_applied: list[tuple[Any, str, Any, bool, Any]] = []
_originals: dict[tuple[int, str], tuple[Any, Any]] = {}


def turn_off(names: Iterable[str]) -> None:
    """Keeps these patches out of the next `install()` (to measure what one buys)."""
    unknown = set(names) - {patch.name for patch in PATCHES}
    if unknown:
        raise ValueError(f"no such patch: {', '.join(sorted(unknown))}")
    _turned_off.update(names)


def status() -> dict[str, str]:
    """Each patch's name: "active", or why it is not."""
    return {patch.name: "active" if patch.active else patch.reason for patch in PATCHES}


def install() -> dict[str, str]:
    """Installs every patch that fits the installed Rasa (once; see the module docstring)."""
    global _installed
    if _installed:
        return status()
    _installed = True
    import rasa

    version = str(getattr(rasa, "__version__", "unknown"))
    for patch in PATCHES:
        patch.active, patch.failed_once = False, False
        if patch.name in _turned_off:
            patch.reason = "turned off (python -m rasa_ext.patches --without)"
            continue
        reason = (f"Rasa {version} is not the {RASA_SERIES}x it was written for"
                  if not version.startswith(RASA_SERIES) else _apply(patch))
        if reason:
            patch.reason = reason
            logger.warning(f"Rasa patch {patch.name} is off, Rasa's own code runs instead: "
                           f"{reason}")
        else:
            patch.active = True
    active = [name for name, state in status().items() if state == "active"]
    off = [f"{name} ({state})" for name, state in status().items() if state != "active"]
    logger.info(f"Rasa patches (rasa_ext/patches.py) active: {', '.join(active) or 'none'}"
                + (f"; off: {', '.join(off)}" if off else ""))
    return status()


def _apply(patch: Patch) -> str | None:
    """Replaces the patch's targets; None, or why it did not (then nothing is replaced)."""
    problems = [problem for internal, _, _ in patch.targets if (problem := internal.problem())]
    if problems:
        return "; ".join(problems)
    done: list[tuple[Any, str, Any, bool, Any]] = []
    try:
        module = importlib.import_module(patch.module)
        if patch.check:
            getattr(module, patch.check)()
        for internal, replacement_name, original_name in patch.targets:
            owner = internal.owner_object()
            static = inspect.getattr_static(owner, internal.name)
            own = internal.name in vars(owner)  # not inherited: put back, not deleted, later
            replacement = getattr(module, replacement_name)
            if not callable(replacement):
                raise TypeError(f"{patch.module}.{replacement_name} is not callable")
            setattr(module, original_name, getattr(owner, internal.name))
            setattr(owner, internal.name, staticmethod(replacement)
                    if isinstance(static, staticmethod) else replacement)
            done.append((owner, internal.name, static, own, replacement))
    except Exception as error:  # noqa: BLE001 - any failure leaves Rasa's own code in place
        _restore(done)
        return f"{type(error).__name__}: {error}"
    for owner, name, static, _, replacement in done:
        _originals[(id(owner), name)] = (static, replacement)
    _applied.extend(done)
    return None


def _restore(entries: list[tuple[Any, str, Any, bool, Any]]) -> None:
    for owner, name, static, own, replacement in reversed(entries):
        current = inspect.getattr_static(owner, name, None)
        if getattr(current, "__func__", current) is not replacement:
            continue  # replaced again since (a test's monkeypatch): not ours to undo
        if own:
            setattr(owner, name, static)
        else:
            delattr(owner, name)
        _originals.pop((id(owner), name), None)


def uninstall() -> None:
    """Puts Rasa's own functions back (for tests); `install()` may be called again."""
    global _installed
    _restore(_applied)
    _applied.clear()
    for patch in PATCHES:
        patch.active, patch.reason = False, "not installed"
    _installed = False


def failed_call(name: str, error: BaseException) -> None:
    """A patch's own code failed during a call, which Rasa's code then answered: logged once."""
    patch = next(p for p in PATCHES if p.name == name)
    if not patch.failed_once:
        patch.failed_once = True
        logger.warning(f"Rasa patch {name} failed ({type(error).__name__}: {error}); Rasa's "
                       "own code answered, as it will whenever the patch fails (logged once)",
                       exc_info=error)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m rasa_ext.patches",
        description="Runs Rasa's command line (`rasa ...`) with some of the project's Rasa "
                    "patches turned off, to measure what each one buys.")
    parser.add_argument("--without", action="append", default=[],
                        choices=[patch.name for patch in PATCHES],
                        help="a patch to leave out (repeatable)")
    parser.add_argument("rasa_args", nargs=argparse.REMAINDER, help="what `rasa` is given")
    args = parser.parse_args(argv)
    # the module as rasa_ext.entity_extractor imports it (this one runs as __main__)
    importlib.import_module("rasa_ext.patches").turn_off(args.without)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args.rasa_args]
    rasa_main()


if __name__ == "__main__":
    main()
