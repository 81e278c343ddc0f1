"""Timed holds as events: rounds, sides, cues and silences, and the seconds they take.

This is the one place that knows how a hold becomes silence; speech only words the events.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from .routines import Routine, Step

# Alexa plays at most ten seconds for one SSML <break>: "the maximum duration is 10 seconds"
# (Speech Synthesis Markup Language reference, break: developer.amazon.com/docs/custom-skills/
# speech-synthesis-markup-language-ssml-reference.html#break).
MAX_BREAK_SECONDS = 10
# How long a silence may go unexplained: a hold longer than this never leaves one, its cues
# coming at least this often.
CUE_EVERY = 10
# A short hold says how much is left this many seconds before its end ("3 more seconds.").
SHORT_COUNTDOWN = 3
# Holds of LONG_HOLD seconds or more would leave more than CUE_EVERY seconds silent before a
# short countdown: they get "N more seconds." at every whole ten left, "Halfway." and a final
# count of the last FINAL_COUNT seconds ("Three. Two. One. And release."), a second each.
LONG_HOLD = SHORT_COUNTDOWN + CUE_EVERY
FINAL_COUNT = 3
# "Give me a minute": the quiet kept before asking whether the person is ready.
WAIT_SECONDS = 60
# Alexa speaks about 150 words a minute; a cue ("Round 2 of 3.", "And release.") about a second.
WORDS_PER_SECOND = 2.5
CUE_SECONDS = 1.0


@dataclass(frozen=True)
class Silence:
    seconds: int


@dataclass(frozen=True)
class SecondsLeft:
    """Spoken mid-hold ("3 more seconds"): `seconds` of the hold remain."""

    seconds: int


@dataclass(frozen=True)
class Halfway:
    """Half the hold is done; `seconds` left said with it, when a ten falls at the half."""

    seconds: int | None = None


@dataclass(frozen=True)
class Count:
    """One of the last seconds of a long hold, counted down aloud: 3, 2, 1."""

    number: int


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
    first: bool  # the round's first side
    round: int = 1  # the round it starts, from 1


@dataclass(frozen=True)
class RestStart:
    pass


@dataclass(frozen=True)
class GetReady:
    """After the instruction, before the first hold: time to get into position."""


@dataclass(frozen=True)
class SwitchSides:
    pass


Event = (Silence | SecondsLeft | Halfway | Count | HoldStart | Release | RoundStart | SideStart
         | RestStart | GetReady | SwitchSides)


@dataclass(frozen=True)
class Pace:
    """How a person likes to be coached: how long to move between holds (an index into
    PACE_FACTORS), where an article gives a range how long to hold (an index into the
    range's HOLD_LENGTHS), and whether a sound marks the end of a long hold. None ever changes
    an article's fixed hold."""

    speed: int = 1
    hold: int = 0
    sounds: bool = True

    @property
    def factor(self) -> float:
        return PACE_FACTORS[self.speed]

    def transition(self, seconds: int) -> int:
        """Seconds to move, at this pace, rounded up: never less time than the pace says."""
        return math.ceil(seconds * self.factor) if seconds else 0

    def hold_seconds(self, step: Step) -> int:
        """The hold, picked within its range if the content gives one."""
        if step.hold is None or step.hold_up_to is None:
            return step.hold or 0
        share = self.hold / (HOLD_LENGTHS - 1)
        return round(step.hold + (step.hold_up_to - step.hold) * share)

    def changed(self, speed: int = 0, hold: int = 0) -> Pace:
        """This pace moved `speed` and `hold` notches, staying within the bounds."""
        return Pace(min(max(self.speed + speed, 0), len(PACE_FACTORS) - 1),
                    min(max(self.hold + hold, 0), HOLD_LENGTHS - 1), self.sounds)


# Quicker, normal, slower, slowest: what "faster" and "slower" move between. Rests and moves
# scale; holds never do.
PACE_FACTORS = (0.5, 1.0, 1.5, 2.0)
# A ranged hold ("half a minute to a minute") is held at its shortest, middle or longest.
HOLD_LENGTHS = 3
# The slowest pace and the longest holds: the most silence a step can ask for, which is what
# decides where a long step is split across responses (so every pace splits it alike).
SLOWEST = Pace(len(PACE_FACTORS) - 1, HOLD_LENGTHS - 1, sounds=True)


def break_chunks(seconds: int) -> list[int]:
    """`seconds` of silence as break lengths Alexa accepts: [10, 10, 5] for 25."""
    full, left = divmod(seconds, MAX_BREAK_SECONDS)
    return [MAX_BREAK_SECONDS] * full + ([left] if left else [])


def hold(seconds: int) -> Iterator[Event]:
    """One hold: exactly `seconds` of silence, with cues placed inside it."""
    yield HoldStart()
    elapsed = 0
    for at, cue in hold_cues(seconds):
        if at > elapsed:
            yield Silence(at - elapsed)
        yield cue
        elapsed = at
    yield Silence(seconds - elapsed)
    yield Release()


def move(seconds: int) -> Iterator[Event]:
    """Time to move (get ready, switch sides, rest): `seconds` of silence, cut into equal
    stretches of at most CUE_EVERY seconds, each after the first begun by how many are left."""
    stretches = math.ceil(seconds / CUE_EVERY)
    said = 0
    for index in range(1, stretches + 1):
        at = round(seconds * index / stretches)
        if index > 1:
            yield SecondsLeft(seconds - said)
        yield Silence(at - said)
        said = at


def hold_cues(seconds: int) -> list[tuple[int, Event]]:
    """The cues of a hold of `seconds`, each with the second it is said at: a short hold's
    "3 more seconds.", or a long hold's every ten left, halfway, and final count."""
    if seconds < LONG_HOLD:
        return [(seconds - SHORT_COUNTDOWN, SecondsLeft(SHORT_COUNTDOWN))] \
            if seconds > SHORT_COUNTDOWN + 2 else []
    half = seconds // 2
    cues: list[tuple[int, Event]] = []
    halfway: tuple[int, Event] | None = (half, Halfway())
    for left in range(CUE_EVERY, seconds, CUE_EVERY):
        at = seconds - left
        if abs(at - half) <= 1:  # one cue says both, at the ten (a second off the half)
            cues.append((at, Halfway(left)))
            halfway = None
        else:
            cues.append((at, SecondsLeft(left)))
    if halfway:
        cues.append(halfway)
    count_from = seconds - FINAL_COUNT
    cues += [(count_from + index, Count(FINAL_COUNT - index)) for index in range(FINAL_COUNT)]
    return sorted(cues, key=lambda cue: cue[0])


def step_events(step: Step, pace: Pace = Pace(), from_hold: int = 0,
                get_ready: bool = True) -> Iterator[Event]:
    """The timed part of `step`: time to get ready (unless not), then each round (with a rest
    between rounds), each side (with time to switch between them), and a hold; from hold
    number `from_hold` (counting every side of every round from 0), announced with its
    round."""
    if step.hold is None:
        return
    seconds = pace.hold_seconds(step)
    if step.get_ready and get_ready:
        yield GetReady()
        yield from move(pace.transition(step.get_ready))
    first_round, first_side = divmod(from_hold, holds_a_round(step))
    for number in range(first_round + 1, step.reps + 1):
        if step.reps > 1:
            yield RoundStart(number, step.reps)
        start = first_side if number == first_round + 1 else 0
        for index in range(start, len(step.sides)):
            if index > start and step.switch:
                yield SwitchSides()
                yield from move(pace.transition(step.switch))
            yield SideStart(step.sides[index], first=index == 0, round=number)
            yield from hold(seconds)
        if not step.sides:
            yield from hold(seconds)
        if step.rest and number < step.reps:
            yield RestStart()
            yield from move(pace.transition(step.rest))


def holds_a_round(step: Step) -> int:
    """One hold a side, or one hold for a step without sides."""
    return max(1, len(step.sides))


def hold_count(step: Step) -> int:
    """How many holds `step` has: every side of every round."""
    return step.reps * holds_a_round(step) if step.timed else 0


def hold_seconds(step: Step, pace: Pace = Pace()) -> int:
    """Seconds spent holding in `step`: every side of every round, no moving or resting."""
    return pace.hold_seconds(step) * hold_count(step)


def silent_seconds(step: Step, pace: Pace = Pace()) -> int:
    """Seconds of silence `step` asks for: holds, and the time to move and rest between them."""
    return sum(event.seconds for event in step_events(step, pace) if isinstance(event, Silence))


def speaking_seconds(text: str) -> float:
    return len(text.split()) / WORDS_PER_SECOND


def routine_seconds(routine: Routine, from_step: int = 0, pace: Pace = Pace()) -> float:
    """A fair estimate of a routine's length from step index `from_step` on: its silences
    plus reading its steps aloud."""
    return sum(step_seconds(step, pace) for step in routine.steps[from_step:])


def step_seconds(step: Step, pace: Pace = Pace()) -> float:
    """Silences, cues and the instructions read aloud."""
    events = list(step_events(step, pace))
    cues = sum(1 for event in events if not isinstance(event, Silence))
    said = " ".join([step.say, *(say for _, say in step.side_say)])
    return silent_seconds(step, pace) + cues * CUE_SECONDS + speaking_seconds(said)
