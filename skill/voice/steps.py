"""A routine's steps as SSML: headers, instructions, and timed holds worded, at a person's pace.

A step too long for one response is split into parts. Where it splits is decided at the
slowest pace and the longest holds, so every pace splits it alike: the Coach can count a
place's parts without knowing the pace, and a pace changed mid-step never moves the parts.
"""

from __future__ import annotations

from functools import lru_cache

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


class StepSpeech:
    """Renders the steps of one catalog's routines; each place once, when first asked for."""

    def __init__(self, catalog: Catalog, phrases: Phrases):
        self.catalog = catalog
        self.phrases = phrases
        # Keyed by routine id: hashing a whole routine on every lookup would cost more.
        self._parts = lru_cache(maxsize=CACHED_PLACES)(self._render)
        self._bounds = lru_cache(maxsize=CACHED_PLACES)(self._bounds_at_slowest)

    def part_count(self, place: Place) -> int:
        return len(self._bounds(place.routine.id, place.step))

    def part(self, place: Place, pace: timing.Pace) -> str:
        """The SSML of `place` (one part of one response's steps), at `pace`."""
        return self._parts(place.routine.id, place.step, pace)[place.part]

    def _render(self, routine_id: str, step: int, pace: timing.Pace) -> tuple[str, ...]:
        fragments = self._fragments(Place(self.catalog.get(routine_id), step), pace)
        return tuple(" ".join(fragments[start:stop])
                     for start, stop in self._bounds(routine_id, step))

    def _bounds_at_slowest(self, routine_id: str, step: int) -> tuple[tuple[int, int], ...]:
        """Where the parts start and stop, as fragment indexes, packed as few as fit."""
        fragments = self._fragments(Place(self.catalog.get(routine_id), step), timing.SLOWEST)
        bounds: list[tuple[int, int]] = []
        start, size = 0, 0
        for index, fragment in enumerate(fragments):
            if index > start and size + 1 + len(fragment) > PART_BUDGET:
                bounds.append((start, index))
                start, size = index, 0
            size += 1 + len(fragment)
        bounds.append((start, len(fragments)))
        return tuple(bounds)

    def _fragments(self, place: Place, pace: timing.Pace) -> list[str]:
        fragments = []
        routine = place.routine
        header = "step_header.checklist" if routine.kind == Kind.CHECKLIST else "step_header.step"
        for index in place.steps:
            step = routine.steps[index]
            if len(routine.steps) > 1:
                fragments.append(ssml.text(self.phrases(header, number=index + 1,
                                                        total=len(routine.steps))))
            fragments.append(ssml.text(step.say))
            fragments.extend(self._timed(routine.kind, step, pace))
        return fragments

    def _timed(self, kind: Kind, step: Step, pace: timing.Pace) -> list[str]:
        return [
            ssml.silence(event.seconds) if isinstance(event, timing.Silence)
            else ssml.text(self.cue(kind, event))
            for event in timing.step_events(step, pace)
        ]

    def cue(self, kind: Kind, event: timing.Event) -> str:
        """What is said for a timed event: "Hold.", "Round 2 of 3.", "Switch sides."."""
        p = self.phrases
        if isinstance(event, timing.HoldStart):
            return p(f"hold.{kind}")
        if isinstance(event, timing.Release):
            return p(f"release.{kind}")
        if isinstance(event, timing.Countdown):
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
