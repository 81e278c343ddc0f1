"""What is stored about a person, and the changes a request makes, as typed records.

They cross the ASK SDK's persistence seam as plain dicts (persistent attributes): `Person` is
what the adapter loads, `Changes` what it saves. Only what the features need is kept: the
opaque user id, first-seen time, time zone, the unfinished routine, and finished routines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..content.timing import HOLD_LENGTHS, PACE_FACTORS, Pace

# Keys of the persistent-attributes dicts.
FIRST_SEEN, ZONE, ZONE_CHECKED, PLACE, FINISHED, FORGET, PACE = (
    "first_seen", "time_zone", "zone_checked", "place", "finished", "forget", "pace")


@dataclass(frozen=True)
class Bookmark:
    """An unfinished routine: its id, the step index to start again at, and when."""

    routine: str
    step: int
    saved: int  # seconds since the epoch

    def to_dict(self) -> dict[str, Any]:
        return {"routine": self.routine, "step": self.step, "saved": self.saved}


@dataclass(frozen=True)
class Completion:
    routine: str
    finished: int  # seconds since the epoch
    request_id: str  # the request that finished it: a retry of it never counts twice


@dataclass(frozen=True)
class Person:
    """Everything stored for one person; `first_seen` is None for someone new."""

    first_seen: int | None = None
    time_zone: str | None = None
    zone_checked: int | None = None
    bookmark: Bookmark | None = None
    # Recent completions: routine id, when, and the request that finished it.
    finished: tuple[tuple[str, int, str], ...] = ()
    pace: Pace = Pace()

    @property
    def known(self) -> bool:
        return self.first_seen is not None

    @classmethod
    def from_attributes(cls, attributes: dict[str, Any]) -> Person:
        """The person `attributes` describe; a field of the wrong type (a hand-edited row,
        say) is dropped rather than trusted."""
        if not attributes:
            return cls()
        place = attributes.get(PLACE) or {}
        bookmark = Bookmark(place["routine"], place["step"], place["saved"]) if (
            _typed(place.get("routine"), str) and _typed(place.get("step"), int)
            and _typed(place.get("saved"), int)) else None
        return cls(
            first_seen=_int_or(attributes.get(FIRST_SEEN), 0),
            time_zone=attributes.get(ZONE) if _typed(attributes.get(ZONE), str) else None,
            zone_checked=_int_or(attributes.get(ZONE_CHECKED), None),
            bookmark=bookmark,
            finished=tuple((item[0], item[1], item[2]) for item in attributes.get(FINISHED) or ()
                           if len(item) == 3 and _typed(item[0], str) and _typed(item[1], int)
                           and _typed(item[2], str)),
            pace=_pace(attributes.get(PACE)),
        )


@dataclass(frozen=True)
class Changes:
    """What one request changes; fields left at their defaults change nothing.

    `bookmark` is the new unfinished routine, or CLEAR to forget it; `zone` is a zone just
    asked for (None if the question failed) with `zone_checked` when it was asked.
    """

    seen: int | None = None
    bookmark: Bookmark | str | None = None
    zone: str | None = None
    zone_checked: int | None = None
    finished: Completion | None = None
    forget: bool = False
    pace: Pace | None = None

    CLEAR = "clear"

    def __bool__(self) -> bool:
        return self != Changes()

    def to_attributes(self) -> dict[str, Any]:
        if self.forget:
            return {FORGET: True}
        attributes: dict[str, Any] = {}
        if self.seen is not None:
            attributes[FIRST_SEEN] = self.seen
        if self.bookmark == Changes.CLEAR:
            attributes[PLACE] = None
        elif isinstance(self.bookmark, Bookmark):
            attributes[PLACE] = self.bookmark.to_dict()
        if self.zone_checked is not None:
            attributes[ZONE_CHECKED] = self.zone_checked
            if self.zone is not None:
                attributes[ZONE] = self.zone
        if self.finished:
            attributes[FINISHED] = [self.finished.routine, self.finished.finished,
                                    self.finished.request_id]
        if self.pace is not None:
            attributes[PACE] = [self.pace.speed, self.pace.hold]
        return attributes


def _typed(value: Any, kind: type) -> bool:
    return type(value) is kind


def _int_or(value: Any, default: int | None) -> int | None:
    return value if _typed(value, int) else default


def _pace(value: Any) -> Pace:
    """The stored pace, or the usual one where a value is missing or out of range."""
    speed, hold = value if isinstance(value, list | tuple) and len(value) == 2 else (None, None)
    usual = Pace()
    return Pace(speed if _typed(speed, int) and 0 <= speed < len(PACE_FACTORS) else usual.speed,
                hold if _typed(hold, int) and 0 <= hold < HOLD_LENGTHS else usual.hold)
