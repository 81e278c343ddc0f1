"""Timed holds as events: rounds, sides, cues and silences, and the seconds they take.

This is the one place that knows how a hold becomes silence; speech only words the events.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .routines import Routine, Step

# Alexa plays at most ten seconds for one SSML <break>.
MAX_BREAK_SECONDS = 10
# A countdown cue comes this many seconds before the end of a hold: short holds get 3,
# holds of LONG_HOLD seconds or more get 5 and a "halfway" cue as well.
SHORT_COUNTDOWN = 3
LONG_COUNTDOWN = 5
LONG_HOLD = 20
# "Give me a minute": the quiet kept before asking whether the person is ready.
WAIT_SECONDS = 60
# Alexa speaks about 150 words a minute; a cue ("Round 2 of 3.", "And release.") about a second.
WORDS_PER_SECOND = 2.5
CUE_SECONDS = 1.0


@dataclass(frozen=True)
class Silence:
    seconds: int


@dataclass(frozen=True)
class Countdown:
    """Spoken mid-hold: `seconds` of the hold remain."""

    seconds: int


@dataclass(frozen=True)
class Halfway:
    pass


@dataclass(frozen=True)
class HoldStart:
    pass


@dataclass(frozen=True)
class Release:
    pass


@dataclass(frozen=True)
class RoundStart:
    number: int
    total: int


@dataclass(frozen=True)
class SideStart:
    name: str
    first: bool


@dataclass(frozen=True)
class RestStart:
    pass


Event = Silence | Countdown | Halfway | HoldStart | Release | RoundStart | SideStart | RestStart


def break_chunks(seconds: int) -> list[int]:
    """`seconds` of silence as break lengths Alexa accepts: [10, 10, 5] for 25."""
    full, left = divmod(seconds, MAX_BREAK_SECONDS)
    return [MAX_BREAK_SECONDS] * full + ([left] if left else [])


def hold(seconds: int) -> Iterator[Event]:
    """One hold: exactly `seconds` of silence, with cues placed inside it."""
    countdown = LONG_COUNTDOWN if seconds >= LONG_HOLD else SHORT_COUNTDOWN
    cues: list[tuple[int, Event]] = []
    if seconds >= LONG_HOLD:
        cues.append((seconds // 2, Halfway()))
    if seconds > countdown + 2:
        cues.append((seconds - countdown, Countdown(countdown)))
    yield HoldStart()
    elapsed = 0
    for at, cue in cues:
        yield Silence(at - elapsed)
        yield cue
        elapsed = at
    yield Silence(seconds - elapsed)
    yield Release()


def step_events(step: Step) -> Iterator[Event]:
    """The timed part of `step`: each round, each side, a hold, and rests between rounds."""
    if step.hold is None:
        return
    for number in range(1, step.reps + 1):
        if step.reps > 1:
            yield RoundStart(number, step.reps)
        for index, side in enumerate(step.sides):
            yield SideStart(side, first=index == 0)
            yield from hold(step.hold)
        if not step.sides:
            yield from hold(step.hold)
        if step.rest and number < step.reps:
            yield RestStart()
            yield Silence(step.rest)


def silent_seconds(step: Step) -> int:
    """Seconds of silence `step` asks for: holds on every side of every round, and rests."""
    return sum(event.seconds for event in step_events(step) if isinstance(event, Silence))


def speaking_seconds(text: str) -> float:
    return len(text.split()) / WORDS_PER_SECOND


def routine_seconds(routine: Routine, from_step: int = 0) -> float:
    """A fair estimate of a routine's length from step index `from_step` on: its silences
    plus reading its steps aloud."""
    return sum(step_seconds(step) for step in routine.steps[from_step:])


def step_seconds(step: Step) -> float:
    """Silences, cues and the instruction read aloud."""
    events = list(step_events(step))
    cues = sum(1 for event in events if not isinstance(event, Silence))
    return silent_seconds(step) + cues * CUE_SECONDS + speaking_seconds(step.say)
