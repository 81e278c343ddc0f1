"""Where in a step's speech a person spoke: the seconds between two of Alexa's timestamps,
mapped onto the holds the speech times.

Alexa speaks a whole response, holds and all, and the skill hears nothing until the person
speaks again (cutting it short with "Alexa, ..." or answering its question). The next request's
timestamp, less the one the response answered, says how far into the speech that was. How
precisely:

- Both timestamps are whole seconds (Alexa's request reference gives "2015-05-13T12:34:56Z"),
  so their difference is off by up to a second either way.
- Before the speech: our answer, text to speech and the device starting to play; after the
  person cuts in: their words, Alexa hearing that they have finished, recognition. Together
  about 1.5 to 4 seconds, on top of where the speech was.
- Words are estimated at timing.WORDS_PER_SECOND; silences are exact. A speaking rate 10% off
  the estimate moves every later point by a tenth of the words before it (about 5 seconds by
  the end of the spiral twist's last hold, which about 130 words come before).

A hold counts as done only if it ended HEARD_OUT_AFTER seconds before the request: the delays
at their longer end, and the timestamps' rounding. When unsure, the person starts that hold
again; only a cut in the last second of a hold, with the longest delays, counts it done.
Someone who hears a response out and answers its question is past every hold in it: the words
after the last hold ("And release. Ready to go on?", at least 2.8 seconds) and the quickest
answer (1.5 seconds) take longer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .state import Place, Question, State

# Alexa's request timestamps are whole seconds.
TIMESTAMP_RESOLUTION = 1.0
# From the timestamp of the request a response answers to its speech starting, plus from the
# person cutting in to the timestamp of their request: usually 1.5 to 4 seconds, taken at 3.
LONGER_DELAY = 3.0
HEARD_OUT_AFTER = TIMESTAMP_RESOLUTION + LONGER_DELAY
# The quickest answer: from the speech ending to the timestamp of the person's request.
QUICKEST_ANSWER = 1.5


@dataclass(frozen=True)
class Mark:
    """The end of a hold in a response's speech, `at` seconds after the speech began; once it
    is past, a person cut short starts again at hold `hold` of step `step` (the hold after it,
    or the next step's first)."""

    at: float
    step: int
    hold: int


def passed(marks: Sequence[Mark], elapsed: float) -> Mark | None:
    """The last of `marks` surely past when a request came `elapsed` seconds after the speech
    began; None if none is."""
    last = None
    for mark in marks:
        if elapsed < mark.at + HEARD_OUT_AFTER:
            break
        last = mark
    return last


def heard_out_after(marks: Sequence[Mark]) -> float:
    """Seconds after the speech began from which every hold in it counts as done."""
    return marks[-1].at + HEARD_OUT_AFTER if marks else 0.0


def arrive(state: State, elapsed: float, marks: Sequence[Mark]) -> State:
    """`state` as it stood when the person spoke, `elapsed` seconds into its place's speech:
    heard out (`done`, and if that finished the routine, `completed`), or cut short (`cut`,
    the place moved to the hold to start again at, and carrying on is what is asked)."""
    place, said = state.place, state.said
    if place is None or said is None:
        return state
    arrived = dataclasses.replace(state, said=None)
    mark = passed(marks, elapsed)
    if not marks or mark is marks[-1]:
        completed = (said.finishing, said.at + math.ceil(heard_out_after(marks))) \
            if said.finishing else None
        return dataclasses.replace(arrived, done=True, completed=completed)
    if mark is not None:
        place = Place(place.routine, mark.step, from_hold=mark.hold)
    return dataclasses.replace(arrived, place=place, asked=Question.RESUME, done=False, cut=True)
