"""A plan as stored for one conversation: what the store returns, an immutable snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from plans.plan import Step
from plans.profile import Profile
from plans.progress import Progress


class Position(NamedTuple):
    """"Step 3 of 9": the current step's number (1-based; None once finished) and the total."""

    number: int | None
    total: int


@dataclass(frozen=True)
class SavedPlan:
    sender_id: str
    profile: Profile
    target_career_id: str
    target_name: str
    summary: str
    chosen_because: str | None
    missing: tuple[str, ...]
    # The steps as they were built, so a saved plan reads the same after the knowledge base
    # changes; progress is kept by step id.
    steps: tuple[Step, ...]
    current_index: int  # 0-based; len(steps) once finished
    done_ids: tuple[str, ...]  # in plan order
    skipped_ids: tuple[str, ...]  # in plan order
    created_at: datetime
    updated_at: datetime

    @property
    def progress(self) -> Progress:
        return Progress(tuple(s.id for s in self.steps), self.current_index,
                        frozenset(self.done_ids), frozenset(self.skipped_ids))

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def finished(self) -> bool:
        """Past the last step: `current` is None."""
        return self.current_index >= self.total

    @property
    def at_start(self) -> bool:
        return self.current_index == 0

    @property
    def current(self) -> Step | None:
        return None if self.finished else self.steps[self.current_index]

    @property
    def position(self) -> Position:
        return Position(None if self.finished else self.current_index + 1, self.total)

    def is_done(self, step_id: str) -> bool:
        return step_id in self.done_ids

    def is_skipped(self, step_id: str) -> bool:
        return step_id in self.skipped_ids

    @property
    def open_ids(self) -> tuple[str, ...]:
        """Steps neither done nor skipped, in plan order."""
        return tuple(s.id for s in self.steps
                     if s.id not in self.done_ids and s.id not in self.skipped_ids)
