"""Replies as views: what a screen shows for the very reply the voice speaks.

A step shows its routine, position, text and countdowns (timed by the voice's own timeline,
offset by what is said before the step); the menu its routines as touch targets; the end of a
routine the week's progress; anything else the words spoken, with buttons for its question.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from functools import lru_cache

from ..alexa import intents
from ..coach.progress import Progress
from ..coach.replies import Line, Reply
from ..coach.state import Place, Question
from ..content import timing
from ..content.catalog import Catalog
from ..content.routines import Kind, Routine
from ..voice import ssml
from ..voice.speech import Speech
from ..voice.steps import CACHED_PLACES
from .views import Choice, CompletionView, Countdown, MenuView, MessageView, StepView, View

MENU_LINES = ("menu", "menu_full")
# The buttons a question gets: each a spoken answer, labelled as screen.buttons says.
ANSWERS = {
    Question.ANOTHER: (("another", intents.YES), ("all", intents.LIST_ROUTINES)),
    Question.RESUME: (("resume", intents.RESUME), ("something_else", intents.NO)),
    Question.SUGGEST: (("yes", intents.YES), ("no", intents.NO)),
    Question.RELIEF: (("yes", intents.YES), ("no", intents.NO)),
    Question.FORGET: (("yes", intents.YES), ("no", intents.NO)),
    Question.REMINDER_OFFER: (("yes", intents.YES), ("no", intents.NO)),
    Question.NEXT: (("next", intents.NEXT), ("repeat", intents.REPEAT)),
    Question.CONTINUE: (("next", intents.NEXT), ("repeat", intents.REPEAT)),
    Question.EASE: (("skip", intents.NEXT), ("stop", intents.STOP)),
}
PAUSE_BUTTON = ("pause", intents.PAUSE)
STEP_BUTTONS = (("previous", intents.PREVIOUS), ("repeat", intents.REPEAT), PAUSE_BUTTON,
                ("next", intents.NEXT))
# The questions that end a routine: another routine, or (once) a reminder to stretch at bedtime.
ROUTINE_OVER = (Question.ANOTHER, Question.REMINDER_OFFER)
# Every intent a button may stand for: the answers and step buttons, and the menu's routines.
BUTTON_INTENTS = frozenset({intents.START_ROUTINE, *(
    intent for _, intent in itertools.chain(STEP_BUTTONS, *ANSWERS.values()))})


class Screens:
    def __init__(self, catalog: Catalog, speech: Speech):
        self.catalog = catalog
        self.speech = speech
        self.phrases = speech.phrases
        self._cards = lru_cache(maxsize=CACHED_PLACES)(self._card)
        self._menu_view = self._menu()  # the same for everyone, every time

    def view(self, reply: Reply, progress: Callable[[], Progress] | None = None,
             seed: str = "") -> View:
        """What a screen shows for `reply` (worded as the voice words it for the session
        `seed` names); `progress` is asked only at a routine's end."""
        step = next((line for line in reply.lines if line.key == "step"), None)
        if step is not None:
            return self._step(reply, step, progress, seed)
        if any(line.key in MENU_LINES for line in reply.lines):
            return self._menu_view
        if reply.ask in ROUTINE_OVER and reply.state.place:  # the routine is over
            return self._completion(reply.state.place.routine, progress, reply.ask)
        title_key = "welcome_back" if reply.says("welcome_back") else "title"
        return MessageView(self.phrases(f"screen.titles.{title_key}"), self._words(reply, seed),
                           self._buttons(ANSWERS.get(reply.ask, ())))

    def card(self, reply: Reply) -> tuple[str, str] | None:
        """A card's title and text for the Alexa app, for a reply that speaks a step."""
        step = next((line for line in reply.lines if line.key == "step"), None)
        return self._cards(step.place.routine.id, step.place.step) if step else None

    def _card(self, routine_id: str, step: int) -> tuple[str, str]:
        place = Place(self.catalog.get(routine_id), step)
        return (f"{place.routine.name}: {self._position(place)}", "\n".join(self._texts(place)))

    def _step(self, reply: Reply, line: Line, progress: Callable[[], Progress] | None,
              seed: str) -> View:
        place = line.place
        routine = place.routine
        countdowns = self._countdowns(reply, line, seed)
        final = reply.ask in ROUTINE_OVER
        if final and not countdowns:
            return self._completion(routine, progress, reply.ask)
        done = self._finished(routine, progress) if final else ""
        buttons = STEP_BUTTONS
        if final:  # a timed step can still be paused; then the end's own answers
            buttons = (PAUSE_BUTTON, *ANSWERS[reply.ask]) if countdowns else ANSWERS[reply.ask]
        through, marks = self._through(place, countdowns)
        return StepView(
            routine=routine.name, position=self._position(place),
            texts=self._texts(place), progress=through, countdowns=countdowns,
            buttons=self._buttons(buttons), done=done or self._release(routine.kind),
            marks=marks)

    def _texts(self, place: Place) -> tuple[str, ...]:
        """The instructions of the steps at `place`, each side's own after its step's."""
        return tuple(text for index in place.steps for text in (
            place.routine.steps[index].say,
            *(self.phrases("screen.side_text", Side=side.capitalize(), say=say)
              for side, say in place.routine.steps[index].side_say)))

    def _countdowns(self, reply: Reply, line: Line, seed: str) -> tuple[Countdown, ...]:
        """The step's countdowns, moved on by what the reply says before the step."""
        before = self.speech.seconds_before_step(reply, seed)
        return tuple(dataclasses.replace(c, start_ms=c.start_ms + round(before * 1000))
                     for c in self.speech.steps.timeline(line.place, reply.state.pace))

    def _menu(self) -> MenuView:
        ordered = sorted(self.catalog, key=lambda routine: list(Kind).index(routine.kind))
        groups = tuple(
            (self.phrases(f"kinds.{kind}.heading"),
             tuple(Choice(routine.name, intents.START_ROUTINE, routine.id) for routine in group))
            for kind, group in itertools.groupby(ordered, key=lambda routine: routine.kind))
        return MenuView(self.phrases("screen.titles.title"), self.phrases("screen.menu_hint"),
                        groups)

    def _completion(self, routine: Routine, progress: Callable[[], Progress] | None,
                    ask: Question = Question.ANOTHER) -> CompletionView:
        week, streak = self._week(progress() if progress else None)
        return CompletionView(routine.name, self.phrases("screen.all_done", Name=routine.name),
                              week, streak, self._buttons(ANSWERS[ask]))

    def _finished(self, routine: Routine, progress: Callable[[], Progress] | None) -> str:
        """What a step screen shows once the routine's last countdown is over."""
        week, streak = self._week(progress() if progress else None)
        parts = [self.phrases("screen.all_done", Name=routine.name), week, streak]
        return self.phrases("screen.separator").join(part for part in parts if part)

    def _week(self, progress: Progress | None) -> tuple[str, str]:
        if progress is None or not progress.finished:
            return "", ""
        p = self.phrases
        week = p("screen.week", count=p.count(progress.finished, "routine"),
                 days=p.count(progress.days, "day"))
        streak = p("screen.streak", days=progress.streak) if progress.streak > 1 else ""
        return week, streak

    def _buttons(self, answers: tuple[tuple[str, str], ...]) -> tuple[Choice, ...]:
        return tuple(Choice(self.phrases(f"screen.buttons.{key}"), intent)
                     for key, intent in answers)

    def _position(self, place: Place) -> str:
        text = self.speech.position(place)
        return text[:1].upper() + text[1:]

    def _release(self, kind: Kind) -> str:
        return self.phrases(f"release.{kind}").rstrip(".")

    def _through(self, place: Place, countdowns: tuple[Countdown, ...]
                 ) -> tuple[float, tuple[tuple[int, float], ...]]:
        """How far through the routine the person is as `place` starts, counted in holds done
        (in steps done, for a routine without holds), and once each of its holds ends."""
        routine = place.routine
        total = sum(timing.hold_count(step) for step in routine.steps)
        if not total:
            return round(place.step / len(routine.steps), 3), ()
        done = sum(timing.hold_count(step) for step in routine.steps[:place.step]) \
            + place.from_hold + sum(
                1 for part in range(place.part) for countdown in self.speech.steps.timeline(
                    dataclasses.replace(place, part=part), timing.Pace()) if countdown.hold)
        ends = [countdown.end_ms for countdown in countdowns if countdown.hold]
        return round(done / total, 3), tuple(
            (end, round((done + number) / total, 3)) for number, end in enumerate(ends, 1))

    def _words(self, reply: Reply, seed: str) -> str:
        """What the reply says, as text, silences left out: the screen's copy of the voice."""
        spoken, _ = self.speech.render(reply, seed)
        return " ".join(piece for piece in ssml.heard(spoken) if isinstance(piece, str))
