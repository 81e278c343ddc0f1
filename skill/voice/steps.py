"""A routine's steps as SSML, at a person's pace, the timeline a screen counts down with, and
where each hold ends (to place a person who cuts the speech short).

All come from one walk over the timed events: each piece of speech is a Beat with its SSML,
how long it takes (exactly, for a silence; estimated, for words), the countdown it starts and
the hold it ends, so what the screen counts is what the voice leaves silent.

A step too long for one response is split into parts. Where it splits is decided at the
slowest pace and the longest holds, so every pace splits it alike: the Coach can count a
place's parts without knowing the pace, and a pace changed mid-step never moves the parts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

from ..coach.placement import Mark
from ..coach.state import Place
from ..content import timing
from ..content.catalog import Catalog
from ..content.routines import Kind, Step
from . import ssml
from .phrases import Phrases

# Room left in a response for what surrounds a step (introduction, close, question); a step
# whose SSML needs more than the rest is split across responses.
SURROUNDINGS_BUDGET = 2000
PART_BUDGET = ssml.MAX_SSML_CHARS - ssml.SPEAK_TAGS - SURROUNDINGS_BUDGET
# Rendered places kept: every place of a few hundred routines at a few paces; bounded, so a
# large catalog costs memory only for what people use.
CACHED_PLACES = 4096


@dataclass(frozen=True)
class Countdown:
    """A stretch of silence a screen counts down: what it is, when it starts, how long."""

    label: str  # "Get into position", "Round 2 of 3 · Left side · Hold", "Rest"
    start_ms: int  # when it starts, counted from the start of the response's speech
    seconds: int  # how long it lasts


@dataclass(frozen=True)
class Beat:
    ssml: str
    seconds: float
    countdown: tuple[str, int] | None = None  # (label, seconds) of one starting here
    ends_hold: tuple[int, int] | None = None  # a hold ends here: (step, hold) to start again at


@dataclass(frozen=True)
class Part:
    """One response's worth of a place: its SSML, countdowns and the ends of its holds."""

    ssml: str
    countdowns: tuple[Countdown, ...]
    marks: tuple[Mark, ...]


