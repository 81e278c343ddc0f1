"""The hold-to-silence arithmetic: break chunking, cues, rounds, sides and rests."""

from __future__ import annotations

import pytest

from skill.content import timing
from skill.content.routines import Step
from skill.content.timing import (
    Count,
    Halfway,
    HoldStart,
    Release,
    RestStart,
    RoundStart,
    SecondsLeft,
    SideStart,
    Silence,
)


def silences(events) -> list[int]:
    return [event.seconds for event in events if isinstance(event, Silence)]


@pytest.mark.parametrize(("seconds", "chunks"), [
    (0, []), (1, [1]), (8, [8]), (10, [10]), (11, [10, 1]), (25, [10, 10, 5]), (600, [10] * 60),
])
def test_break_chunks_never_exceed_alexas_ten_seconds(seconds, chunks):
    assert timing.break_chunks(seconds) == chunks


@pytest.mark.parametrize("seconds", range(1, 601))
def test_a_hold_is_exactly_its_seconds_of_silence(seconds):
    events = list(timing.hold(seconds))
    assert sum(silences(events)) == seconds
    assert all(s > 0 for s in silences(events))
    assert events[0] == HoldStart() and events[-1] == Release()


def test_short_holds_have_no_cue():
    assert list(timing.hold(5)) == [HoldStart(), Silence(5), Release()]


def test_an_eight_second_hold_counts_down_the_last_three():
    assert list(timing.hold(8)) == [HoldStart(), Silence(5), SecondsLeft(3), Silence(3), Release()]


def test_long_holds_get_a_cue_every_ten_seconds_halfway_and_a_final_count():
    assert list(timing.hold(30)) == [
        HoldStart(), Silence(10), SecondsLeft(20), Silence(5), Halfway(), Silence(5),
        SecondsLeft(10), Silence(7), Count(3), Silence(1), Count(2), Silence(1), Count(1),
        Silence(1), Release()]


def test_rounds_are_counted_and_rests_fall_between_them():
    events = list(timing.step_events(Step(say="x", hold=4, reps=3, rest=6)))
    assert [e for e in events if isinstance(e, RoundStart)] == [
        RoundStart(1, 3), RoundStart(2, 3), RoundStart(3, 3)]
    assert events.count(RestStart()) == 2
    assert silences(events) == [4, 6, 4, 6, 4]


def test_each_side_is_named_in_every_round():
    events = list(timing.step_events(Step(say="x", hold=10, reps=2, sides=("right", "left"))))
    sides = [e for e in events if isinstance(e, SideStart)]
    assert sides == [SideStart("right", True, 1), SideStart("left", False, 1),
                     SideStart("right", True, 2), SideStart("left", False, 2)]
    assert sum(silences(events)) == 40


def test_a_single_round_is_not_announced():
    events = list(timing.step_events(Step(say="x", hold=8)))
    assert not any(isinstance(e, RoundStart) for e in events)


def test_an_untimed_step_has_no_events():
    assert list(timing.step_events(Step(say="x"))) == []


def test_silent_seconds_and_routine_estimate(fixture_catalog):
    spiral = fixture_catalog.get("spiral-twist")
    assert timing.hold_seconds(spiral.steps[1]) == 60
    # the holds; getting ready; switching sides three times; resting twice
    assert timing.silent_seconds(spiral.steps[1]) == 60 + 5 + 3 * 5 + 2 * 5
    words = sum(len(say.split()) for step in spiral.steps
                for say in (step.say, *(said for _, said in step.side_say)))
    # get ready, 3 round numbers, 3 switches, 2 rests; per side: name, hold, countdown, release
    cues = 1 + 3 + 3 + 2 + 6 * 4
    assert timing.routine_seconds(spiral) == pytest.approx(
        90 + cues * timing.CUE_SECONDS + words / timing.WORDS_PER_SECOND)
    assert timing.routine_seconds(spiral, from_step=1) < timing.routine_seconds(spiral)
