"""The safety detector on messages written for it (tests/safety/messages.yml): every crisis
message is caught, every other concern gets its own signposting, and near-misses (venting,
idioms, career questions with strong words) are left to the career answers. On the real
messages people wrote, at most 2% read as a crisis."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from settings import real_messages_file
from understanding.safety import (
    CRISIS,
    DISCRIMINATION,
    HARASSMENT,
    LEGAL,
    STRAIN,
    concern,
    normalise,
)

KINDS = {"crisis": CRISIS, "legal": LEGAL, "harassment": HARASSMENT,
         "discrimination": DISCRIMINATION, "strain": STRAIN, "none": None}
MESSAGES = yaml.safe_load((Path(__file__).parent / "safety" / "messages.yml").read_text())[
    "messages"]


@pytest.mark.parametrize("entry", MESSAGES, ids=lambda e: f"{e['kind']}:{e['text'][:40]}")
def test_each_message_gets_its_reply_kind(entry):
    assert concern(entry["text"]) == KINDS[entry["kind"]]


def test_the_set_is_large_and_varied():
    kinds = [e["kind"] for e in MESSAGES]
    assert kinds.count("crisis") >= 40 and kinds.count("none") >= 30
    assert len(MESSAGES) >= 60 and len({e["text"].lower() for e in MESSAGES}) == len(MESSAGES)


def test_crisis_recall_is_complete():
    crisis = [e["text"] for e in MESSAGES if e["kind"] == "crisis"]
    missed = [t for t in crisis if concern(t) != CRISIS]
    assert not missed


@pytest.mark.parametrize("text", ["SUICIDE", "sucide", "suiside thoughts", "kill my self",
                                  "wanna kms", "i want 2 die"])
def test_misspelt_and_slang_forms_fold_to_the_words(text):
    assert concern(text) == CRISIS


@pytest.mark.parametrize("text", ["this job is killing me", "dying to leave the call centre",
                                  "stuck in a dead-end job", "how do I kill time on a slow shift"])
def test_idioms_are_not_a_crisis(text):
    assert concern(text) is None


def test_normalise_cuts_emphasis_and_expands_slang():
    assert normalise("Sooooo tired, I cant") == "soo tired i can't"


def test_few_real_messages_read_as_a_crisis():
    path = real_messages_file()
    if not path.exists():
        pytest.skip(f"the real messages are not at {path}")
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    flagged = [r["message"] for r in rows if concern(r["message"]) == CRISIS]
    assert len(flagged) <= 0.02 * len(rows), flagged


def test_no_safety_test_message_is_trained_on():
    data = Path(__file__).parent.parent / "data" / "nlu"
    trained = {line.strip()[2:].strip().lower() for f in data.glob("*.yml")
               for line in f.read_text().splitlines() if line.strip().startswith("- ")}
    assert not {e["text"].lower() for e in MESSAGES} & trained
