"""Every word a person reads lives in a wording file: domain.yml's responses, actions/wording.yml
(button titles and short phrases) or plans/wording.yml (the plan's sentences). The Python of
actions/ and plans/ only picks wording by name and fills it in: these tests fail on a sentence
or a button title written in the code, on a name the code uses that its wording file lacks (or
wording no code uses), and on priorities defined anywhere but plans/content.yml."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.replies import WORDING
from plans import content
from plans.profile import priority_ids
from plans.wording import PLAN_WORDING
from settings import PROJECT_ROOT

CODE = sorted([*(PROJECT_ROOT / "actions").glob("*.py"), *(PROJECT_ROOT / "plans").glob("*.py")])

# Text that reads as English: two words in a row ("Pay by level", "not sure", " a year"), a
# capitalised word ("Sources: ") or a word in brackets (" (done)"). Ids, keys, payloads
# ("/ask_ladder"), entity names and single lower-case words ("role", "hour") do not.
PROSE = re.compile(r"\b[A-Za-z]+[ ,;:!?'’]+[A-Za-z]{2,}|\b[A-Z][a-z]+\b|\(\s*[A-Za-z]{2,}")
# Calls whose strings are for developers, not for the person: logging, errors, regular
# expressions, SQL.
NOT_FOR_THE_PERSON = re.compile(
    r"^(?:logger|logging|log|re|warnings)\.|(?:Error|Exception)$|^text$|exec_driver_sql$")


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        value = func.value
        base = value.id if isinstance(value, ast.Name) else ""
        return f"{base}.{func.attr}" if base else func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def literal_texts(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal of the code that could reach a person: not
    docstrings, not what logging, exceptions, asserts, regular expressions or SQL are given.
    An f-string gives its literal parts (the values it fills in are not its text); a template's
    {placeholders} are left out."""
    tree = ast.parse(source)
    skipped = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and NOT_FOR_THE_PERSON.search(_call_name(node)):
            skipped |= {id(n) for arg in (*node.args, *node.keywords) for n in ast.walk(arg)}
        elif isinstance(node, (ast.Raise, ast.Assert)):
            skipped |= {id(n) for n in ast.walk(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                id(node) not in skipped):
            yield node.lineno, re.sub(r"{[^{}]*}", " ", node.value)


def prose_in(source: str) -> list[tuple[int, str]]:
    return [(line, text) for line, text in literal_texts(source) if PROSE.search(text)]


@pytest.mark.parametrize("path", CODE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_reply_prose_in_the_code(path: Path):
    found = prose_in(path.read_text(encoding="utf-8"))
    assert not found, (f"{path.name} writes text a person reads; put it in a wording file "
                       f"(actions/wording.yml, plans/wording.yml, domain.yml): {found}")


def test_the_check_finds_prose_and_lets_ids_logs_and_payloads_be():
    assert prose_in('say(d, "utter_x", [("Pay by level", "/ask_ladder")])')
    assert prose_in('next = f"The next step up is {nxt.name} ({years})."')
    assert prose_in('say(d, "utter_ask", [(c.name, c.id) for c in cs] + [("Not sure", x)])')
    assert prose_in('pairs = [(r.name, r.id) for r in rs] + [(title, "somewhere else")]')
    assert prose_in('what = f"how long a move into {career} takes"')
    assert prose_in('more = f"\\nAlso: {titles}."')
    assert prose_in('line = f"{band}: {low}-{high} a year"')
    assert prose_in('status = " (done)" if done else ""')
    assert not prose_in('def f():\n    """The steps, as the person reads them."""\n')
    assert not prose_in('logger.exception("forgetting %s failed", sender)')
    assert not prose_in('raise ValueError(f"unknown priority {p!r}; known: {known}")')
    assert not prose_in('say(d, "utter_plan_step", [button("pay_by_level", "/ask_ladder")],\n'
                        '    payload=f\'/skills_for_career{{"career": "{c.id}"}}\')')
    assert not prose_in('x = phrase("plan_form.defaults.plan_role", role=first.name)')
    assert not prose_in('pattern = re.compile(r"\\b(?:cons|downsides?|bad worst)\\b")')
    assert not prose_in('line = f"{title}: {figure} — {sources}"')


def used_keys(call: str) -> set[str]:
    """The first arguments, when literal, of the calls of `call` in the actions' code."""
    keys = set()
    for path in (PROJECT_ROOT / "actions").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) == call and node.args:
                first = node.args[0]  # a name, or one of two ("a" if ... else "b")
                options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
                keys |= {str(o.value) for o in options if isinstance(o, ast.Constant)}
    return keys


def leaves(tree: dict, prefix: str = "") -> set[str]:
    """The dotted keys of a wording file's texts."""
    found = set()
    for name, sub in tree.items():
        key = f"{prefix}{name}"
        found |= leaves(sub, f"{key}.") if isinstance(sub, dict) else {key}
    return found


def test_every_wording_the_actions_name_exists_and_every_wording_is_used():
    named = ({f"buttons.{k}" for k in used_keys("button")} | used_keys("phrase")
             | used_keys("WORDING.say"))
    texts = leaves(WORDING.data)
    assert named - texts == set(), "named in actions/ but not in actions/wording.yml"
    # named in the code by a variable part: the intents, the units, the sides of a career, the
    # form's questions
    by_name = ("intents.", "followup.units.", "followup.sides_of_career.", "plan_form.questions.",
               "plan_form.defaults.")
    unused = {k for k in texts - named if not k.startswith(by_name)}
    assert unused == set(), "in actions/wording.yml, never used"


def test_every_wording_template_fills_from_names():
    """Templates only have named {placeholders} (no positional "{}" a caller could fill
    by accident), in both wording files."""
    for wording in (WORDING, PLAN_WORDING):
        for key in leaves(wording.data):
            template = wording.entry(key)
            for _, field, _, _ in string.Formatter().parse(str(template)):
                assert field is None or re.fullmatch(r"[a-z_]+", field), (key, field)


def test_the_priorities_are_defined_once():
    """plans/content.yml defines them (order, what counts, the words that name them); the plan's
    wording labels exactly those; the form's vocabulary no longer lists them."""
    import yaml

    assert priority_ids() == content.keys("priorities")
    assert tuple(PLAN_WORDING.entry("priorities")) == priority_ids()
    for priority in priority_ids():
        assert content.ids(f"priorities.{priority}.words"), priority
    answers = yaml.safe_load((PROJECT_ROOT / "actions" / "plan_answers.yml").read_text())
    assert "priorities" not in answers
    # the plan's wording holds sentences only: no lists of knowledge-base ids
    for key in leaves(PLAN_WORDING.data):
        assert isinstance(PLAN_WORDING.entry(key), str), key
