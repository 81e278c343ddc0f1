"""The content model: routines and their steps, as validated immutable objects."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.StrEnum):
    STRETCH = "stretch"
    MASSAGE = "massage"
    CHECKLIST = "checklist"


@dataclass(frozen=True)
class Step:
    """One instruction, optionally timed: a hold of `hold` seconds (up to `hold_up_to` where the
    article gives a range), `reps` rounds, per side; with seconds to get into position before
    the first hold, to switch sides, and to rest between rounds."""

    say: str
    hold: int | None = None
    reps: int = 1
    sides: tuple[str, ...] = ()
    rest: int = 0
    get_ready: int = 0
    switch: int = 0
    hold_up_to: int | None = None
    quick: str | None = None  # said instead, when relief is needed at once
    # What to say as a side starts, by side name, where the side needs more than its name.
    side_say: tuple[tuple[str, str], ...] = ()

    @property
    def timed(self) -> bool:
        return self.hold is not None

    def said_for(self, side: str) -> str | None:
        """The instruction for `side`, if the step gives one."""
        return next((say for name, say in self.side_say if name == side), None)


@dataclass(frozen=True)
class Routine:
    """A named routine; its steps are spoken in turns (one response's worth each) of at most
    `per_turn` steps, starting at the indexes `turns` gives (turns.py; every `per_turn`th step
    if it gives none)."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    kind: Kind
    summary: str
    steps: tuple[Step, ...]
    safety: str | None = None
    per_turn: int = 1
    sources: tuple[str, ...] = ()
    for_cramps: bool = False
    helps_with: tuple[str, ...] = ()
    turns: tuple[int, ...] = ()

    @property
    def timed_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.timed)

    def turn(self, step: int) -> range:
        """The steps spoken in the turn starting at index `step`: up to the next turn's start."""
        if not self.turns:
            return range(step, min(step + self.per_turn, len(self.steps)))
        stop = next((start for start in self.turns if start > step), len(self.steps))
        return range(step, stop)

    def turn_ends(self, step: int) -> frozenset[int]:
        """Where the turns from the one at index `step` on end: where a run of them may stop."""
        return frozenset(self.turn(start).stop for start in range(step, len(self.steps)))

    def turn_before(self, step: int) -> int:
        """Where the turn before the one at index `step` starts."""
        if not self.turns:
            return max(0, step - self.per_turn)
        return max((start for start in self.turns if start < step), default=0)


@dataclass(frozen=True)
class Concern:
    """Something bothering a person, as they say it; routines name the ones they help with."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    see_doctor: bool = False