class StepSpeech:
    """Renders the steps of one catalog's routines; each place once, when first asked for."""

    def __init__(self, catalog: Catalog, phrases: Phrases):
        self.catalog = catalog
        self.phrases = phrases
        # Keyed by routine id: hashing a whole routine on every lookup would cost more.
        self._parts = lru_cache(maxsize=CACHED_PLACES)(self._render)
        self._bounds = lru_cache(maxsize=CACHED_PLACES)(self._bounds_at_slowest)

    def part_count(self, place: Place) -> int:
        return len(self._bounds(place.routine.id, place.step, place.from_hold, place.quick))

    def part(self, place: Place, pace: timing.Pace) -> str:
        """The SSML of `place` (one part of one response's steps), at `pace`."""
        return self._part(place, pace).ssml

    def timeline(self, place: Place, pace: timing.Pace) -> tuple[Countdown, ...]:
        """The countdowns of `place`, timed from the start of its own speech."""
        return self._part(place, pace).countdowns

    def marks(self, place: Place, pace: timing.Pace) -> tuple[Mark, ...]:
        """Where the holds spoken at `place` end, timed from the start of its own speech."""
        return self._part(place, pace).marks

    def _part(self, place: Place, pace: timing.Pace) -> Part:
        return self._parts(place.routine.id, place.step, place.from_hold, place.quick,
                           pace)[place.part]

    def _render(self, routine_id: str, step: int, from_hold: int, quick: bool,
                pace: timing.Pace) -> tuple[Part, ...]:
        place = Place(self.catalog.get(routine_id), step, from_hold=from_hold, quick=quick)
        beats = self._beats(place, pace)
        return tuple(Part(" ".join(beat.ssml for beat in beats[start:stop]),
                          _countdowns(beats[start:stop]), _marks(beats[start:stop]))
                     for start, stop in self._bounds(routine_id, step, from_hold, quick))

    def _bounds_at_slowest(self, routine_id: str, step: int, from_hold: int,
                           quick: bool) -> tuple[tuple[int, int], ...]:
        """Where the parts start and stop, as beat indexes, packed as few as fit."""
        place = Place(self.catalog.get(routine_id), step, from_hold=from_hold, quick=quick)
        beats = self._beats(place, timing.SLOWEST)
        bounds: list[tuple[int, int]] = []
        start, size = 0, 0
        for index, beat in enumerate(beats):
            if index > start and size + 1 + len(beat.ssml) > PART_BUDGET:
                bounds.append((start, index))
                start, size = index, 0
            size += 1 + len(beat.ssml)
        bounds.append((start, len(beats)))
        return tuple(bounds)

    def _beats(self, place: Place, pace: timing.Pace) -> list[Beat]:
        beats = []
        routine = place.routine
        header = "step_header.checklist" if routine.kind == Kind.CHECKLIST else "step_header.step"
        for index in place.steps:
            step = routine.steps[index]
            quick = place.quick and index == place.step
            if quick:  # where to press, at once: no header, no time to get ready
                beats.append(_words(step.quick))
            else:
                if len(routine.steps) > 1:
                    beats.append(_words(self.phrases(header, number=index + 1,
                                                     total=len(routine.steps))))
                beats.append(_words(step.say))
            from_hold = place.from_hold if index == place.step else 0
            beats.extend(self._timed(routine.kind, step, pace, index, from_hold, not quick))
        return beats

    def _timed(self, kind: Kind, step: Step, pace: timing.Pace, index: int,
               from_hold: int, get_ready: bool = True) -> list[Beat]:
        """The step's holds and moves, from hold `from_hold`: cues spoken, silences kept, each
        silence that starts a stretch to count down labelled as a screen shows it, and the last
        of each hold marked with where to start again after it."""
        beats: list[Beat] = []
        heading: dict[str, str] = {}
        pending: tuple[str, int] | None = None
        held = from_hold
        for event in timing.step_events(step, pace, from_hold, get_ready):
            if isinstance(event, timing.Release):
                held += 1
                after = (index, held) if held < timing.hold_count(step) else (index + 1, 0)
                beats[-1] = dataclasses.replace(beats[-1], ends_hold=after)
            if isinstance(event, timing.Silence):
                # A hold counts its whole length (cues fall inside it); a move, its silence.
                counted = pending and (pending[0], pending[1] or event.seconds)
                beats.append(Beat(ssml.silence(event.seconds), event.seconds, counted or None))
                pending = None
                continue
            if isinstance(event, timing.SideStart):
                beats.append(_words(self._side(step, event)))
            else:
                beats.append(_words(self.cue(kind, event)))
            if isinstance(event, timing.RoundStart):
                heading = {"round": _label(self.cue(kind, event))}
            elif isinstance(event, timing.SideStart):
                heading["side"] = self.phrases("screen.side", Side=event.name.capitalize())
            elif isinstance(event, timing.HoldStart):
                label = self.phrases("screen.separator").join(
                    [*heading.values(), _label(self.cue(kind, event))])
                pending = (label, pace.hold_seconds(step))
            elif isinstance(event, timing.GetReady | timing.SwitchSides | timing.RestStart):
                pending = (_label(self.cue(kind, event)), 0)
        return beats

    def _side(self, step: Step, event: timing.SideStart) -> str:
        """A side starting: named, with its own instruction the first time if it has one."""
        said = step.said_for(event.name) if event.round == 1 else None
        if said is None:
            return self.cue(Kind.STRETCH, event)
        key = "side_first_said" if event.first else "side_next_said"
        return self.phrases(key, Side=event.name.capitalize(), side=event.name, say=said)

    def cue(self, kind: Kind, event: timing.Event) -> str:
        """What is said for a timed event: "Hold.", "Round 2 of 3.", "Switch sides."."""
        p = self.phrases
        if isinstance(event, timing.HoldStart):
            return p(f"hold.{kind}")
        if isinstance(event, timing.Release):
            return p(f"release.{kind}")
        if isinstance(event, timing.SecondsLeft):
            return p("countdown", seconds=event.seconds)
        if isinstance(event, timing.RoundStart):
            return p("round", number=event.number, total=event.total)
        if isinstance(event, timing.SideStart):
            return p("side_first" if event.first else "side_next",
                     Side=event.name.capitalize(), side=event.name)
        if isinstance(event, timing.GetReady):
            return p(f"get_ready.{kind}")
        return p(CUE_KEYS[type(event)])


CUE_KEYS = {timing.Halfway: "halfway", timing.RestStart: "rest",
            timing.SwitchSides: "switch_sides"}


def _words(text: str) -> Beat:
    return Beat(ssml.text(text), timing.speaking_seconds(text))


def _label(cue: str) -> str:
    """A spoken cue as a screen shows it: "Get into position." is "Get into position"."""
    return cue.rstrip(".")


def _marks(beats: list[Beat]) -> tuple[Mark, ...]:
    """The end of each hold in `beats`, timed from the first beat."""
    found, clock = [], 0.0
    for beat in beats:
        clock += beat.seconds
        if beat.ends_hold:
            found.append(Mark(clock, *beat.ends_hold))
    return tuple(found)


def _countdowns(beats: list[Beat]) -> tuple[Countdown, ...]:
    """Each countdown starting in `beats`, timed from the first beat."""
    found, clock = [], 0.0
    for beat in beats:
        if beat.countdown:
            label, seconds = beat.countdown
            found.append(Countdown(label, round(clock * 1000), seconds))
        clock += beat.seconds
    return tuple(found)
