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

    @property
    def timed_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.timed)
