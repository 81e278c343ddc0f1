"""Replies into SSML: every phrase the skill says, and the steps at the person's pace."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import lru_cache

from ..coach.bedtime import Bedtime
from ..coach.progress import Progress
from ..coach.replies import Line, Reply
from ..coach.state import Place, Question, State
from ..content import timing
from ..content.catalog import Catalog
from ..content.fields import DEFAULT_TRANSITIONS
from ..content.routines import Kind, Routine, Step
from . import ssml
from .phrases import Phrases, mid_sentence, spoken_list
from .steps import CACHED_PLACES, StepSpeech
from .variety import Variety

# How often something happened, in words where English has one.
TIMES = {1: "once", 2: "twice"}
# Settings are described by the moves of a stretch, the commonest kind.
DESCRIBED_KIND = Kind.STRETCH
FIRST_WORDINGS = Variety()
# The wording of Question.NEXT after a hands-free run (phrases.yaml ask.onward).
ONWARD = "onward"


class Speech:
    """Renders replies for one catalog."""

    def __init__(self, catalog: Catalog, phrases: Phrases | None = None):
        self.catalog = catalog
        self.phrases = phrases or Phrases.load()
        self.steps = StepSpeech(catalog, self.phrases)
        # Stretches first, then massage, then tips: the order someone in pain wants them.
        ordered = sorted(catalog, key=lambda routine: list(Kind).index(routine.kind))
        self._menus = {"menu": tuple(ssml.text(self._menu_short(ordered, pick))
                                     for pick in range(self.phrases.wordings("menu"))),
                       "menu_full": (ssml.text(self._menu_full(ordered)),)}
        example = mid_sentence(ordered[0].name) if ordered else ""
        lengths = sorted(timing.routine_seconds(routine) for routine in catalog) or [0]
        self._general_params = {"example": example, "shortest": self._minutes(lengths[0]),
                                "longest": self._minutes(lengths[-1]),
                                "note": self.phrases("note")}
        self._place_params = lru_cache(maxsize=CACHED_PLACES)(self._routine_params)
        self._intros = lru_cache(maxsize=CACHED_PLACES)(self._intro)
        self._questions = lru_cache(maxsize=CACHED_PLACES)(self._question)

    def part_count(self, place: Place) -> int:
        return self.steps.part_count(place)

    def render(self, reply: Reply, seed: str = "") -> tuple[str, str | None]:
        """The SSML to speak and, if the session stays open, the reprompt's SSML; wordings
        picked for the reply's turn in the session `seed` names (variety.py)."""
        pace = reply.state.pace
        variety = Variety(seed, reply.state.turn)
        speech = ssml.join(*(self._line(line, pace, variety) for line in reply.lines))
        if reply.ask is None:
            return ssml.speak(speech), None
        subject = _subject(reply.state)
        # Hands-free, going on after a run of steps is asked as briefly as can be.
        asked = ONWARD if reply.state.hands_free and reply.ask is Question.NEXT else reply.ask
        key = f"ask.{asked}"
        pick = variety.pick(key, self.phrases.wordings(key))
        question, reprompt = self._questions(asked, subject.id if subject else None, pace,
                                             pick)
        return ssml.speak(ssml.join(speech, question)), reprompt

    def _question(self, asked: str, routine_id: str | None, pace: timing.Pace,
                  pick: int) -> tuple[str, str]:
        """The question's SSML and the whole reprompt's, about a routine (worked out once)."""
        routine = self.catalog.get(routine_id) if routine_id else None
        params = self._params(Place(routine) if routine else None, pace)
        question = self.phrases(f"ask.{asked}", pick, **params)
        choices = self.phrases(f"choices.{asked}", **params)
        return ssml.text(question), ssml.speak(ssml.text(f"{choices} {question}"))

    def line(self, line: Line, pace: timing.Pace, variety: Variety = FIRST_WORDINGS) -> str:
        """The SSML of one line (inside <speak>), at `pace`."""
        return self._line(line, pace, variety)

    def seconds_before_step(self, reply: Reply, seed: str = "") -> float:
        """About how long `reply` speaks before its step (worded for its turn in the session
        `seed` names): words estimated, silences exact."""
        step = next((index for index, line in enumerate(reply.lines) if line.key == "step"),
                    len(reply.lines))
        variety = Variety(seed, reply.state.turn)
        pieces = ssml.heard(ssml.speak(ssml.join(
            *(self._line(line, reply.state.pace, variety) for line in reply.lines[:step]))))
        return sum(piece if isinstance(piece, float) else timing.speaking_seconds(piece)
                   for piece in pieces)

    def position(self, place: Place) -> str:
        """Where `place` is: "step 2 of 4", "tips 4 to 6 of 12"."""
        return self._position(place)

    # Lines.

    def _line(self, line: Line, pace: timing.Pace, variety: Variety) -> str:
        if line.key == "step":
            return self.steps.part(line.place, pace)
        if line.key in self._menus:
            wordings = self._menus[line.key]
            return wordings[variety.pick(line.key, len(wordings))]
        if line.key == "waiting":
            return ssml.silence(timing.WAIT_SECONDS)
        if line.key == "intro":
            return self._intros(line.routine.id, pace)
        if line.key == "progress":
            return ssml.text(self._progress(line.progress))
        if line.key == "streak":
            return ssml.text(self._streak(line.progress))
        if line.key == "which_side":
            return ssml.text(self._which_side(line.place, line.hold))
        if line.key == "how_many_more":
            return ssml.text(self._how_many_more(line.place, line.hold))
        if line.key == "settings":
            return ssml.text(self._settings(pace))
        params = self._params(line.place or (Place(line.routine) if line.routine else None),
                              pace)
        if line.progress:
            params = {**params, "days": str(line.progress.streak)}
        if line.concern:
            params = {**params, "concern": line.concern.name,
                      "others": spoken_list([mid_sentence(r.name) for r in line.routines], "or")}
            if line.routines:
                params["also"] = self.phrases("suggest_also", **params)
        if line.time:
            params = {**params, "time": self.clock(line.time)}
        if line.action:
            params = {**params, "action": self.phrases(f"reminder_actions.{line.action}")}
        pick = variety.pick(line.key, self.phrases.wordings(line.key))
        return ssml.text(self.phrases(line.key, pick, heard=ssml.spoken_back(line.heard),
                                      **{"also": "", **params}))

    def _params(self, place: Place | None, pace: timing.Pace) -> dict[str, str]:
        if place is None:
            return self._general_params
        return self._place_params(place.routine.id, place.step, place.from_hold, pace)

    def _routine_params(self, routine_id: str, step: int, from_hold: int,
                        pace: timing.Pace) -> dict[str, str]:
        """Everything a phrase may say about a place in a routine (worked out once)."""
        routine = self.catalog.get(routine_id)
        unit = "tip" if routine.kind == Kind.CHECKLIST else "step"
        return {
            **self._general_params,
            "name": mid_sentence(routine.name), "Name": routine.name, "summary": routine.summary,
            "position": self._position(Place(routine, step, from_hold=from_hold)),
            "count": self.phrases.count(len(routine.steps), unit),
            "duration": self._minutes(timing.routine_seconds(routine, 0, pace)),
            "remaining": self._minutes(timing.routine_seconds(routine, step, pace)),
            "timer": self._timer(routine, pace),
        }

    def _timer(self, routine: Routine, pace: timing.Pace) -> str:
        """How long the coach times a hold the article gives a range for: "half a minute"."""
        ranged = _ranged(routine)
        return self._span(pace.hold_seconds(ranged)) if ranged else ""

    def _span(self, seconds: int) -> str:
        """Seconds as said: "half a minute", "a minute", "45 seconds"."""
        spans = self.phrases.table("spans")
        return spans.get(seconds) or self.phrases.count(seconds, "second")

    def _menu_short(self, ordered: list[Routine], pick: int) -> str:
        """The routines summed up by kind: "3 stretches, a massage and 5 sets of tips"."""
        kinds = Counter(routine.kind for routine in ordered)
        summary = [self.phrases(f"kinds.{kind}.{'one' if count == 1 else 'many'}", count=count)
                   for kind, count in kinds.items()]
        return self.phrases("menu", pick, kinds=spoken_list(summary)) if summary else ""

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
        which = spoken_list([p("progress.routine", name=mid_sentence(routine.name),
                               times=p(f"progress.times.{TIMES.get(count, 'many')}",
                                       count=count))
                             for routine, count in progress.routines])
        week = p("progress.week", count=p.count(progress.finished, "routine"),
                 days=p.count(progress.days, "day"), which=which)
        if progress.streak < 2:
            return week
        return f"{week} {p('progress.streak', days=progress.streak)}"

    def _streak(self, progress: Progress) -> str:
        """Days in a row now, and the best there has been."""
        p = self.phrases
        best = p.count(progress.best, "day")
        if progress.streak >= 2:
            if progress.streak >= progress.best:
                return p("streak.best_yet", days=progress.streak)
            return p("streak.current", days=progress.streak, best=best)
        now = p("streak.one" if progress.streak else "streak.none")
        return f"{now} {p('streak.best_was', best=best)}" if progress.best > 1 else now

    def _which_side(self, place: Place, hold: int | None) -> str:
        """The side of the hold in progress, with its own instruction if it has one."""
        p, step = self.phrases, place.routine.steps[place.step]
        if not step.sides:
            return p("which_side.none")
        if hold is None:
            return p("which_side.done")
        number, side = divmod(hold, len(step.sides))
        name = step.sides[side]
        now = p("which_side.now", side=name, round=number + 1, rounds=step.reps) \
            if step.reps > 1 else p("which_side.now_once", side=name)
        said = step.said_for(name)
        return f"{now} {said}" if said else now

    def _how_many_more(self, place: Place, hold: int | None) -> str:
        """Rounds left in the step in progress, if it has rounds, then steps (or tips) left."""
        p, routine = self.phrases, place.routine
        left = len(routine.steps) - place.steps.stop
        if routine.kind == Kind.CHECKLIST:
            return p("how_many_more.tips", left=p.count(left, "tip")) if left \
                else p("how_many_more.last_tips")
        step = routine.steps[place.step]
        parts = []
        if hold is not None and step.timed and step.reps > 1:
            number = hold // max(1, len(step.sides)) + 1
            parts.append(p("how_many_more.rounds", round=number, rounds=step.reps,
                           left=p.count(step.reps - number, "round"))
                         if number < step.reps else p("how_many_more.last_round"))
        parts.append(p("how_many_more.steps", left=p.count(left, "step")) if left
                     else p("how_many_more.last_step"))
        return " ".join(parts)

    def _settings(self, pace: timing.Pace) -> str:
        """The person's pace, in seconds they will hear, and where ranged holds sit."""
        moves = DEFAULT_TRANSITIONS[DESCRIBED_KIND]
        p = self.phrases
        return p("settings", pace=p(f"paces.{pace.speed}"),
                 get_ready=p.count(pace.transition(moves["get_ready"]), "second"),
                 switch=p.count(pace.transition(moves["switch"]), "second"),
                 holds=p(f"hold_lengths.{pace.hold}"))

    def clock(self, time: Bedtime) -> str:
        """A time of day as said: "9 p.m.", "6:30 a.m.", "midnight"."""
        if time.minute == 0 and time.hour in (0, 12):
            return self.phrases("clock.midnight" if time.hour == 0 else "clock.noon")
        minutes = f":{time.minute:02d}" if time.minute else ""
        return self.phrases("clock.pm" if time.hour >= 12 else "clock.am",
                            hour=time.hour % 12 or 12, minutes=minutes)

    def _minutes(self, seconds: float) -> str:
        if seconds < 60:
            return self.phrases("minutes.under")
        if seconds < 90:
            return self.phrases("minutes.one")
        return self.phrases("minutes.many", minutes=round(seconds / 60))

    def _position(self, place: Place) -> str:
        number, total = place.number, len(place.routine.steps)
        if place.from_hold:
            return self._hold_position(place)
        if place.routine.kind != Kind.CHECKLIST:
            return self.phrases("position.step", number=number, total=total)
        last = place.steps.stop
        key = "position.checklist" if last > number else "position.checklist_single"
        return self.phrases(key, number=number, last=last, total=total)

    def _hold_position(self, place: Place) -> str:
        """A hold within a step: "round 2, left side", and which step where it could be
        another."""
        routine, step = place.routine, place.routine.steps[place.step]
        done_rounds, side = divmod(place.from_hold, timing.holds_a_round(step))
        key = ("round_side" if step.sides else "round") if step.reps > 1 else "side"
        hold = self.phrases(f"position.{key}", round=done_rounds + 1,
                            side=step.sides[side] if step.sides else "")
        if sum(timing.hold_count(other) > 1 for other in routine.steps) < 2:
            return hold
        return self.phrases("position.in_step", hold=hold, number=place.number,
                            total=len(routine.steps))

    def _intro(self, routine_id: str, pace: timing.Pace) -> str:
        routine = self.catalog.get(routine_id)
        parts = [self.phrases("intro", Name=routine.name, summary=routine.summary),
                 self._plan(routine, pace)]
        if routine.safety:
            parts.append(routine.safety)
        return ssml.text(" ".join(parts))

    def _plan(self, routine: Routine, pace: timing.Pace) -> str:
        """How the routine is timed: rounds and hold lengths, or how many tips."""
        p, timed = self.phrases, routine.timed_steps
        ranged = _ranged(routine)
        if ranged:
            count = p.count(sum(timing.hold_count(step) for step in timed), "hold")
            return p("plan.ranged", count=count, shortest=self._span(ranged.hold),
                     longest=self._span(ranged.hold_up_to), timer=self._timer(routine, pace))
        if routine.kind == Kind.CHECKLIST:
            return p("plan.checklist", count=p.count(len(routine.steps), "tip"))
        if not timed:
            return p("plan.untimed", count=p.count(len(routine.steps), "step"))
        holds = sorted({pace.hold_seconds(step) for step in timed})
        if len(timed) == 1:
            step = timed[0]
            each_side = p("plan.each_side") if step.sides else ""
            return p("plan.single", rounds=p.count(step.reps, "round"),
                     hold=p.count(holds[0], "second"), each_side=each_side)
        count = p.count(sum(timing.hold_count(step) for step in timed), "hold")
        if len(holds) == 1:
            return p("plan.same", count=count, hold=p.count(holds[0], "second"))
        return p("plan.mixed", count=count, shortest=p.count(holds[0], "second"),
                 longest=p.count(holds[-1], "second"))


def _ranged(routine: Routine) -> Step | None:
    """The routine's first hold given as a range (half a minute to a minute), if any."""
    return next((step for step in routine.timed_steps if step.hold_up_to), None)


def _subject(state: State) -> Routine | None:
    """The routine a question is about: the one suggested, in progress, or offered."""
    if state.asked is Question.SUGGEST and state.suggestion:
        return state.suggestion.routine
    if state.place:
        return state.place.routine
    return state.offer.routine if state.offer else None
