"""Conversation state: where the person is, what was last asked, and its session encoding.

Session attributes come back from the client, so they are parsed here and anything stale or
tampered with becomes "no routine" rather than an error.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..content.catalog import Catalog
from ..content.routines import Concern, Routine
from ..content.timing import HOLD_LENGTHS, PACE_FACTORS, Pace, hold_count
from .bedtime import Bedtime

# Responses counted in a session before the count starts again from 0.
TURNS = 10_000

VERSION = 2
# The keys a session may carry and the JSON type of each; anything else is dropped unread.
ATTRIBUTE_TYPES: dict[str, type] = {
    "v": int, "asked": str, "routine": str, "step": int, "part": int,
    "offer": str, "offer_step": int, "concern": str, "choice": int, "pace": int, "hold": int,
    "misses": int, "from_hold": int, "offer_hold": int, "said": int, "finishing": str,
    "done": bool, "quick": bool, "at": str, "turn": int, "pick": str, "quiet": int, "to": int,
    "free": int,
}
MAX_ATTRIBUTE_TEXT = 100
# Numbers are small indexes, but for a moment in seconds since the epoch (year 2318 or before).
MAX_ATTRIBUTE_NUMBER = 10_000
ATTRIBUTE_NUMBERS = {"said": 11_000_000_000}
# Misses of one question counted: the first gets the question again, briefly; every later one
# also the two or three things the person can say.
MAX_MISSES = 2


class Question(enum.StrEnum):
    """What the last response asked, so "yes", "no" and reprompts know what they answer."""

    CHOOSE = "choose"
    NEXT = "next"
    CONTINUE = "continue"
    ANOTHER = "another"
    RESUME = "resume"
    RELIEF = "relief"
    FORGET = "forget"
    STEP = "step"
    SUGGEST = "suggest"
    ANYTHING = "anything"
    EASE = "ease"  # it hurts mid-massage: skip this point, or stop?
    REMINDER_OFFER = "reminder_offer"  # would they like a reminder to stretch before bed?
    REMINDER_TIME = "reminder_time"  # what time would they like it?
    REMINDER_AGAIN = "reminder_again"  # the time, asked back once: the last time it is asked


@dataclass(frozen=True)
class Place:
    """A position in a routine: the first step of a response, and a part of it.

    A response speaks a turn of the routine's steps from `step` (0-based), or in hands-free
    mode a run of turns up to `to`; `part` is a slice of a response too long for Alexa's
    limit, and never outlives the session.
    """

    routine: Routine
    step: int = 0
    part: int = 0
    # The hold of `step` its speech starts at (every side of every round counted from 0, each
    # after the step's time to get ready): where a step cut short starts again.
    from_hold: int = 0
    # Said the short way, with no time to get ready: relief for someone with a cramp, at once.
    quick: bool = False
    # Hands-free: the steps before this index are spoken in one response, turn after turn
    # (0: the one turn at `step`).
    to: int = 0

    @property
    def number(self) -> int:
        """The 1-based number of the first step spoken here."""
        return self.step + 1

    @property
    def steps(self) -> range:
        """The indexes of the steps spoken here."""
        return range(self.step, self.to) if self.to else self.routine.turn(self.step)

    @property
    def last(self) -> bool:
        """Whether this place speaks the routine's last step."""
        return self.steps.stop == len(self.routine.steps)


@dataclass(frozen=True)
class Suggestion:
    """Routines offered for a concern, best first, and which of them is on offer now; or with
    no concern, the one routine suggested for today."""

    concern: Concern | None
    routines: tuple[Routine, ...]
    choice: int = 0

    @property
    def routine(self) -> Routine:
        return self.routines[self.choice]


@dataclass(frozen=True)
class Said:
    """When the speech of a state's place began, on Alexa's clock, and the key of the routine's
    completion if hearing it out finishes the routine.

    `at` is the timestamp (whole seconds) of the request the response answered, plus what the
    response said before the place, rounded up; `finishing` is that request's id.
    """

    at: int
    finishing: str = ""
    # Only as the response goes out, for memory: from when (Alexa's clock) every hold spoken
    # counts as done.
    heard_out: int = 0


