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
    """A named routine; its steps are spoken `per_turn` at a time (one response's worth)."""

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

    @property
    def timed_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.timed)


@dataclass(frozen=True)
class Concern:
    """Something bothering a person, as they say it; routines name the ones they help with."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    see_doctor: bool = False
