"""rasa_ext/patches.py: every name inside Rasa the project relies on is still there with the shape
it expects (so a Rasa upgrade shows at once what breaks), no private Rasa name is used without
being on that list, and a patch whose target changed stays off while the bot still answers."""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.exceptions import RasaException

from rasa_ext import patches
from settings import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "career-coach.tar.gz"
SOURCE_DIRS = ("actions", "benchmarks", "channels", "knowledge", "ops", "plans", "rasa_ext",
               "scripts", "settings", "tests", "understanding")
RASA_ROOT = Path(rasa.__file__).parent


@pytest.fixture()
def fresh() -> Iterator[None]:
    """Rasa without the patches; afterwards, installed again as the other tests expect."""
    patches.uninstall()
    yield
    patches.uninstall()
    patches._turned_off.clear()
    patches.install()


@pytest.fixture(scope="module")
def agent():
    if not MODEL.exists():
        pytest.skip("no trained model: make train")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def _parse(agent, text: str) -> dict:
    return asyncio.run(agent.parse_message(text))


# --- the list of Rasa's internals ---

@pytest.mark.parametrize("internal", patches.RASA_INTERNALS, ids=str)
def test_every_rasa_internal_the_project_relies_on_is_there_as_expected(internal):
    assert internal.problem() is None, f"{internal.problem()} (used by: {internal.used_by})"


def _rasa_defined() -> set[str]:
    """Every private name Rasa's own code defines or assigns."""
    names: set[str] = set()
    pattern = re.compile(r"(?:\bdef |\bclass |\bself\.|\bcls\.|^\s*)(_[A-Za-z]\w*)\s*(?:[:=(]|$)",
                         re.M)
    for path in RASA_ROOT.rglob("*.py"):
        if "tests" not in path.relative_to(RASA_ROOT).parts:
            names.update(pattern.findall(path.read_text(errors="replace")))
    return names


