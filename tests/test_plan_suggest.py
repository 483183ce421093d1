"""Suggestions for someone who is not sure: they follow the person's strengths and priorities,
say why from the knowledge base, and come in the same order every time."""

from __future__ import annotations

import pytest

from knowledge.formatting import amount
from plans.builder import suggest_careers
from plans.profile import Profile, priority_ids


def ids(suggestions) -> list[str]:
    return [s.career.id for s in suggestions]


def test_strengths_lead_to_the_careers_that_value_the_most_of_them(kb) -> None:
    strengths = ("negotiation", "strategic_thinking", "communication")
    suggestions = suggest_careers(Profile("representative", strengths=strengths), kb)
    best_match = kb.paths_for(strengths)[0]
    assert suggestions[0].career == best_match.career
    assert suggestions[0].shared_skills == best_match.shared_skills
    for skill in best_match.shared_skills:
        assert skill.name in suggestions[0].why


def test_different_strengths_give_different_suggestions(kb) -> None:
    talkers = suggest_careers(Profile("representative", strengths=("negotiation",
                                                                     "strategic_thinking")), kb)
    calm = suggest_careers(Profile("representative", strengths=("patience", "adaptability",
                                                                "conflict_resolution")), kb)
    assert ids(talkers)[0] != ids(calm)[0]
    for s in calm[:2]:
        assert {"patience", "adaptability", "conflict_resolution"} <= set(s.career.skill_ids)


def test_a_priority_changes_the_suggestions_with_the_documents_words_as_evidence(kb) -> None:
    plain = suggest_careers(Profile("representative"), kb)
    for_pay = suggest_careers(Profile("representative", priorities=("pay",)), kb)
    assert ids(plain) != ids(for_pay)
    for s in for_pay:
        assert s.priorities_met == ("pay",)
        # the evidence is a sentence of the career's own description, or its ladder pay
        quoted = s.why.partition("“")[2].partition("”")[0]
        linked = [kb.role(r.partition("/")[2]) for r in s.career.see if r.startswith("roles/")]
        assert (quoted and quoted in " ".join(s.career.why_fit.split())) or any(
            amount(level.median_usd, "USD") in s.why for level in linked)


def test_ladder_pay_counts_only_levels_above_the_persons_own(kb) -> None:
    management = kb.career("management")
    top = max((kb.role(r.partition("/")[2]) for r in management.see), key=lambda r: r.level)
    at_top = suggest_careers(Profile(top.id, priorities=("pay",)), kb, n=len(kb.careers()))
    below = suggest_careers(Profile("representative", priorities=("pay",)), kb,
                            n=len(kb.careers()))
    score = {s.career.id: s for s in below}
    assert score["management"].priorities_met == ("pay",)
    assert next(s for s in at_top if s.career.id == "management").priorities_met == ()


def test_a_priority_the_documents_speak_against_lowers_a_career(kb) -> None:
    everything = len(kb.careers())
    plain = suggest_careers(Profile("representative"), kb, n=everything)
    calm = suggest_careers(Profile("representative", priorities=("less_stress",)), kb,
                           n=everything)
    against = [s for s in calm if s.priorities_against == ("less_stress",)]
    assert against, "the documents describe some careers as stressful or high-stakes"
    for s in against:
        assert s.score == -1 and "bear in mind" in s.why
        assert ids(calm).index(s.career.id) >= ids(plain).index(s.career.id)


def test_a_priority_the_documents_are_silent_on_is_said_to_be_unknown(kb) -> None:
    (first, *_) = suggest_careers(Profile("representative", priorities=("remote",)), kb)
    assert first.priorities_met == () and "don't say how" in first.why


def test_ties_keep_the_documents_order(kb) -> None:
    everything = len(kb.careers())
    order = {c.id: i for i, c in enumerate(kb.careers())}
    for profile in (Profile("representative"),
                    Profile("associate", strengths=("communication",), priorities=("growth",))):
        suggestions = suggest_careers(profile, kb, n=everything)
        keys = [(-s.score, order[s.career.id]) for s in suggestions]
        assert keys == sorted(keys)
    assert ids(suggest_careers(Profile("representative"), kb)) == [
        c.id for c in kb.careers()[:3]]


@pytest.mark.parametrize("priorities", [(), ("pay",), ("growth", "remote")])
def test_suggestions_are_deterministic(kb, priorities) -> None:
    profile = Profile("associate", strengths=("empathy", "communication"),
                      priorities=priorities)
    assert suggest_careers(profile, kb) == suggest_careers(profile, kb)


def test_every_suggestion_says_why_and_cites_its_career(kb) -> None:
    for priorities in ((), priority_ids()):
        for s in suggest_careers(Profile("representative", priorities=priorities), kb, n=5):
            assert s.why
            assert set(s.career.sources) <= set(s.citations)


def test_n_limits_the_list(kb) -> None:
    assert len(suggest_careers(Profile("representative"), kb, n=1)) == 1
    assert suggest_careers(Profile("representative"), kb, n=0) == ()
    assert len(suggest_careers(Profile("representative"), kb, n=100)) == len(kb.careers())
