"""What is stored about a person, and the changes a request makes, as typed records.

Only what the features need is kept: the opaque user id (the store's key, not a field here),
first-seen time, time zone, the unfinished routine, the pace, finished routines and the streak
they make, the id of the person's stretch reminder in Alexa's Reminders API, and when the
bedtime reminder was offered. Times are whole seconds since the epoch (UTC); days are the
person's local days, as date ordinals (`date.toordinal()`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.timing import Pace


@dataclass(frozen=True)
class Bookmark:
    """An unfinished routine: its id, the step index (and the hold in it) to start again at,
    and when. A step just spoken also keeps when its holds will have played out (Alexa's
    clock): from then the person is past it, and if it was the routine's last they finished the
    routine, counted under `finishing` (the id of the request whose response spoke it) at that
    time."""

    routine: str
    step: int
    saved: int  # seconds since the epoch
    hold: int = 0  # every side of every round of the step counted from 0
    heard_out: int | None = None  # seconds since the epoch
    finishing: str = ""
    to: int = 0  # hands-free: the step after the run of steps just spoken (0: one turn)


@dataclass(frozen=True)
class Completion:
    """A finished routine, which the request that finished it identifies: a retry of that
    request (the same id at the same time) is the same completion and never counts twice."""

    routine: str
    finished: int  # seconds since the epoch
    request_id: str


@dataclass(frozen=True)
class Streak:
    """Days in a row with a finished routine, kept up as each finish is recorded, so that no
    history need be read to say it: `length` days ending on `last_day`, and the best ever."""

    length: int = 0
    best: int = 0
    last_day: int | None = None

    def after(self, day: int) -> Streak:
        """The streak once a routine is finished on `day`. Idempotent: a day already counted
        (or one before the last, as when a person's zone moves west) changes nothing."""
        if self.last_day is not None and day <= self.last_day:
            return self
        length = self.length + 1 if self.last_day == day - 1 else 1
        return Streak(length, max(self.best, length), day)

    def on(self, today: int) -> int:
        """Days in a row up to `today`, or up to yesterday while today has none yet."""
        if self.last_day is None or self.last_day < today - 1:
            return 0
        return self.length


@dataclass(frozen=True)
class Person:
    """Everything a conversation needs of one person, in one row; `first_seen` is None for
    someone new. Finished routines themselves are read apart, only for a summary."""

    first_seen: int | None = None
    time_zone: str | None = None
    zone_checked: int | None = None
    bookmark: Bookmark | None = None
    pace: Pace = Pace()
    streak: Streak = Streak()
    reminder: str | None = None  # the alertToken of their daily stretch reminder
    reminder_offered: bool = False  # the bedtime reminder was offered (it is, once)
    hands_free: bool = False  # steps run one after another without asking between them

    @property
    def known(self) -> bool:
        return self.first_seen is not None


@dataclass(frozen=True)
class Changes:
    """What one request changes; fields left at their defaults change nothing.

    `bookmark` is the new unfinished routine, or CLEAR to forget it; `zone` is a zone just
    asked for (None if the question failed) with `zone_checked` when it was asked; `finished`
    a routine finished just now, counted for the person's local day `finished_on`; `reminder`
    the id of a reminder just made, or CLEAR once it is gone; `offered` when the bedtime
    reminder was offered.
    """

    seen: int | None = None
    bookmark: Bookmark | str | None = None
    zone: str | None = None
    zone_checked: int | None = None
    finished: Completion | None = None
    finished_on: int | None = None
    pace: Pace | None = None
    reminder: str | None = None
    offered: int | None = None
    hands_free: bool | None = None

    CLEAR = "clear"

    def __post_init__(self) -> None:
        if (self.finished is None) != (self.finished_on is None):
            raise ValueError("a completion is recorded with the local day it counts for")

    def __bool__(self) -> bool:
        return self != Changes()

    def names(self) -> list[str]:
        """The fields this changes, for a log line."""
        return [name for name, value in vars(self).items() if value not in (None, False)]