def _sources() -> dict[Path, ast.Module]:
    files = [path for folder in SOURCE_DIRS
             for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))
             if "node_modules" not in path.parts]
    return {path: ast.parse(path.read_text(), str(path)) for path in files}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _root(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _rasa_imports(tree: ast.Module) -> dict[str, str]:
    """The names a file binds to Rasa's modules and classes, and what they name
    (`from rasa.core import lock_store as rasa_locks`: rasa_locks -> rasa.core.lock_store)."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "rasa":
            bound.update({alias.asname or alias.name: f"{node.module}.{alias.name}"
                          for alias in node.names})
        elif isinstance(node, ast.Import):
            bound.update({alias.asname or alias.name.split(".")[0]: alias.asname and alias.name
                          or "rasa" for alias in node.names
                          if alias.name.split(".")[0] == "rasa"})
    return bound


def _rasa_object(node: ast.expr, bound: dict[str, str]) -> Any:
    """The Rasa module or class an expression such as `rasa_locks.RedisLockStore` names."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in bound:
        return None
    dotted = bound[node.id]
    try:
        found: Any = importlib.import_module(dotted)
    except ImportError:
        module, _, name = dotted.rpartition(".")
        found = getattr(importlib.import_module(module), name)
    for part in parts:
        found = getattr(found, part)
    return found


def _has(rasa_class: Any, name: str) -> bool:
    return hasattr(rasa_class, name) or patches._assigns(rasa_class, name)


def _project_defined(trees: dict[Path, ast.Module]) -> set[str]:
    """Every name the project's own code defines, assigns or takes as a parameter."""
    names: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return names


def _rasa_uses(trees: dict[Path, ast.Module]) -> dict[str, set[str]]:
    """Private Rasa names in the project's source (and Rasa attributes it assigns), with where.

    A name counts when it is imported from Rasa; reached from something imported from Rasa
    (`RemoteAction._validate_action_result`); defined or reached through `self`/`super()` in a
    class built on one of Rasa's (an override or an inherited attribute); or reached on any
    object while only Rasa's code, not the project's, defines it (`model._tf_layers`). Any
    attribute of Rasa's the project assigns (a patch) counts, private or not.
    """
    rasa_names, own_names = _rasa_defined(), _project_defined(trees)
    found: dict[str, set[str]] = {}
    for path, tree in trees.items():
        where = str(path.relative_to(PROJECT_ROOT))
        bound = _rasa_imports(tree)
        # the classes built on Rasa's: the nodes inside each, and its Rasa bases
        rasa_bases: dict[int, list[Any]] = {}
        for cls in ast.walk(tree):
            if isinstance(cls, ast.ClassDef):
                bases = [b for b in (_rasa_object(base, bound) for base in cls.bases) if b]
                for inner in ast.walk(cls) if bases else ():
                    rasa_bases[id(inner)] = bases
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "rasa":
                for alias in node.names:
                    if _private(alias.name):
                        found.setdefault(alias.name, set()).add(f"{where}:{node.lineno}")
            elif isinstance(node, ast.Attribute):
                root = _root(node)
                if root in bound and isinstance(node.ctx, ast.Store):
                    owner = _rasa_object(node.value, bound)  # a patch of Rasa's, any name
                    name = f"{getattr(owner, '__module__', '')}.{owner.__qualname__}" \
                        f".{node.attr}".lstrip(".") if inspect.isclass(owner) \
                        else f"{getattr(owner, '__name__', root)}.{node.attr}"
                elif _private(node.attr) and (
                        root in bound
                        or (root == "super" and any(_has(base, node.attr)
                                                    for base in rasa_bases.get(id(node), [])))
                        or (node.attr in rasa_names and node.attr not in own_names)):
                    name = node.attr
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and _private(node.name) \
                    and any(_has(base, node.name) for base in rasa_bases.get(id(node), [])):
                name = node.name  # an override of one of Rasa's private methods
            if name is not None:
                found.setdefault(name, set()).add(f"{where}:{node.lineno}")
    return found


def test_no_private_rasa_name_is_used_without_being_on_the_list():
    listed = {internal.name for internal in patches.RASA_INTERNALS} | {
        str(internal) for internal in patches.RASA_INTERNALS}  # patches: by owner and name
    used = _rasa_uses(_sources())
    missing = {name: sorted(where) for name, where in used.items() if name not in listed}
    assert not missing, ("Rasa internals used but missing from rasa_ext/patches.py "
                         f"RASA_INTERNALS (add each with its shape): {missing}")
    assert {"_predict", "_tf_layers", "_post_message"} <= set(used)  # it finds them


def test_the_scan_finds_each_way_of_reaching_into_rasa():
    code = ast.parse(
        "from rasa.core import lock_store as locks\n"
        "from rasa.core.processor import MessageProcessor\n"
        "from rasa.core.channels.slack import SlackBot\n"
        "MessageProcessor.handle_message = None\n"          # a patch
        "MessageProcessor._check_for_unseen_features(1)\n"  # from a Rasa name
        "class Bot(SlackBot):\n"
        "    async def _post_message(self, channel):\n"     # an override
        "        await super()._post_message(channel)\n"
        "    def _mine(self):\n"                            # not Rasa's
        "        return self._mine\n"
        "def f(store):\n"
        "    return store._fallback_tracker_store\n"        # only Rasa defines it
        "from rasa.core.lock_store import _get_lock_lifetime\n")
    used = _rasa_uses({PROJECT_ROOT / "example.py": code})
    assert set(used) == {"rasa.core.processor.MessageProcessor.handle_message",
                         "_check_for_unseen_features", "_post_message",
                         "_fallback_tracker_store", "_get_lock_lifetime"}
    assert used["_post_message"] == {"example.py:7", "example.py:8"}


def test_every_private_name_on_the_list_is_still_used():
    text = "\n".join(path.read_text() for path in _sources() if path.name != "patches.py")
    unused = [str(internal) for internal in patches.RASA_INTERNALS
              if _private(internal.name) and not re.search(rf"\b{internal.name}\b", text)]
    assert not unused, f"listed in RASA_INTERNALS but used nowhere: {unused}"


def test_a_changed_internal_is_described():
    async def run(self, output_channel, nlg, tracker):  # lost its `domain`
        raise AssertionError

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(RemoteAction, "run", run)
        assert "has parameters (self, output_channel, nlg, tracker), expected (self, " \
               "output_channel, nlg, tracker, domain)" in patches.REMOTE_ACTION_RUN.problem()
    missing = patches.Internal("rasa.core.processor:MessageProcessor", "parse_it", "coroutine")
    assert missing.problem() == "rasa.core.processor.MessageProcessor.parse_it is gone"
    sync = patches.Internal("rasa.core.processor:MessageProcessor", "parse_message", "method",
                            patches.PARSE_MESSAGE.params)
    assert "is async" in (sync.problem() or "")
    attribute = patches.Internal("rasa.engine.graph:GraphNode", "_no_such_thing", "attribute")
    assert "no longer assigned" in (attribute.problem() or "")


# --- installing ---

def test_install_replaces_each_target_once_and_says_which_are_active(fresh, caplog):
    with caplog.at_level(logging.INFO, logger="rasa_ext.patches"):
        first = patches.install()
        second = patches.install()
    assert first == second and set(first.values()) == {"active"}
    lines = [r for r in caplog.records if r.name == "rasa_ext.patches"]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO
    assert "active: " + ", ".join(p.name for p in patches.PATCHES) in lines[0].getMessage()
    from rasa_ext import action_failure, diet_in_numpy, encode_ahead

    assert RemoteAction.run is action_failure._run_or_apologise
    assert MessageProcessor.parse_message is encode_ahead._parse_message
    assert DIETClassifier._predict is diet_in_numpy._predict
    patches.uninstall()
    assert RemoteAction.run is action_failure._original_run
    assert DIETClassifier._predict is diet_in_numpy._original_predict


def test_a_patch_can_be_turned_off_for_a_measurement(fresh):
    patches.turn_off(["diet_in_numpy"])
    state = patches.install()
    assert state["diet_in_numpy"].startswith("turned off")
    assert state["action_failure"] == "active"
    from rasa_ext import diet_in_numpy

    assert DIETClassifier._predict is diet_in_numpy._original_predict
    with pytest.raises(ValueError, match="no such patch"):
        patches.turn_off(["no_such_patch"])


def test_on_another_rasa_version_every_patch_stays_off(fresh, caplog, agent):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rasa, "__version__", "3.7.0")
        with caplog.at_level(logging.WARNING, logger="rasa_ext.patches"):
            state = patches.install()
        for name, reason in state.items():
            assert reason == "Rasa 3.7.0 is not the 3.6.x it was written for", name
            assert f"Rasa patch {name} is off" in caplog.text
        from rasa_ext import diet_in_numpy

        assert DIETClassifier._predict is diet_in_numpy._original_predict
        parsed = _parse(agent, "what does a team lead make?")
    assert parsed["intent"]["name"] and parsed["intent"]["confidence"] > 0.5


