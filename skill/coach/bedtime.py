"""The time of day for a bedtime stretch reminder, from what the person said.

People set a bedtime reminder with the hour alone ("at nine"), which Alexa hears as a morning
hour ("09:00"). For a reminder to stretch before bed the evening is meant, so an hour from 6
to 11 is read as 6 to 11 p.m. An hour from 1 to 5, or 12, could be a night owl's bedtime or
the afternoon, and a part of the day ("in the evening") is no time at all: those are asked back
once, and the second answer is taken as well as it can be.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

# Hours said without a.m. or p.m. that mean the evening before bed: "at nine" is 21:00.
EVENING_HOURS = range(6, 12)
# Hours that might be either half of the day ("at twelve": midnight, or noon?); asked back
# once, then taken as Alexa gave them.
EITHER_HALF = (*range(1, 6), 12)
CLOCK = re.compile(r"(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9])")


@dataclass(frozen=True, order=True)
class Bedtime:
    """A local time of day, to the minute: when the daily reminder goes off."""

    hour: int
    minute: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.hour < 24 and 0 <= self.minute < 60):
            raise ValueError(f"no such time of day: {self.hour}:{self.minute}")

    @classmethod
    def parse(cls, text: object) -> Bedtime | None:
        """The time "HH:MM" (24-hour) names, or None."""
        found = CLOCK.fullmatch(text) if isinstance(text, str) else None
        return cls(int(found["hour"]), int(found["minute"])) if found else None

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


class PartOfDay(enum.StrEnum):
    """The parts of the day AMAZON.TIME gives for "in the morning", "tonight" and the like."""

    MORNING = "MO"
    AFTERNOON = "AF"
    EVENING = "EV"
    NIGHT = "NI"


# What a part of the day is taken to mean once it has been asked back.
PART_TIMES = {PartOfDay.MORNING: Bedtime(8), PartOfDay.AFTERNOON: Bedtime(14),
              PartOfDay.EVENING: Bedtime(21), PartOfDay.NIGHT: Bedtime(21)}


@dataclass(frozen=True)
class HeardTime:
    """What was heard of a time: a clock time as Alexa gives it (24-hour, "nine" as 09:00),
    a part of the day, or neither."""

    clock: Bedtime | None = None
    part: PartOfDay | None = None


class Unclear(enum.Enum):
    """Why a heard time does not give a reminder time yet."""

    NO_TIME = "no_time"  # nothing that is a time
    EITHER_HALF = "either_half"  # "at three": in the morning or the afternoon?
    PART_OF_DAY = "part_of_day"  # "in the evening": when in it?


def bedtime(heard: HeardTime, asked_back: bool) -> Bedtime | Unclear:
    """The reminder time `heard` gives, or why it is unclear; once `asked_back`, only the
    absence of any time is."""
    if heard.clock is not None:
        clock = heard.clock
        if clock.hour in EVENING_HOURS:
            return Bedtime(clock.hour + 12, clock.minute)
        if clock.hour in EITHER_HALF and not asked_back:
            return Unclear.EITHER_HALF
        return clock
    if heard.part is not None:
        return PART_TIMES[heard.part] if asked_back else Unclear.PART_OF_DAY
    return Unclear.NO_TIME
