"""How a routine's steps are grouped into turns: one response's worth each, and for tips as
many as one breath holds.

A turn of tips is heard without a pause to answer, so it is kept to about TURN_WORDS words all
told. The voice adds a few words of its own around the tips (a header for each, the question
at the end, on the first turn the name and how many tips there are); they are allowed for here
as word counts, and tests hold every shipped turn to the limit as actually spoken.
"""

from __future__ import annotations

from .routines import Routine, Step

# About as much as one breath holds (Amazon's "one-breath test" for a turn of speech).
TURN_WORDS = 60
# The voice's own words around the tips: "Tip 12." before each; "Ready for the next one?" at
# the end; and before the first turn, "There are 12 tips." after the name and summary.
HEADER_WORDS = 2
QUESTION_WORDS = 5
PLAN_WORDS = 4


def turn_starts(routine: Routine) -> tuple[int, ...]:
    """The index of the first step of each turn: at most `per_turn` steps, and no more words
    than a breath holds (a step too long for one turn has a turn to itself)."""
    starts: list[int] = []
    index = 0
    while index < len(routine.steps):
        starts.append(index)
        room = TURN_WORDS - QUESTION_WORDS - (_introduction(routine) if index == 0 else 0)
        taken = 0
        for count in range(routine.per_turn):
            if index == len(routine.steps):
                break
            words = _words(routine.steps[index])
            if count and taken + words > room:
                break
            taken += words
            index += 1
    return tuple(starts)


def _words(step: Step) -> int:
    return HEADER_WORDS + len(step.say.split())


def _introduction(routine: Routine) -> int:
    """Words said before the first step: name, summary, how many, the safety note."""
    said = [routine.name, routine.summary, routine.safety or ""]
    return PLAN_WORDS + sum(len(text.split()) for text in said)