@dataclass(frozen=True)
class State:
    place: Place | None = None
    asked: Question | None = None
    # An unfinished routine from an earlier session, offered at launch and not yet taken up.
    offer: Place | None = None
    # Routines offered for what is bothering the person.
    suggestion: Suggestion | None = None
    # How the person likes to be coached: kept for the whole session, and across sessions.
    pace: Pace = Pace()
    # How many times in a row the question `asked` has been missed, asked about or not heard.
    misses: int = 0
    # The last response spoke the place's steps: when (until the next request places it).
    said: Said | None = None
    # The place's holds have all been heard out: going on starts at the place after it.
    done: bool = False
    # Only for this request, once placed: the person spoke while the place's holds were still
    # being timed (the place is where to start again); or hearing the place out finished its
    # routine, counted as the request that spoke it (Said.finishing) and the moment its last
    # hold could have played out (Alexa's clock), one completion however it is recorded.
    cut: bool = False
    completed: tuple[str, int] | None = None
    # A reminder time waiting for Alexa's permission: it travels in the consent request's
    # token, and comes back with the answer in a new session.
    bedtime: Bedtime | None = None
    # Responses so far in the session: the voice picks its wordings by it; the Coach never
    # reads it (the Alexa layer counts it).
    turn: int = 0
    # Steps run one after another without asking between them: kept for the whole session,
    # and across sessions.
    hands_free: bool = False

    def then(self, place: Place | None = None, asked: Question | None = None,
             offer: Place | None = None, suggestion: Suggestion | None = None) -> State:
        """The state that follows: these, with how the person likes to be coached kept (and, if
        the place is kept, whether it was heard out)."""
        return State(place, asked, offer, suggestion, self.pace,
                     done=self.done and place == self.place, hands_free=self.hands_free)

    def to_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"v": VERSION}
        if self.asked:
            attributes["asked"] = self.asked.value
        if self.place:
            attributes.update(routine=self.place.routine.id, step=self.place.step,
                              part=self.place.part)
            if self.place.from_hold:
                attributes["from_hold"] = self.place.from_hold
            if self.place.quick:
                attributes["quick"] = True
            if self.place.to:
                attributes["to"] = self.place.to
            if self.done:
                attributes["done"] = True
            if self.said:
                attributes["said"] = self.said.at
                if self.said.finishing:
                    attributes["finishing"] = self.said.finishing
        if self.offer:
            attributes.update(offer=self.offer.routine.id, offer_step=self.offer.step)
            if self.offer.from_hold:
                attributes["offer_hold"] = self.offer.from_hold
        if self.suggestion and self.suggestion.concern:
            attributes.update(concern=self.suggestion.concern.id, choice=self.suggestion.choice)
        elif self.suggestion:
            attributes["pick"] = self.suggestion.routine.id
        if self.pace != Pace():
            attributes.update(pace=self.pace.speed, hold=self.pace.hold)
        if self.misses:
            attributes["misses"] = self.misses
        if self.bedtime:
            attributes["at"] = str(self.bedtime)
        if not self.pace.sounds:
            attributes["quiet"] = 1
        if self.hands_free:
            attributes["free"] = 1
        if self.turn:
            attributes["turn"] = self.turn
        return attributes


PartCount = Callable[[Place], int]


class StaleState(ValueError):
    """Session attributes that do not describe a place in the loaded routines."""


def clean_attributes(attributes: Any) -> dict[str, Any]:
    """Only the keys a session may carry, each of its JSON type and a sane size.

    Runs on the raw JSON before anything else reads it, so deep nesting, huge values or
    non-finite numbers in attributes never reach the SDK or come back in a response.
    """
    if not isinstance(attributes, dict):
        return {}
    clean = {}
    for key, kind in ATTRIBUTE_TYPES.items():
        value = attributes.get(key)
        if type(value) is not kind:  # bool is not int, and int is not bool
            continue
        if kind is int and not -1 < value < ATTRIBUTE_NUMBERS.get(key, MAX_ATTRIBUTE_NUMBER):
            continue
        if kind is str and len(value) > MAX_ATTRIBUTE_TEXT:
            continue
        clean[key] = value
    return clean


