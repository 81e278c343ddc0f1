"""Mid-step questions: "which side?" answers for the hold in progress, "how many more?" in
rounds and steps. The Coach and its words, on any catalog with a stretch with sides and
rounds and a checklist."""

from __future__ import annotations

import dataclasses

import pytest

from skill.coach.conversation import Coach
from skill.coach.state import Place, Question, State
from skill.content.routines import Kind
from skill.voice.speech import Speech
from skill.voice.ssml import to_plain

from .wordings import ends_with


@pytest.fixture
def speech(catalog) -> Speech:
    return Speech(catalog)


@pytest.fixture
def coach(catalog, speech) -> Coach:
    return Coach(catalog, speech.part_count)


@pytest.fixture
def sided(catalog):
    """A stretch held in rounds on each side, and the index of that step."""
    return next((routine, index) for routine in catalog if routine.kind == Kind.STRETCH
                for index, step in enumerate(routine.steps)
                if step.timed and step.reps > 1 and len(step.sides) > 1)


def during(state: State, hold: int) -> State:
    """`state` as a request cutting its place short during hold `hold` is placed."""
    return dataclasses.replace(state, place=dataclasses.replace(state.place, from_hold=hold),
                               cut=True)


def said(speech: Speech, reply) -> str:
    spoken, _ = speech.render(reply)
    return to_plain(spoken)


def test_which_side_names_the_side_and_round_of_every_hold(coach, speech, sided):
    routine, index = sided
    step = routine.steps[index]
    state = State(Place(routine, index), Question.NEXT)
    for hold in range(step.reps * len(step.sides)):
        number, side = divmod(hold, len(step.sides))
        answer = said(speech, coach.which_side(during(state, hold)))
        assert answer.startswith(f"The {step.sides[side]} side, in round {number + 1} of "
                                 f"{step.reps}.")
        own = step.said_for(step.sides[side])
        assert (own in answer) if own else ends_with(answer, f"ask.{state.asked}")


def test_which_side_once_the_step_is_heard_out_or_on_a_step_without_sides(coach, speech, sided,
                                                                           catalog):
    routine, index = sided
    heard_out = said(speech, coach.which_side(State(Place(routine, index), Question.NEXT,
                                                    done=True)))
    last = index == len(routine.steps) - 1  # heard out, the routine is over
    assert heard_out.startswith("You've finished" if last else "That step is done, on both sides.")
    plain = next((r, i) for r in catalog for i, step in enumerate(r.steps)
                 if step.timed and not step.sides)
    answer = said(speech, coach.which_side(during(State(Place(*plain), Question.NEXT), 0)))
    assert answer.startswith("This step isn't done a side at a time.")


def test_how_many_more_counts_rounds_then_steps(coach, speech, sided):
    routine, index = sided
    step = routine.steps[index]
    state = State(Place(routine, index), Question.NEXT)
    left = len(routine.steps) - index - 1
    first = said(speech, coach.how_many_more(during(state, 0)))
    assert first.startswith(f"Round 1 of {step.reps}, so {step.reps - 1} rounds after this one.")
    last = said(speech, coach.how_many_more(during(state, step.reps * len(step.sides) - 1)))
    assert last.startswith("This is the last round.")
    then = "This is the last step." if not left else f"{left} step"
    assert then in first and then in last


def test_how_many_more_in_tips(coach, speech, catalog):
    checklist = next(routine for routine in catalog if routine.kind == Kind.CHECKLIST)
    first = Place(checklist, 0)
    answer = said(speech, coach.how_many_more(State(first, Question.NEXT)))
    assert answer.startswith(f"{len(checklist.steps) - first.steps.stop} tips to go after these.")
    last = Place(checklist, checklist.turns[-1])
    tips = said(speech, coach.how_many_more(during(State(last, Question.ANOTHER), 0)))
    assert tips.startswith("These are the last tips.")


def test_mid_step_questions_keep_the_place_and_its_question(coach, sided):
    routine, index = sided
    state = State(Place(routine, index), Question.NEXT)
    cut = during(state, 1)
    for reply in (coach.which_side(cut), coach.how_many_more(cut)):
        assert reply.state.place == cut.place and reply.ask == Question.NEXT
    assert coach.which_side(State()).ask == Question.CHOOSE  # no routine yet: the menu
