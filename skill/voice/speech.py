"""Replies into SSML: the routine steps, timed holds and every other phrase the skill says."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..coach.progress import Progress
from ..coach.replies import Line, Reply
from ..coach.state import Place
from ..content import timing
from ..content.catalog import Catalog
from ..content.routines import Kind, Routine, Step
from . import ssml

PHRASES_FILE = Path(__file__).with_name("phrases.yaml")
# Room left in a response for what surrounds a step (introduction, close, question); a step
# whose SSML needs more than the rest is split across responses.
SURROUNDINGS_BUDGET = 2000
PART_BUDGET = ssml.MAX_SSML_CHARS - ssml.SPEAK_TAGS - SURROUNDINGS_BUDGET
# How often something happened, in words where English has one.
TIMES = {1: "once", 2: "twice"}
# A week's summary names the routines done most; the rest are counted.
NAMED_ROUTINES = 3


class Phrases:
    """The skill's wording, from phrases.yaml, looked up by dotted key."""

    def __init__(self, data: dict[str, Any]):
        self._data = data

    @classmethod
    @cache
    def load(cls, path: Path = PHRASES_FILE) -> Phrases:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def __call__(self, key: str, **params: Any) -> str:
        template: Any = self._data
        for part in key.split("."):
            template = template[part]
        return template.format(**params)

    def count(self, number: int, unit: str) -> str:
        """ "1 round", "2 rounds"."""
        singular, plural = self._data["units"][unit]
        return f"{number} {singular if number == 1 else plural}"


def mid_sentence(name: str) -> str:
    return name[:1].lower() + name[1:]


