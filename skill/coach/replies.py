"""What the Coach hands on: lines to say, the question, the next state, what to remember."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..content.routines import Concern, Routine
from .bedtime import Bedtime
from .progress import Progress
from .state import Place, Question, State


@dataclass(frozen=True)
class History:
    """What the skill remembers of a person, as far as the conversation needs it."""

    known: bool = False  # they have heard the safety note before
    saved: Place | None = None  # an unfinished routine, recent enough to offer


class Effect(enum.Enum):
    """Something the Alexa layer must remember (or forget) because of a reply."""

    MET = "met"  # the person has heard the safety note
    FINISHED = "finished"  # the routine at the reply's place was completed just now
    # The routine at the reply's place is completed once its holds are heard out (Said).
    FINISHING = "finishing"
    # The person moved to the reply's place (rather than hearing it again): it is where to
    # start again, until its holds are heard out.
    ARRIVED = "arrived"
    FORGET_PLACE = "forget_place"  # the person declined to pick up their unfinished routine
    FORGET_PERSON = "forget_person"  # delete everything stored for the person
    PACE = "pace"  # the person changed how they like to be coached: the reply's state has it
    ASK_PERMISSION = "ask_permission"  # ask Alexa for the reminders permission, by voice
    PERMISSION_CARD = "permission_card"  # send the Alexa app a card to allow reminders
    REMINDER_OFFERED = "reminder_offered"  # the bedtime reminder was offered: never again


@dataclass(frozen=True)
class Line:
    """One thing to say: a phrase key, with what it is about, if anything."""

    key: str
    routine: Routine | None = None
    place: Place | None = None
    heard: str = ""
    progress: Progress | None = None
    concern: Concern | None = None
    routines: tuple[Routine, ...] = ()  # more routines to mention, as for a concern
    time: Bedtime | None = None  # a reminder's time of day
    action: str = ""  # what was done to a reminder, or failed to be: set, check, cancel
    hold: int | None = None  # the hold in progress in the place's step (every side of every
    # round counted from 0), if the person is mid-step; None once its holds are heard out


def about(key: str, place: Place) -> Line:
    return Line(key, place.routine, place)


@dataclass(frozen=True)
class Reply:
    """What to say, what to ask (None ends the session), the state that follows, and effects."""

    lines: tuple[Line, ...]
    ask: Question | None
    state: State
    effects: frozenset[Effect] = frozenset()

    def says(self, key: str) -> bool:
        return any(line.key == key for line in self.lines)