def parse_state(attributes: Any, catalog: Catalog, part_count: PartCount) -> State:
    """The state `attributes` describe; StaleState if they are tampered with or out of date."""
    if not attributes:
        return State()
    if not isinstance(attributes, dict) or attributes.get("v") != VERSION:
        raise StaleState(f"unrecognised session attributes (version {attributes.get('v')!r})"
                         if isinstance(attributes, dict) else "session attributes not an object")
    asked = attributes.get("asked")
    try:
        question = Question(asked) if asked is not None else None
    except ValueError:
        raise StaleState(f"unknown question {asked!r}") from None
    place = _place(attributes, "routine", "step", "from_hold", catalog)
    if place is not None:
        quick = attributes.get("quick") is True and bool(place.routine.steps[place.step].quick)
        place = dataclasses.replace(place, quick=quick)
        if "to" in attributes:
            place = _run(place, attributes["to"], part_count)
        place = dataclasses.replace(place, part=_index(attributes.get("part"),
                                                       part_count(place), "part"))
    offer = _place(attributes, "offer", "offer_step", "offer_hold", catalog)
    misses = _index(attributes.get("misses", 0), MAX_MISSES + 1, "misses")
    said = Said(attributes["said"], attributes.get("finishing", "")) \
        if place and "said" in attributes else None
    state = State(place, question, offer, _suggestion(attributes, catalog), _pace(attributes),
                  misses, said, bool(place and attributes.get("done")),
                  bedtime=_bedtime(attributes),
                  turn=_index(attributes.get("turn", 0), TURNS, "turn"),
                  hands_free=_index(attributes.get("free", 0), 2, "free") == 1)
    subjects = ASKED_ABOUT.get(question, ())
    if subjects and all(getattr(state, subject) is None for subject in subjects):
        raise StaleState(f"question {asked!r} without its {' or '.join(subjects)}")
    return state


# Questions that are about something the state must hold (one of these): going on from the
# place, or which step of its routine; whether to take the routine suggested; whether to carry
# on with the place (in this session) or the one offered (from an earlier one).
ASKED_ABOUT = {Question.STEP: ("place",), Question.NEXT: ("place",), Question.EASE: ("place",),
               Question.CONTINUE: ("place",), Question.ANOTHER: ("place",),
               Question.SUGGEST: ("suggestion",), Question.RESUME: ("place", "offer")}


def _suggestion(attributes: dict, catalog: Catalog) -> Suggestion | None:
    concern_id = attributes.get("concern")
    if concern_id is None and "pick" in attributes:
        picked = catalog.get(attributes["pick"])
        if picked is None:
            raise StaleState(f"unknown routine {attributes['pick']!r}")
        return Suggestion(None, (picked,))
    if concern_id is None:
        return None
    concern = catalog.concern(concern_id)
    routines = catalog.helping_with(concern) if concern else ()
    if not routines:
        raise StaleState(f"unknown concern {concern_id!r}")
    return Suggestion(concern, routines, _index(attributes.get("choice"), len(routines),
                                                "choice"))


def _bedtime(attributes: dict) -> Bedtime | None:
    if "at" not in attributes:
        return None
    bedtime = Bedtime.parse(attributes["at"])
    if bedtime is None:
        raise StaleState(f"reminder time {attributes['at']!r} is not HH:MM")
    return bedtime


def _pace(attributes: dict) -> Pace:
    sounds = _index(attributes.get("quiet", 0), 2, "quiet") == 0
    if "pace" not in attributes and "hold" not in attributes:
        return Pace(sounds=sounds)
    return Pace(_index(attributes.get("pace"), len(PACE_FACTORS), "pace"),
                _index(attributes.get("hold"), HOLD_LENGTHS, "hold"), sounds)


def _place(attributes: dict, routine_key: str, step_key: str, hold_key: str,
           catalog: Catalog) -> Place | None:
    routine_id = attributes.get(routine_key)
    if routine_id is None:
        return None
    routine = catalog.get(routine_id) if isinstance(routine_id, str) else None
    if routine is None:
        raise StaleState(f"unknown routine {routine_id!r}")
    step = _index(attributes.get(step_key), len(routine.steps), step_key)
    holds = hold_count(routine.steps[step])
    return Place(routine, step, from_hold=_index(attributes.get(hold_key, 0), max(1, holds),
                                                 hold_key))


def _run(place: Place, to: int, part_count: PartCount) -> Place:
    """`place` as a hands-free run up to step `to`: only where turns end, and only a run that
    fits in one response (as the Coach makes them)."""
    run = dataclasses.replace(place, to=to)
    if to not in place.routine.turn_ends(place.step) or to <= place.steps.stop or place.quick \
            or part_count(run) != 1:
        raise StaleState(f"to {to!r} is not the end of a run from step {place.step}")
    return run


def _index(value: Any, size: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        raise StaleState(f"{what} {value!r} is out of range")
    return value