def test_a_patch_whose_target_changed_stays_off_and_the_bot_still_answers(fresh, caplog, agent):
    from rasa_ext import diet_in_numpy

    rasas_own = diet_in_numpy._original_predict
    expected = _parse(agent, "how long until I'm a manager")  # Rasa's own path (fresh)
    calls = []

    def changed(self, message, with_diagnostics=False):  # as if Rasa had added a parameter
        calls.append(message)
        return rasas_own(self, message)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(DIETClassifier, "_predict", changed)
        with caplog.at_level(logging.INFO, logger="rasa_ext.patches"):
            state = patches.install()
        assert state["diet_in_numpy"] == (
            "rasa.nlu.classifiers.diet_classifier.DIETClassifier._predict has parameters "
            "(self, message, with_diagnostics), expected (self, message)")
        assert "Rasa patch diet_in_numpy is off, Rasa's own code runs instead" in caplog.text
        assert "off: diet_in_numpy (" in caplog.text  # in the one INFO line
        assert {state[name] for name in ("action_failure", "encode_ahead")} == {"active"}
        assert DIETClassifier._predict is changed  # left as Rasa has it
        parsed = _parse(agent, "how long until I'm a manager")
    assert calls, "Rasa's own _predict gave the scores"
    assert parsed["intent"]["name"] == expected["intent"]["name"]
    assert parsed["intent"]["confidence"] == pytest.approx(expected["intent"]["confidence"],
                                                           abs=1e-5)


