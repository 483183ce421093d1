"""The profile: a frozen value that survives a trip through JSON and refuses what it can't be."""

from __future__ import annotations

import dataclasses
import json

import pytest

from plans.profile import Profile, priority_ids, priority_label
from tests.plan_support import PROFILES


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_a_profile_survives_json(name) -> None:
    profile = PROFILES[name]
    assert Profile.from_dict(json.loads(json.dumps(profile.to_dict()))) == profile


def test_lists_become_tuples_and_repeats_are_dropped_in_the_persons_order() -> None:
    profile = Profile.from_dict({"current_role_id": "representative",
                                 "strengths": ["empathy", "communication", "empathy"],
                                 "priorities": ["remote", "pay", "remote"]})
    assert profile.strengths == ("empathy", "communication")
    assert profile.priorities == ("remote", "pay")
    assert profile.is_unsure and profile.region_id is None and profile.years_in_service is None


def test_profiles_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PROFILES["rep_to_sales"].target_career_id = "ux"  # type: ignore[misc]


def test_the_priorities_are_the_fixed_vocabulary_with_labels() -> None:
    assert priority_ids() == ("pay", "less_stress", "remote", "growth")
    labels = [priority_label(p) for p in priority_ids()]
    assert all(labels) and len(set(labels)) == len(labels)


@pytest.mark.parametrize("bad", [
    {"current_role_id": "representative", "priorities": ["fame"]},
    {"current_role_id": "representative", "years_in_service": -1},
    {"current_role_id": "representative", "years_in_service": True},
    {"current_role_id": "representative", "years_in_service": "3"},
    {"current_role_id": ""},
    {"current_role_id": "representative", "favourite_colour": "blue"},
])
def test_a_profile_refuses_what_it_cannot_be(bad) -> None:
    with pytest.raises(ValueError):
        Profile.from_dict(bad)