def spoken_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class Speech:
    """Renders replies for one catalog; every step's SSML is built once, up front."""

    def __init__(self, catalog: Catalog, phrases: Phrases | None = None):
        self.catalog = catalog
        self.phrases = phrases or Phrases.load()
        # Stretches first, then massage, then tips: the order someone in pain wants them.
        ordered = sorted(catalog, key=lambda routine: list(Kind).index(routine.kind))
        self._menus = {"menu": ssml.text(self._menu_short(ordered)),
                       "menu_full": ssml.text(self._menu_full(ordered))}
        example = mid_sentence(ordered[0].name) if ordered else ""
        lengths = sorted(timing.routine_seconds(routine) for routine in catalog) or [0]
        self._general_params = {"example": example, "shortest": self._minutes(lengths[0]),
                                "longest": self._minutes(lengths[-1])}
        self._place_params = {
            (routine.id, step): self._routine_params(routine, step)
            for routine in catalog for step in range(len(routine.steps))
        }
        self._intros = {routine.id: ssml.text(self._intro(routine)) for routine in catalog}
        self._parts = {
            (routine.id, step): self._split(self._turn_fragments(Place(routine, step)))
            for routine in catalog for step in range(len(routine.steps))
        }

    def part_count(self, place: Place) -> int:
        return len(self._parts[place.routine.id, place.step])

    def render(self, reply: Reply) -> tuple[str, str | None]:
        """The SSML to speak and, if the session stays open, the reprompt's SSML."""
        place = reply.state.place
        speech = ssml.join(*(self._line(line) for line in reply.lines))
        if reply.ask is None:
            return ssml.speak(speech), None
        params = self._params(place.routine if place else None)
        question = ssml.text(self.phrases(f"ask.{reply.ask}", **params))
        reprompt = ssml.text(self.phrases(f"reprompt.{reply.ask}", **params))
        return ssml.speak(ssml.join(speech, question)), ssml.speak(reprompt)

    # Lines.

    def _line(self, line: Line) -> str:
        if line.key == "step":
            return self._parts[line.routine.id, line.place.step][line.place.part]
        if line.key in self._menus:
            return self._menus[line.key]
        if line.key == "waiting":
            return ssml.silence(timing.WAIT_SECONDS)
        if line.key == "intro":
            return self._intros[line.routine.id]
        if line.key == "progress":
            return ssml.text(self._progress(line.progress))
        params = self._params(line.routine, line.place.step if line.place else 0)
        return ssml.text(self.phrases(line.key, heard=ssml.spoken_back(line.heard), **params))

    def _params(self, routine: Routine | None, step: int = 0) -> dict[str, str]:
        if routine:
            return self._place_params[routine.id, step]
        return self._general_params

    def _routine_params(self, routine: Routine, step: int) -> dict[str, str]:
        """Everything a phrase may say about a place in a routine (worked out once)."""
        unit = "tip" if routine.kind == Kind.CHECKLIST else "step"
        return {
            **self._general_params,
            "name": mid_sentence(routine.name), "Name": routine.name,
            "position": self._position(Place(routine, step)),
            "count": self.phrases.count(len(routine.steps), unit),
            "duration": self._minutes(timing.routine_seconds(routine)),
            "remaining": self._minutes(timing.routine_seconds(routine, step)),
        }

    def _menu_short(self, ordered: list[Routine]) -> str:
        """The routines summed up by kind: "3 stretches, a massage and 5 sets of tips"."""
        kinds = Counter(routine.kind for routine in ordered)
        summary = [self.phrases(f"kinds.{kind}.{'one' if count == 1 else 'many'}", count=count)
                   for kind, count in kinds.items()]
        return self.phrases("menu", kinds=spoken_list(summary)) if summary else ""

    def _menu_full(self, ordered: list[Routine]) -> str:
        """Every routine by name, grouped by kind."""
        groups = [self.phrases("menu_group", heading=self.phrases(f"kinds.{kind}.heading"),
                               names=spoken_list([mid_sentence(r.name) for r in group]))
                  for kind, group in itertools.groupby(ordered, key=lambda r: r.kind)]
        return " ".join(groups)

    def _progress(self, progress: Progress) -> str:
        """The week in a sentence or two: how many, on how many days, which, and the streak."""
        p = self.phrases
        if not progress.finished:
            return p("progress.none")
        named = [p("progress.routine", name=mid_sentence(routine.name),
                   times=p(f"progress.times.{TIMES.get(count, 'many')}", count=count))
                 for routine, count in progress.routines[:NAMED_ROUTINES]]
        others = len(progress.routines) - NAMED_ROUTINES
        if others > 0:
            named.append(p("progress.others", others=p.count(others, "other")))
        which = spoken_list(named)
        week = p("progress.week", count=p.count(progress.finished, "routine"),
                 days=p.count(progress.days, "day"), which=which)
        if progress.streak < 2:
            return week
        return f"{week} {p('progress.streak', days=progress.streak)}"

    def _minutes(self, seconds: float) -> str:
        if seconds < 60:
            return self.phrases("minutes.under")
        if seconds < 90:
            return self.phrases("minutes.one")
        return self.phrases("minutes.many", minutes=round(seconds / 60))

    def _position(self, place: Place) -> str:
        number, total = place.number, len(place.routine.steps)
        if place.routine.kind != Kind.CHECKLIST:
            return self.phrases("position.step", number=number, total=total)
        last = place.steps.stop
        key = "position.checklist" if last > number else "position.checklist_single"
        return self.phrases(key, number=number, last=last, total=total)

    def _intro(self, routine: Routine) -> str:
        parts = [self.phrases("intro", Name=routine.name, summary=routine.summary),
                 self._plan(routine)]
        if routine.safety:
            parts.append(routine.safety)
        return " ".join(parts)

    def _plan(self, routine: Routine) -> str:
        """How the routine is timed: rounds and hold lengths, or how many tips."""
        p, timed = self.phrases, routine.timed_steps
        if routine.kind == Kind.CHECKLIST:
            return p("plan.checklist", count=p.count(len(routine.steps), "tip"),
                     per_turn=routine.per_turn)
        if not timed:
            return p("plan.untimed", count=p.count(len(routine.steps), "step"))
        holds = sorted({step.hold for step in timed})
        if len(timed) == 1:
            step = timed[0]
            each_side = p("plan.each_side") if step.sides else ""
            return p("plan.single", rounds=p.count(step.reps, "round"),
                     hold=p.count(step.hold, "second"), each_side=each_side)
        count = p.count(sum(step.reps * max(1, len(step.sides)) for step in timed), "hold")
        if len(holds) == 1:
            return p("plan.same", count=count, hold=p.count(holds[0], "second"))
        return p("plan.mixed", count=count, shortest=p.count(holds[0], "second"),
                 longest=p.count(holds[-1], "second"))

    # Steps.

    def _turn_fragments(self, place: Place) -> list[str]:
        fragments = []
        routine = place.routine
        header = "step_header.checklist" if routine.kind == Kind.CHECKLIST else "step_header.step"
        for index in place.steps:
            step = routine.steps[index]
            if len(routine.steps) > 1:
                fragments.append(ssml.text(self.phrases(header, number=index + 1,
                                                        total=len(routine.steps))))
            fragments.append(ssml.text(step.say))
            fragments.extend(self._timed(routine.kind, step))
        return fragments

    def _timed(self, kind: Kind, step: Step) -> list[str]:
        p = self.phrases
        words = {
            timing.HoldStart: lambda e: p(f"hold.{kind}"),
            timing.Release: lambda e: p(f"release.{kind}"),
            timing.Halfway: lambda e: p("halfway"),
            timing.Countdown: lambda e: p("countdown", seconds=e.seconds),
            timing.RoundStart: lambda e: p("round", number=e.number, total=e.total),
            timing.SideStart: lambda e: p("side_first" if e.first else "side_next",
                                          Side=e.name.capitalize(), side=e.name),
            timing.RestStart: lambda e: p("rest"),
        }
        return [
            ssml.silence(event.seconds) if isinstance(event, timing.Silence)
            else ssml.text(words[type(event)](event))
            for event in timing.step_events(step)
        ]

    @staticmethod
    def _split(fragments: list[str]) -> tuple[str, ...]:
        """Pack fragments into as few parts as fit the response budget, in order."""
        parts: list[list[str]] = [[]]
        size = 0
        for fragment in fragments:
            if parts[-1] and size + 1 + len(fragment) > PART_BUDGET:
                parts.append([])
                size = 0
            parts[-1].append(fragment)
            size += 1 + len(fragment)
        return tuple(" ".join(part) for part in parts)