def test_a_target_that_is_gone_keeps_its_patch_off(fresh):
    with pytest.MonkeyPatch.context() as mp:
        mp.delattr(DIETClassifier, "_predict")
        state = patches.install()
    assert state["diet_in_numpy"] == \
        "rasa.nlu.classifiers.diet_classifier.DIETClassifier._predict is gone"


def test_a_patch_that_cannot_be_loaded_replaces_nothing(fresh):
    diet = next(p for p in patches.PATCHES if p.name == "diet_in_numpy")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(diet, "targets", ((patches.DIET_PREDICT, "_no_such_function", "_x"),))
        state = patches.install()
    assert state["diet_in_numpy"].startswith("AttributeError")
    from rasa_ext import diet_in_numpy

    assert DIETClassifier._predict is diet_in_numpy._original_predict


def test_a_patch_whose_rasa_data_changed_shape_replaces_nothing(fresh):
    from rasa_ext import speedups

    speedups._validators.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as mp:  # as if Rasa's schema had no list of events
            mp.setattr(RemoteAction, "action_response_format_spec",
                       staticmethod(lambda: {"type": "object", "properties": {}}))
            state = patches.install()
    finally:
        speedups._validators.cache_clear()
    assert state["speedups"] == "KeyError: 'events'"
    assert RemoteAction._validate_action_result is speedups._original_validate


def test_an_error_inside_a_patch_gives_the_call_to_rasa_and_is_logged_once(agent, caplog):
    from rasa_ext import diet_in_numpy

    assert patches.install()["diet_in_numpy"] == "active"
    expected = _parse(agent, "what does a team lead make?")

    def broken(self, message):
        raise RuntimeError("a layer moved")

    diet = next(p for p in patches.PATCHES if p.name == "diet_in_numpy")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(diet_in_numpy.IntentScorer, "scores", broken)
        mp.setattr(diet, "failed_once", False)
        with caplog.at_level(logging.WARNING, logger="rasa_ext.patches"):
            first = _parse(agent, "what does a team lead make?")
            second = _parse(agent, "how much in Germany?")
    assert first["intent"]["name"] == expected["intent"]["name"]
    assert first["intent"]["confidence"] == pytest.approx(expected["intent"]["confidence"],
                                                          abs=1e-5)
    assert second["intent"]["name"]
    failures = [r for r in caplog.records if "Rasa patch diet_in_numpy failed" in r.message]
    assert len(failures) == 1 and "a layer moved" in failures[0].message


def test_when_the_apology_fails_the_action_fails_as_rasa_would(caplog):
    from rasa_ext import action_failure

    class Down(RasaException):
        pass

    async def original_run(self, output_channel, nlg, tracker, domain):
        raise Down("action server down")

    class NoTemplates:
        async def generate(self, *args):
            raise KeyError("utter_action_failed")

    class Channel:
        @staticmethod
        def name():
            return "rest"

    patch = next(p for p in patches.PATCHES if p.name == "action_failure")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(action_failure, "_original_run", original_run)
        mp.setattr(patch, "failed_once", False)
        with caplog.at_level(logging.WARNING, logger="rasa_ext.patches"), \
                pytest.raises(Down, match="action server down"):
            asyncio.run(action_failure._run_or_apologise(
                RemoteAction("action_x", None), Channel(), NoTemplates(), None, None))
    assert "Rasa patch action_failure failed" in caplog.text
