"""The content model: routines and their steps, as validated immutable objects."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass


class Kind(enum.StrEnum):
    STRETCH = "stretch"
    MASSAGE = "massage"
    CHECKLIST = "checklist"


@dataclass(frozen=True)
class Step:
    """One instruction, optionally timed: a hold of `hold` seconds, `reps` rounds, per side."""

    say: str
    hold: int | None = None
    reps: int = 1
    sides: tuple[str, ...] = ()
    rest: int = 0

    @property
    def timed(self) -> bool:
        return self.hold is not None


@dataclass(frozen=True)
class Routine:
    """A named routine; its steps are spoken `per_turn` at a time (one turn per response)."""

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

    @property
    def turn_count(self) -> int:
        return math.ceil(len(self.steps) / self.per_turn)

    def turn_steps(self, turn: int) -> tuple[Step, ...]:
        start = turn * self.per_turn
        return self.steps[start : start + self.per_turn]

    def first_step_number(self, turn: int) -> int:
        """The 1-based number of the first step spoken in `turn`."""
        return turn * self.per_turn + 1

    def turn_of_step(self, number: int) -> int:
        """The turn that speaks the 1-based step `number`."""
        return (number - 1) // self.per_turn

    @property
    def timed_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.timed)
