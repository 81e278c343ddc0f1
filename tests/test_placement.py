"""The placement arithmetic: where the holds of a step's speech end, and which hold a person
who spoke some seconds into it starts again at (the earlier one, when unsure)."""

from __future__ import annotations

import pytest

from skill.coach.conversation import Coach
from skill.coach.placement import (
    HEARD_OUT_AFTER,
    QUICKEST_ANSWER,
    Mark,
    arrive,
    heard_out_after,
    passed,
)
from skill.coach.state import Place, Question, Said, State
from skill.content import timing
from skill.content.routines import Kind, Routine, Step
from skill.content.timing import HoldStart, Pace, Release, RoundStart, SideStart, Silence
from skill.voice import ssml
from skill.voice.speech import Speech

TWIST = Step(say="Twist.", hold=10, reps=3, sides=("right", "left"), get_ready=5, switch=5,
             rest=5)
ROUTINE = Routine("twist", "Twist", (), Kind.STRETCH, "A twist.", (Step(say="Sit."), TWIST))
MARKS = (Mark(20.0, 1, 1), Mark(40.0, 1, 2), Mark(60.0, 2, 0))


def speech_seconds(text: str) -> float:
    return sum(piece if isinstance(piece, float) else timing.speaking_seconds(piece)
               for piece in ssml.heard(ssml.speak(text)))


@pytest.mark.parametrize(("elapsed", "last"), [
    (-30, None), (0, None), (20 + HEARD_OUT_AFTER - 0.5, None), (20 + HEARD_OUT_AFTER, 0),
    (40 + HEARD_OUT_AFTER - 0.01, 0), (40 + HEARD_OUT_AFTER, 1), (10_000, 2),
])
def test_a_hold_counts_as_done_only_well_after_it_ended(elapsed, last):
    assert passed(MARKS, elapsed) == (None if last is None else MARKS[last])


def test_every_hold_is_done_from_the_last_plus_the_allowance():
    assert heard_out_after(MARKS) == 60 + HEARD_OUT_AFTER
    assert heard_out_after(()) == 0


def spoken(finishing: str = "") -> State:
    return State(Place(ROUTINE, 1), Question.ANOTHER, said=Said(1000, finishing))


def test_a_request_after_every_hold_hears_the_place_out_and_finishes_once():
    state = arrive(spoken("amzn1.echo-api.request.1"), 70, MARKS)
    assert state.done and not state.cut and state.said is None
    assert state.completed == ("amzn1.echo-api.request.1", 1000 + 60 + HEARD_OUT_AFTER)
    assert state.asked == Question.ANOTHER
    assert state.to_attributes()["done"] is True and "said" not in state.to_attributes()


def test_a_request_mid_step_moves_the_place_to_the_hold_to_start_again_at():
    state = arrive(spoken("amzn1.echo-api.request.1"), 43, MARKS)
    assert state.place == Place(ROUTINE, 1, from_hold=1) and state.cut and not state.done
    assert state.asked == Question.RESUME and not state.completed


@pytest.mark.parametrize("elapsed", [-100, 0, 22])
def test_a_request_before_the_first_hold_is_done_keeps_the_place(elapsed):
    state = arrive(spoken(), elapsed, MARKS)
    assert state.place == Place(ROUTINE, 1) and state.cut and state.asked == Question.RESUME


def test_a_state_not_just_spoken_is_left_alone():
    state = State(Place(ROUTINE, 1), Question.NEXT)
    assert arrive(state, 500, MARKS) is state


# The timeline marks, from the same walk as the SSML.

def test_resuming_from_a_hold_announces_its_round_and_side_then_carries_on():
    events = list(timing.step_events(TWIST, Pace(), from_hold=3))  # round 2, left side
    assert events[2:4] == [RoundStart(2, 3), SideStart("left", first=False, round=2)]
    assert events.count(HoldStart()) == events.count(Release()) == 3
    holds = sum(e.seconds for e in events if isinstance(e, Silence)) - 5 - 5 - 5  # ready, rest,
    assert holds == 3 * 10                                                        # one switch


@pytest.mark.parametrize("from_hold", range(6))
def test_marks_fall_where_each_hold_ends_in_what_is_said(from_hold):
    speech = Speech(catalog_of(ROUTINE))
    place = Place(ROUTINE, 1, from_hold=from_hold)
    marks = speech.steps.marks(place, Pace())
    assert [(m.step, m.hold) for m in marks] == [
        (1, k) for k in range(from_hold + 1, 6)] + [(2, 0)]
    text = speech.steps.part(place, Pace())
    releases = [index for index in range(len(text)) if text.startswith("And release.", index)]
    assert [m.at for m in marks] == pytest.approx([speech_seconds(text[:i]) for i in releases])


def test_a_slower_pace_moves_the_marks_by_the_longer_moves_only():
    speech = Speech(catalog_of(ROUTINE))
    usual = speech.steps.marks(Place(ROUTINE, 1), Pace())
    slower = speech.steps.marks(Place(ROUTINE, 1), Pace(speed=3))  # moves take twice as long
    # Each hold's end is later by the extra time to get ready, switch and rest before it.
    assert [s.at - u.at for u, s in zip(usual, slower, strict=True)] == pytest.approx(
        [5, 10, 15, 20, 25, 30])


@pytest.mark.parametrize("which", ["shipped_catalog", "fixture_catalog"])
def test_someone_who_hears_a_response_out_and_answers_is_past_every_hold(request, which):
    """The words after the last hold of any timed step, and the quickest answer, take longer
    than the allowance: their answer never restarts a hold."""
    catalog = request.getfixturevalue(which)
    speech = Speech(catalog)
    coach = Coach(catalog, speech.part_count)
    for routine in catalog:
        for index, step in enumerate(routine.steps):
            if not step.timed:
                continue
            reply = coach.go_to(State(Place(routine)), index + 1)
            spoken, _ = speech.render(reply)
            marks = speech.steps.marks(reply.state.place, Pace())
            tail = speech_seconds(spoken[len("<speak>"):-len("</speak>")]) - marks[-1].at
            assert tail + QUICKEST_ANSWER >= HEARD_OUT_AFTER, (routine.id, index, tail)


def catalog_of(*routines):
    from skill.content.catalog import Catalog

    return Catalog(routines)
