"""Where a person is in their plan, and how each command moves them: pure values, so the rules
can be tested without a database and the store only has to persist the result."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Progress:
    step_ids: tuple[str, ...]  # the plan's steps, in order
    # 0-based index of the current step; len(step_ids) means past the last step (finished).
    index: int = 0
    done: frozenset[str] = field(default=frozenset())
    skipped: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        if not 0 <= self.index <= len(self.step_ids):
            raise ValueError(f"step index {self.index} outside 0..{len(self.step_ids)}")
        unknown = (self.done | self.skipped) - set(self.step_ids)
        if unknown:
            raise ValueError(f"unknown step ids: {', '.join(sorted(unknown))}")

    # --- where we are ----------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.step_ids)

    @property
    def finished(self) -> bool:
        """Past the last step: there is no current step."""
        return self.index >= self.total

    @property
    def at_start(self) -> bool:
        return self.index == 0

    @property
    def current_id(self) -> str | None:
        return None if self.finished else self.step_ids[self.index]

    def in_order(self, ids: frozenset[str]) -> tuple[str, ...]:
        """A set of step ids in the plan's order, for storage and display."""
        return tuple(s for s in self.step_ids if s in ids)

    def _open_after(self, index: int) -> int:
        """The first step after `index` that is neither done nor skipped, or the end."""
        for i in range(index + 1, self.total):
            step_id = self.step_ids[i]
            if step_id not in self.done and step_id not in self.skipped:
                return i
        return self.total

    def _at(self, index: int, done: frozenset[str] | None = None,
            skipped: frozenset[str] | None = None) -> Progress:
        return Progress(self.step_ids, index,
                        self.done if done is None else done,
                        self.skipped if skipped is None else skipped)

    # --- the commands ----------------------------------------------------------------------

    def next(self) -> Progress:
        """One step on; past the last step it stays finished."""
        return self._at(min(self.index + 1, self.total))

    def back(self) -> Progress:
        """One step back; at the first step it stays there."""
        return self._at(max(self.index - 1, 0))

    def skip(self) -> Progress:
        """The current step is set aside (no longer done), and the next open step comes up."""
        step_id = self.current_id
        if step_id is None:
            return self
        return self._at(self._open_after(self.index), done=self.done - {step_id},
                        skipped=self.skipped | {step_id})

    def mark_done(self) -> Progress:
        """The current step is done (no longer skipped), and the next open step comes up: steps
        already done or set aside are not offered again."""
        step_id = self.current_id
        if step_id is None:
            return self
        return self._at(self._open_after(self.index), done=self.done | {step_id},
                        skipped=self.skipped - {step_id})

    def restart(self) -> Progress:
        """Back to step 1 with nothing done or skipped."""
        return Progress(self.step_ids)
