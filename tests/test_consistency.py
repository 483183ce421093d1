"""The pieces that must agree: action names and the domain, the responses the actions use and
the domain's responses, the intents of the domain, the training data and the held-out set."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml
from rasa_sdk import Action
from rasa_sdk.utils import all_subclasses

from actions.answer import answers
from actions.clarify import intent_titles
from actions.topics import TOPICS
from settings import PROJECT_ROOT
from tests.actions_support import domain
from understanding import READ_INTENTS
from understanding.feelings import FEELINGS

MIN_TRAINING, MIN_HELD_OUT = 15, 5


def examples(folder: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            lines = [x[2:].strip() for x in block["examples"].splitlines() if x.startswith("- ")]
            out.setdefault(block["intent"], []).extend(lines)
    return out


def dialogue_steps() -> list[dict]:
    steps = []
    for name in ("rules.yml", "stories.yml"):
        content = yaml.safe_load((PROJECT_ROOT / "data" / name).read_text())
        for block in content.get("rules", []) + content.get("stories", []):
            steps += block["steps"]
    return steps


def our_actions() -> list[type[Action]]:
    answers()  # imports every module of the package
    return [a for a in all_subclasses(Action)
            if a.__module__.startswith("actions.") and not inspect.isabstract(a)]


def test_action_names_are_unique_and_match_the_domain():
    names = [a().name() for a in our_actions()]
    assert len(names) == len(set(names)), Counter(names).most_common(3)
    # an entry is a name, or {name: {send_domain: true}}
    listed = [a if isinstance(a, str) else next(iter(a)) for a in domain()["actions"]]
    assert set(names) == set(listed)


def test_every_response_an_action_uses_exists_and_every_response_is_used():
    code = [*(PROJECT_ROOT / "actions").glob("*.py"), *(PROJECT_ROOT / "rasa_ext").glob("*.py")]
    source = "\n".join(p.read_text() for p in code)
    used = set(re.findall(r'"(utter_[a-z_]+)"', source))
    used |= {f"utter_topic_{t}" for t in TOPICS}
    # each feeling understanding/feelings.py names is acknowledged in its own words
    used |= {f"utter_acknowledge_{feeling}" for feeling in FEELINGS}
    used |= {s["action"] for s in dialogue_steps() if s.get("action", "").startswith("utter_")}
    used.add("utter_default")  # said by Rasa's action_default_fallback
    # a form asks for each of its slots with utter_ask_<slot> (unless an action_ask_ does)
    used |= {f"utter_ask_{slot}" for form in domain()["forms"].values()
             for slot in form["required_slots"]}
    responses = set(domain()["responses"])
    assert used - responses == set(), "used but not in domain.yml"
    assert responses - used == set(), "in domain.yml but never used"


def test_the_failure_reply_is_the_one_the_rasa_extension_sends():
    from rasa_ext.action_failure import FAILURE_RESPONSE

    assert FAILURE_RESPONSE in domain()["responses"]


def test_intents_agree_across_domain_training_data_and_held_out_set():
    training = examples(PROJECT_ROOT / "data" / "nlu")
    held_out = examples(PROJECT_ROOT / "tests" / "nlu")
    intents = set(domain()["intents"])
    assert set(training) == intents
    assert set(held_out) == intents - READ_INTENTS
    for intent in intents - READ_INTENTS:
        assert len(set(training[intent])) >= MIN_TRAINING, intent
        assert len(set(held_out[intent])) >= MIN_HELD_OUT, intent


def test_the_held_out_set_is_never_trained_on():
    def norm(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", "", s.lower()).split())

    trained = {norm(x) for xs in examples(PROJECT_ROOT / "data" / "nlu").values() for x in xs}
    held = {norm(x) for xs in examples(PROJECT_ROOT / "tests" / "nlu").values() for x in xs}
    assert trained & held == set()


def test_every_question_intent_has_its_answer_and_rule():
    rules = {}
    steps = dialogue_steps()
    for before, after in zip(steps, steps[1:], strict=False):
        if "intent" in before and "action" in after:
            rules.setdefault(before["intent"], after["action"])
    for topic, action in answers().items():
        assert topic in domain()["intents"]
        assert rules[topic] == action.name()
    for intent in domain()["intents"]:
        assert intent in rules, f"no rule answers {intent}"


def test_button_titles_name_real_intents():
    assert set(intent_titles()) <= set(domain()["intents"])
    assert set(domain()["intents"]) - {"followup"} - READ_INTENTS <= set(intent_titles())


def test_the_action_server_does_not_import_ops():
    """ops is the Rasa server's and the operator's side; what "forget me" shares with it lives
    in plans/forgetting.py. Every action module imported, in a fresh interpreter:"""
    code = ("import sys; from actions.answer import registered; registered(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ops'))")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


# What each kind of process may import of the project (no module imports upward): the servers
# import the shared packages, never the operator's side (ops), the benchmarks or the tests; the
# action server never imports what only the Rasa server loads, nor the other way round.
NEVER_IMPORTS = {
    "settings": {"knowledge", "understanding", "plans", "actions", "rasa_ext", "channels", "ops"},
    # the build embeds the entries with the Rasa server's own encoder (rasa_ext/sentence_encoder.py,
    # NumPy only), so that search compares like with like
    "knowledge": {"understanding", "plans", "actions", "channels", "ops"},
    "understanding": {"plans", "actions", "rasa_ext", "channels", "ops"},
    "plans": {"actions", "rasa_ext", "ops"},
    "actions": {"rasa_ext", "ops"},
    "rasa_ext": {"actions", "ops"},
    "channels": {"actions", "ops"},
}


def test_no_package_imports_upward():
    import ast

    found = []
    for package, forbidden in NEVER_IMPORTS.items():
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) and
                         not node.level else [])
                found += [f"{path.relative_to(PROJECT_ROOT)} imports {name}" for name in names
                          if name.split(".")[0] in forbidden | {"benchmarks", "tests"}]
    assert found == []
