"""Bad data fails the build with the file, the entry and what is wrong; good data loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import settings
from knowledge.build import build, main
from knowledge.documents import numbers_in
from knowledge.schema import DataError


@pytest.fixture
def data_copy(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(settings.KNOWLEDGE_DATA_DIR, folder)
    return folder


def edit(folder: Path, file: str, change) -> None:
    path = folder / file
    content = yaml.safe_load(path.read_text())
    change(content)
    path.write_text(yaml.safe_dump(content, sort_keys=False))


def problems_of(folder: Path, documents) -> list[str]:
    with pytest.raises(DataError) as err:
        build(data_dir=folder, check_only=True, log=lambda *_: None)
    return [str(p) for p in err.value.problems]


def role(content, ident):
    return next(r for r in content["roles"] if r["id"] == ident)


CASES = [
    ("a figure the document does not state",
     "roles.yml", lambda c: role(c, "team_lead").update(median_usd=63000),
     "roles.yml: roles/team_lead: figure 63000 is not written in 002_05fee2384cee0923.txt"),
    ("a section that is not a heading",
     "pay.yml", lambda c: c["pay"][0]["source"].update(section="Salaries Galore"),
     "pay.yml: pay/bls_median_annual_2023: section 'Salaries Galore' is not a heading"),
    ("an unknown source document",
     "pay.yml", lambda c: c["pay"][0]["source"].update(doc="999_blog.txt"),
     "pay.yml: pay/bls_median_annual_2023: unknown source document '999_blog.txt'"),
    ("a duplicate id",
     "roles.yml", lambda c: role(c, "manager").update(id="team_lead"),
     "roles.yml: roles/team_lead: duplicate id 'team_lead'"),
    ("a missing field",
     "roles.yml", lambda c: role(c, "director").pop("duties"),
     "roles.yml: roles/director: missing required field 'duties'"),
    ("a misspelt field",
     "roles.yml", lambda c: role(c, "director").update(medain_usd=1),
     "roles.yml: roles/director: unknown field 'medain_usd'"),
    ("a wrong type",
     "roles.yml", lambda c: role(c, "director").update(median_usd="a lot"),
     "roles.yml: roles/director: field 'median_usd' should be int"),
    ("an unknown unit",
     "pay.yml", lambda c: c["pay"][0]["figure"].update(unit="GBP"),
     "pay.yml: pay/bls_median_annual_2023: unit 'GBP' is not one of"),
    ("a link to nothing",
     "roles.yml", lambda c: role(c, "manager").update(next="ceo"),
     "roles.yml: roles/manager: next: no roles entry 'ceo'"),
    ("an alias naming two things",
     "roles.yml", lambda c: role(c, "manager").setdefault("aliases", []).append("tl"),
     "roles.yml: roles/manager: name or alias 'tl' also names roles/team_lead"),
    ("a figure in the words that the document does not state",
     "roles.yml", lambda c: role(c, "manager").update(duties="Runs a team of 4000 agents."),
     "roles.yml: roles/manager: duties says 4000, which no cited document states"),
    ("a figure citing two documents",
     "pay.yml", lambda c: c["pay"][0].update(sources=[
         c["pay"][0].pop("source"),
         {"doc": "003_4df95754e94a499d.txt", "section": "Income Prospects"}]),
     "pay.yml: pay/bls_median_annual_2023: an entry with figures must cite one document only"),
    ("an unknown kind",
     "pay.yml", lambda c: c.update(horoscopes=[]),
     "pay.yml: horoscopes: unknown kind 'horoscopes'"),
]


@pytest.mark.parametrize("name, file, change, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_data_fails_with_file_entry_and_reason(data_copy, documents, name, file, change,
                                                   expected):
    edit(data_copy, file, change)
    problems = problems_of(data_copy, documents)
    assert any(p.startswith(expected) for p in problems), problems


def test_invalid_yaml_names_the_file(data_copy):
    (data_copy / "roles.yml").write_text("roles: [unclosed\n")
    with pytest.raises(DataError, match=r"roles.yml: -: not valid YAML"):
        build(data_dir=data_copy, check_only=True, log=lambda *_: None)


def test_all_problems_are_reported_at_once(data_copy, documents):
    def two_mistakes(c):
        role(c, "manager").update(median_usd=61000)
        role(c, "director").pop("focus")
    edit(data_copy, "roles.yml", two_mistakes)
    problems = problems_of(data_copy, documents)
    assert len(problems) == 2


def test_the_command_exits_non_zero_and_says_why(data_copy, capsys, documents):
    edit(data_copy, "roles.yml", lambda c: role(c, "manager").update(median_usd=61000))
    assert main(["--check", "--data-dir", str(data_copy)]) == 1
    assert "roles/manager: figure 61000 is not written in" in capsys.readouterr().err


def test_without_the_documents_the_build_still_validates_the_rest(data_copy, tmp_path):
    messages: list[str] = []
    build(data_dir=data_copy, seeds_dir=tmp_path / "no-seeds", check_only=True,
          log=messages.append)
    assert any("not checked against them" in m for m in messages)


def test_a_failed_build_leaves_the_previous_database_in_place(data_copy, tmp_path, documents):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    build(url, data_dir=data_copy, write_nlp=False, log=lambda *_: None)
    before = (tmp_path / "kb.db").read_bytes()
    edit(data_copy, "roles.yml", lambda c: role(c, "manager").update(median_usd=61000))
    with pytest.raises(DataError):
        build(url, data_dir=data_copy, write_nlp=False, log=lambda *_: None)
    assert (tmp_path / "kb.db").read_bytes() == before


@pytest.mark.parametrize("text, numbers", [
    ("$37,020 USD", {37020}),
    ("Range: $29k - $55k+ USD", {29000, 55000}),
    ("≈338,000 openings", {338000}),
    ("JPY 3.5 million to JPY 5.5 million", {3_500_000, 5_500_000}),
    ("around $20.59, decline by 5%", {20.59, 5}),
    ("takes four years", {4}),
])
def test_numbers_are_read_as_the_documents_write_them(text, numbers):
    assert numbers_in(text) == numbers


def test_a_number_is_not_read_in_pieces():
    found = numbers_in("$37,020 and $3.5 million")
    assert not {37, 20, 3, 5, 3.5} & found
