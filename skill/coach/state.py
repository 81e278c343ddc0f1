"""Conversation state: where the person is, what was last asked, and its session encoding.

Session attributes come back from the client, so they are parsed here and anything stale or
tampered with becomes "no routine" rather than an error.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..content.catalog import Catalog
from ..content.routines import Routine

VERSION = 1


class Question(enum.StrEnum):
    """What the last response asked, so "yes", "no" and reprompts know what they answer."""

    CHOOSE = "choose"
    NEXT = "next"
    CONTINUE = "continue"
    ANOTHER = "another"
    RESUME = "resume"
    RELIEF = "relief"
    ANYTHING = "anything"


@dataclass(frozen=True)
class Place:
    """A position in a routine: a turn (one response's worth of steps) and a part of it."""

    routine: Routine
    turn: int = 0
    part: int = 0


@dataclass(frozen=True)
class State:
    place: Place | None = None
    asked: Question | None = None

    def to_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"v": VERSION}
        if self.asked:
            attributes["asked"] = self.asked.value
        if self.place:
            attributes.update(routine=self.place.routine.id, turn=self.place.turn,
                              part=self.place.part)
        return attributes


PartCount = Callable[[Routine, int], int]


class StaleState(ValueError):
    """Session attributes that do not describe a place in the loaded routines."""


def parse_state(attributes: Any, catalog: Catalog, part_count: PartCount) -> State:
    """The state `attributes` describe; StaleState if they are tampered with or out of date."""
    if not attributes:
        return State()
    if not isinstance(attributes, dict) or attributes.get("v") != VERSION:
        raise StaleState(f"unrecognised session attributes {str(attributes)[:80]!r}")
    asked = attributes.get("asked")
    try:
        question = Question(asked) if asked is not None else None
    except ValueError:
        raise StaleState(f"unknown question {asked!r}") from None
    routine_id = attributes.get("routine")
    if routine_id is None:
        return State(asked=question)
    routine = catalog.get(routine_id) if isinstance(routine_id, str) else None
    if routine is None:
        raise StaleState(f"unknown routine {routine_id!r}")
    turn = _index(attributes.get("turn"), routine.turn_count, "turn")
    part = _index(attributes.get("part"), part_count(routine, turn), "part")
    return State(Place(routine, turn, part), question)


def _index(value: Any, size: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        raise StaleState(f"{what} {value!r} is out of range")
    return value
