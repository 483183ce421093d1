"""The world's places in the entity pipeline (knowledge/places.py): a place inside a country the
knowledge base names is that country; any other is a PLACE named by its country; demonyms that
are also languages count only before a people word; everyday words are never places."""

from __future__ import annotations

import pytest

from knowledge.entities import extract, load_pipeline


@pytest.fixture(scope="module")
def nlp(built):
    return load_pipeline(built[1])


def places(nlp, text: str) -> list[tuple[str, str, str | None]]:
    return [(e.label, e.id, e.country) for e in extract(nlp, text)
            if e.label in ("REGION", "COUNTRY", "PLACE")]


@pytest.mark.parametrize("text, expected", [
    ("How much are Filipino call centre workers paid?", ("COUNTRY", "philippines",
                                                         "philippines")),
    ("pay in Manila", ("COUNTRY", "philippines", "philippines")),
    ("salaries in mumbai", ("COUNTRY", "india", "india")),
    ("what about Manchester", ("REGION", "western_europe", "united_kingdom")),
    ("how much in Toronto", ("REGION", "canada", None)),
    ("what do agents earn in dubai", ("PLACE", "United Arab Emirates", None)),
    ("cs pay for Nigerians", ("PLACE", "Nigeria", None)),
])
def test_a_place_is_found_as_what_the_knowledge_base_knows_of_it(nlp, text, expected):
    assert places(nlp, text) == [expected]


@pytest.mark.parametrize("text", ["I speak Filipino and English", "male agents get paid more",
                                  "nice team, good lead", "is reading resumes part of HR"])
def test_languages_and_everyday_words_are_not_places(nlp, text):
    assert places(nlp, text) == []


def test_the_knowledge_bases_own_names_win(nlp):
    # "Germany" is the knowledge base's, with its region; the gazetteer never overrides it
    assert places(nlp, "pay in Germany") == [("REGION", "western_europe", "germany")]
