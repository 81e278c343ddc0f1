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
import itertools
from dataclasses import dataclass
from functools import lru_cache

from ..coach.placement import Mark
from ..coach.state import Place
from ..content import timing
from ..content.catalog import Catalog
from ..content.routines import Kind, Step
from . import sounds, ssml
from .phrases import Phrases
from .sounds import MAX_AUDIO_TAGS

# Room left in a response for what surrounds a step (introduction, close, question); a step
# whose SSML needs more than the rest is split across responses, and a hands-free run of
# steps (coach/conversation.py) is as long as still fits in one part. Alexa's limits for one
# response: ssml.MAX_SSML_CHARS, and sounds.MAX_AUDIO_TAGS and MAX_AUDIO_SECONDS.
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
    seconds: int  # how long it counts down
    hold: bool = False  # a hold (rather than time to move or rest)
    # How long it lasts in the speech: its seconds, and the cues said inside it ("Halfway.").
    lasts_ms: int = 0

    @property
    def end_ms(self) -> int:
        return self.start_ms + (self.lasts_ms or self.seconds * 1000)


@dataclass(frozen=True)
class Beat:
    ssml: str
    seconds: float
    countdown: tuple[str, int, bool] | None = None  # (label, seconds, hold) starting
    inside: bool = False  # a silence, or a cue said inside a hold or a move
    ends_hold: tuple[int, int] | None = None  # a hold ends here: (step, hold) to start again at
    holding: bool = False  # after a hold's start, up to and with its release
    sounds: int = 0  # audio tags in its SSML


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
        return len(self._bounds(place.routine.id, place.step, place.from_hold, place.quick,
                                place.to))

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
                           place.to, pace)[place.part]

    def _render(self, routine_id: str, step: int, from_hold: int, quick: bool, to: int,
                pace: timing.Pace) -> tuple[Part, ...]:
        place = Place(self.catalog.get(routine_id), step, from_hold=from_hold, quick=quick,
                      to=to)
        beats = self._beats(place, pace)
        # Where each structural beat is at this pace (cues and silences inside holds and moves
        # vary with the pace and the hold's length; the rest never do).
        at = [index for index, beat in enumerate(beats) if not beat.inside] + [len(beats)]
        return tuple(Part(" ".join(beat.ssml for beat in beats[at[start]:at[stop]]),
                          _countdowns(beats[at[start]:at[stop]]),
                          _marks(beats[at[start]:at[stop]]))
                     for start, stop in self._bounds(routine_id, step, from_hold, quick, to))

    def _bounds_at_slowest(self, routine_id: str, step: int, from_hold: int, quick: bool,
                           to: int) -> tuple[tuple[int, int], ...]:
        """Where the parts start and stop, packed as few as fit within Alexa's limits: counted
        in structural beats, so that a part is cut alike at every pace."""
        place = Place(self.catalog.get(routine_id), step, from_hold=from_hold, quick=quick,
                      to=to)
        beats = self._beats(place, timing.SLOWEST)
        # Units a part may start at: a hold is never cut (its start, cues and release stay in
        # one response); each unit's place counted in structural beats, its size and sounds.
        units: list[list[int]] = []  # [structural index, characters, sounds]
        structural = -1
        for beat in beats:
            if not beat.inside:
                structural += 1
                if not beat.holding:
                    units.append([structural, 0, 0])
            units[-1][1] += 1 + len(beat.ssml)
            units[-1][2] += beat.sounds
        bounds: list[tuple[int, int]] = []
        start, size, played = 0, 0, 0
        for first, characters, sounded in units:
            if first > start and (size + characters > PART_BUDGET
                                  or played + sounded > MAX_AUDIO_TAGS):
                bounds.append((start, first))
                start, size, played = first, 0, 0
            size += characters
            played += sounded
        bounds.append((start, structural + 1))
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
        pending: tuple[str, int, bool] | None = None
        held = from_hold
        holding = False
        sounded = pace.sounds and pace.hold_seconds(step) >= timing.LONG_HOLD
        events = list(timing.step_events(step, pace, from_hold, get_ready))
        for at, event in enumerate(events):
            if isinstance(event, timing.Release):
                held += 1
                after = (index, held) if held < timing.hold_count(step) else (index + 1, 0)
                beats[-1] = dataclasses.replace(beats[-1], ends_hold=after)
            if isinstance(event, timing.Silence):
                # A hold counts its whole length, a move its silences (cues fall inside both).
                counted = pending and (pending[0], pending[1] or _moving(events, at),
                                       pending[2])
                beats.append(Beat(ssml.silence(event.seconds), event.seconds, counted or None,
                                  inside=True, holding=holding))
                pending = None
                continue
            if isinstance(event, INSIDE_CUES):
                beat = dataclasses.replace(_words(self.cue(kind, event)), inside=True)
            elif isinstance(event, timing.Release) and sounded:
                beat = _sounded(self.cue(kind, event))
            elif isinstance(event, timing.SideStart):
                beat = _words(self._side(step, event))
            else:
                beat = _words(self.cue(kind, event))
            if isinstance(event, timing.HoldStart) and sounded:
                beat = dataclasses.replace(beat, sounds=1)  # counted where the hold starts
            beats.append(dataclasses.replace(beat, holding=holding))
            holding = isinstance(event, timing.HoldStart) or (
                holding and not isinstance(event, timing.Release))
            if isinstance(event, timing.RoundStart):
                heading = {"round": _label(self.cue(kind, event))}
            elif isinstance(event, timing.SideStart):
                heading["side"] = self.phrases("screen.side", Side=event.name.capitalize())
            elif isinstance(event, timing.HoldStart):
                label = self.phrases("screen.separator").join(
                    [*heading.values(), _label(self.cue(kind, event))])
                pending = (label, pace.hold_seconds(step), True)
            elif isinstance(event, timing.GetReady | timing.SwitchSides | timing.RestStart):
                pending = (_label(self.cue(kind, event)), 0, False)
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
        if isinstance(event, timing.Halfway) and event.seconds:
            return p("halfway_left", seconds=event.seconds)
        if isinstance(event, timing.Count):
            return p(f"count.{event.number}")
        if isinstance(event, timing.RoundStart):
            return p("round", number=event.number, total=event.total)
        if isinstance(event, timing.SideStart):
            return p("side_first" if event.first else "side_next",
                     Side=event.name.capitalize(), side=event.name)
        if isinstance(event, timing.GetReady):
            return p(f"get_ready.{kind}")
        return p(CUE_KEYS[type(event)])


