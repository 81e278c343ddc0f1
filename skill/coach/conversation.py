"""The conversation as a state machine: each event takes a State to a Reply.

Replies say *what* to say (phrase keys and places in routines); speech.py decides the words.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.catalog import Catalog
from ..content.routines import Routine
from .state import PartCount, Place, Question, State


@dataclass(frozen=True)
class Line:
    """One thing to say: a phrase key, with the routine and place it is about, if any."""

    key: str
    routine: Routine | None = None
    turn: int = 0
    part: int = 0
    heard: str = ""


@dataclass(frozen=True)
class Reply:
    """What to say, what to ask (None ends the session), and the state that follows."""

    lines: tuple[Line, ...]
    ask: Question | None
    state: State


def _about(key: str, place: Place) -> Line:
    return Line(key, place.routine, place.turn, place.part)


class Coach:
    """Decides what the skill says next. Pure: no I/O, no wording."""

    def __init__(self, catalog: Catalog, part_count: PartCount):
        self.catalog = catalog
        self.part_count = part_count

    # Starting points.

    def launch(self, state: State) -> Reply:
        return self._menu(State(), Line("welcome"), Line("safety_note"))

    def list_routines(self, state: State) -> Reply:
        if state.place:
            return self._menu(state, tail=(_about("menu_resume", state.place),))
        return self._menu(state)

    def start(self, state: State, routine: Routine | None, heard: str = "") -> Reply:
        if routine is None:
            lead = Line("unknown_routine", heard=heard) if heard else Line("need_routine")
            return self._menu(state, lead)
        place = Place(routine)
        return self._speak(place, Line("intro", routine))

    def home(self, state: State) -> Reply:
        return self._menu(State(), Line("home"))

    def how_long(self, state: State, routine: Routine | None = None) -> Reply:
        """About `routine` if named, else what is left of the current one, else the range."""
        if routine:
            line = Line("duration", routine)
        elif state.place:
            line = _about("remaining", state.place)
        else:
            line = Line("durations")
        return self._keep_place(state, line) if state.place else self._menu(state, line)

    def hurts(self, state: State) -> Reply:
        """Stop, give the safety advice, and offer cramp relief unless that is what hurt."""
        relief = self._relief()
        if relief is None or (state.place and state.place.routine == relief):
            return Reply((Line("pain_advice"), Line("goodbye")), None, State())
        return Reply((Line("pain_advice"), Line("offer_relief", relief)), Question.RELIEF,
                     State(asked=Question.RELIEF))

    # Moving through a routine.

    def next(self, state: State) -> Reply:
        if not state.place:
            return self._no_routine(state)
        place = state.place
        if place.part + 1 < self.part_count(place.routine, place.turn):
            return self._speak(Place(place.routine, place.turn, place.part + 1))
        if place.turn + 1 < place.routine.turn_count:
            return self._speak(Place(place.routine, place.turn + 1))
        return Reply((_about("finished", place),), Question.ANOTHER,
                     State(place, Question.ANOTHER))

    def previous(self, state: State) -> Reply:
        if not state.place:
            return self._no_routine(state)
        place = state.place
        if place.part > 0:
            return self._speak(Place(place.routine, place.turn, place.part - 1))
        if place.turn > 0:
            return self._speak(Place(place.routine, place.turn - 1))
        return self._speak(place, Line("first_step"))

    def repeat(self, state: State) -> Reply:
        if not state.place:
            return self._menu(state) if state.asked == Question.CHOOSE else self._no_routine(state)
        return self._speak(state.place)

    def go_to(self, state: State, number: int | None) -> Reply:
        if not state.place:
            return self._no_routine(state)
        routine = state.place.routine
        if number is None or not 1 <= number <= len(routine.steps):
            key = "no_such_step" if number is not None else "which_step"
            return self._keep_place(state, Line(key, routine, state.place.turn, heard=str(number)))
        return self._speak(Place(routine, routine.turn_of_step(number)))

    def start_over(self, state: State) -> Reply:
        if not state.place:
            return self._no_routine(state)
        return self.start(state, state.place.routine)

    def pause(self, state: State) -> Reply:
        if not state.place:
            return self._no_routine(state)
        return Reply((_about("paused", state.place),), Question.RESUME,
                     State(state.place, Question.RESUME))

    def resume(self, state: State) -> Reply:
        if not state.place:
            return self._no_routine(state)
        return self._speak(state.place, _about("resuming", state.place))

    # Answers and help.

    def yes(self, state: State) -> Reply:
        if state.asked in (Question.NEXT, Question.CONTINUE):
            return self.next(state)
        if state.asked == Question.RESUME:
            return self.resume(state)
        if state.asked == Question.ANOTHER:
            return self._menu(State())
        if state.asked == Question.RELIEF and self._relief():
            return self.start(State(), self._relief())
        return self._menu(state) if state.asked == Question.CHOOSE else self.fallback(state)

    def no(self, state: State) -> Reply:
        if state.asked in (Question.NEXT, Question.CONTINUE, Question.RESUME):
            return Reply((Line("no_rush"),), state.asked, state)
        if state.asked in (Question.CHOOSE, Question.ANOTHER, Question.RELIEF):
            return self.stop(state)
        return self.fallback(state)

    def help(self, state: State) -> Reply:
        if not state.place:
            return Reply((Line("help_menu"),), Question.CHOOSE, State(asked=Question.CHOOSE))
        return self._keep_place(state, _about("help_routine", state.place))

    def fallback(self, state: State) -> Reply:
        help_reply = self.help(state)
        return Reply((Line("not_understood"), *help_reply.lines), help_reply.ask, help_reply.state)

    def stop(self, state: State) -> Reply:
        return Reply((Line("goodbye"),), None, State())

    def apologise(self, state: State) -> Reply:
        return Reply((Line("apology"),), Question.ANYTHING, State(state.place, Question.ANYTHING))

    # Shared shapes of reply.

    def _speak(self, place: Place, *lead: Line) -> Reply:
        """Speak `place`; at the end of the routine, close it and offer another."""
        lines = (*lead, _about("step", place))
        last_part = place.part + 1 == self.part_count(place.routine, place.turn)
        if last_part and place.turn + 1 == place.routine.turn_count:
            ask = Question.ANOTHER
            lines += (_about("close", place),)
        else:
            ask = Question.NEXT if last_part else Question.CONTINUE
        return Reply(lines, ask, State(place, ask))

    def _menu(self, state: State, *lead: Line, tail: tuple[Line, ...] = ()) -> Reply:
        return Reply((*lead, Line("menu"), *tail), Question.CHOOSE,
                     State(state.place, Question.CHOOSE))

    def _relief(self) -> Routine | None:
        """The routine offered to someone with a cramp, if the content has one."""
        return next((routine for routine in self.catalog if routine.for_cramps), None)

    def _no_routine(self, state: State) -> Reply:
        return self._menu(state, Line("no_routine_yet"))

    @staticmethod
    def _keep_place(state: State, *lines: Line) -> Reply:
        """Say `lines` and re-ask the question still open, so the place and its question stay."""
        pending = state.asked
        if pending in (None, Question.ANYTHING, Question.CHOOSE, Question.RELIEF):
            pending = Question.NEXT
        return Reply(lines, pending, State(state.place, pending))