# Cues said while a hold or a move goes on: the screen's countdown runs through them.
INSIDE_CUES = (timing.SecondsLeft, timing.Halfway, timing.Count)
CUE_KEYS = {timing.Halfway: "halfway", timing.RestStart: "rest",
            timing.SwitchSides: "switch_sides"}


def _sounded(text: str) -> Beat:
    """`text` after the end-of-hold sound."""
    words = _words(text)
    return Beat(f"{sounds.audio(sounds.END_OF_HOLD)} {words.ssml}",
                sounds.SOUND_SECONDS + words.seconds)


def _words(text: str) -> Beat:
    return Beat(ssml.text(text), timing.speaking_seconds(text))


def _moving(events: list[timing.Event], start: int) -> int:
    """Seconds of the move whose first silence is events[start]: its silences, and the cues
    between them, up to the next event of another kind."""
    seconds = 0
    for event in events[start:]:
        if isinstance(event, timing.Silence):
            seconds += event.seconds
        elif not isinstance(event, timing.SecondsLeft):
            break
    return seconds


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
    """Each countdown starting in `beats`, timed from the first beat, lasting through the cues
    said inside it."""
    found, clock = [], 0.0
    for index, beat in enumerate(beats):
        if beat.countdown:
            label, seconds, hold = beat.countdown
            lasts = sum(inside.seconds for inside in itertools.takewhile(
                lambda later: later.inside, beats[index:]))
            found.append(Countdown(label, round(clock * 1000), seconds, hold,
                                   round(lasts * 1000)))
        clock += beat.seconds
    return tuple(found)
