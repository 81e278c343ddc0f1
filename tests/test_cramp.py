"""A cramp gets relief in seconds: "I have a cramp" starts the first point at once, its
introduction waiting for "tell me more"; pressing a point that hurts gets a choice; a ranged
hold says what its timer does, and a person back after a completed hold goes on to the next
point. Conversations over HTTP."""

from __future__ import annotations

import pytest

from skill.alexa import intents
from skill.content import timing
from skill.voice.phrases import mid_sentence
from skill.voice.ssml import heard

from .conversing import ranged_massage, stretch_with_sides
from .helpers import held_seconds

SAFETY = "General guidance, not medical advice: stop if the pressure hurts."
GO_ON = "Ready to go on?"
CHOICE = "Ease off. Skip this point, or stop?"


def seconds_until(turn, cue: str) -> float:
    """Seconds of speech before `cue` is heard: words at Alexa's usual rate, silences exact."""
    spent = 0.0
    for piece in heard(turn.ssml):
        if isinstance(piece, float):
            spent += piece
        elif cue in piece:
            return spent + timing.speaking_seconds(piece[:piece.index(cue)])
        else:
            spent += timing.speaking_seconds(piece)
    raise AssertionError(f"{cue!r} is never said")


@pytest.fixture
def massage(fixture_catalog):
    return ranged_massage(fixture_catalog)


def test_a_cramp_at_launch_gets_one_safety_line_and_the_first_press_within_ten_seconds(
        person, massage):
    routine, first = massage
    person.launch()
    relief = person.intent(intents.CRAMP)  # "I have a cramp"
    assert relief.speech.startswith(f"{SAFETY} {routine.steps[first].quick} Start now.")
    assert seconds_until(relief, "Start now.") <= 10
    assert routine.summary not in relief.speech and "Step 1" not in relief.speech
    assert held_seconds(relief.ssml) == [routine.steps[first].hold]
    assert "keep pressing if it helps, and say next when you're done" in relief.speech.lower()
    assert relief.speech.endswith(GO_ON)


def test_a_newcomers_one_shot_cramp_hears_the_whole_safety_note_after_the_first_press(
        newcomer, massage):
    relief = newcomer.intent(intents.CRAMP)  # "Alexa, tell stretch coach I have a cramp"
    assert relief.speech.startswith(SAFETY)
    assert seconds_until(relief, "Start now.") <= 10
    assert seconds_until(relief, "A quick note: this is general guidance") > seconds_until(
        relief, "And ease off.")
    newcomer.say(intents.STOP)
    assert "A quick note" not in newcomer.launch().speech  # said once


def test_tell_me_more_gives_the_introduction_and_next_goes_on_to_the_next_point(
        person, massage):
    routine, first = massage
    person.intent(intents.CRAMP)
    more = person.intent(intents.TELL_MORE)
    assert more.speech.startswith(f"{routine.name}. {routine.summary}")
    assert "I'll time half a minute for each; keep pressing if it helps" in more.speech
    assert more.speech.endswith(GO_ON)
    assert person.say(intents.NEXT).speech.startswith(f"Step {first + 2} of")


def test_a_cramp_during_a_stretch_starts_relief_at_once(person, fixture_catalog):
    stretch, index = stretch_with_sides(fixture_catalog)
    person.start(stretch.name)
    assert person.intent(intents.CRAMP).speech.startswith(SAFETY)


def hurts_mid_point(person, routine, seconds: float):
    """ "Alexa, that hurts", `seconds` into pressing the routine's first point."""
    person.start(routine.name)
    person.say(intents.NEXT)
    person.after(seconds)
    return person.say(intents.PAIN)


def test_that_hurts_mid_point_gives_a_choice_and_skip_goes_to_the_next_point(person, massage):
    routine, first = massage
    choice = hurts_mid_point(person, routine, 20)
    assert choice.speech == CHOICE and not choice.ends_session
    assert person.say(intents.YES).speech.endswith("Skip this point, or stop?")  # a miss
    skipped = person.intent(intents.NEXT)  # "skip this point"
    assert skipped.speech.startswith(f"Step {first + 2} of")


def test_stop_after_that_hurts_gives_the_safety_advice_and_keeps_the_place(person, massage):
    routine, first = massage
    hurts_mid_point(person, routine, 20)
    stopped = person.say(intents.STOP)
    assert stopped.speech.startswith("Let's stop here. Don't push through pain")
    assert f"I've kept your place at step {first + 1} of" in stopped.speech
    assert stopped.ends_session


def test_it_hurts_again_after_the_choice_ends_with_the_advice(person, massage):
    routine, _ = massage
    hurts_mid_point(person, routine, 10)
    again = person.say(intents.PAIN)
    assert again.speech.startswith("Let's stop here.") and again.ends_session


def test_other_pain_still_stops_the_routine_with_the_safety_advice(person, fixture_catalog):
    stretch, index = stretch_with_sides(fixture_catalog)
    person.start(stretch.name)
    person.say(intents.NEXT)
    person.after(30)
    hurt = person.say(intents.PAIN)
    assert hurt.speech.startswith("Let's stop here. Don't push through pain")
    assert "see a doctor" in hurt.speech


# Ranged holds: the timer says what it does, and a completed hold is not done again.

def test_the_introduction_says_what_the_timer_does(person, massage):
    routine, _ = massage
    intro = person.start(routine.name)
    assert ("I'll time half a minute for each; keep pressing if it helps, and say next when "
            "you're done.") in intro.speech


def test_longer_holds_change_what_the_timer_says(person, massage):
    routine, _ = massage
    person.launch()
    person.say(intents.LONGER)
    assert "I'll time 45 seconds for each" in person.start(routine.name).speech


def test_after_a_completed_hold_pause_and_resume_go_on_to_the_next_point(person, massage):
    routine, first = massage
    person.start(routine.name)
    person.say(intents.NEXT)  # the first point, pressed out
    paused = person.say(intents.PAUSE)
    assert paused.speech.startswith(f"Paused at step {first + 2} of")
    back = person.launch()
    assert f"Last time you stopped at step {first + 2} of {len(routine.steps)} of " \
        f"{mid_sentence(routine.name)}" in back.speech
    assert person.say(intents.YES).speech.startswith(
        f"Picking up {mid_sentence(routine.name)} at step {first + 2} of")


def test_after_a_completed_hold_a_silent_goodbye_offers_the_next_point(person, massage):
    routine, first = massage
    person.start(routine.name)
    person.say(intents.NEXT)
    person.close()  # still pressing when the microphone closed
    assert f"stopped at step {first + 2} of" in person.launch().speech


def test_cut_short_a_point_is_pressed_again(person, massage):
    routine, first = massage
    person.start(routine.name)
    person.say(intents.NEXT)
    person.after(20)
    assert person.say(intents.PAUSE).speech.startswith(f"Paused at step {first + 1} of")


def test_every_new_kind_of_response_is_within_alexas_limits(newcomer, fixture_catalog):
    from .test_limits import assert_within_limits

    person = newcomer
    stretch, index = stretch_with_sides(fixture_catalog)
    turns = [person.intent(intents.CRAMP), person.intent(intents.TELL_MORE)]
    person.after(5)
    turns += [person.say(intents.PAIN), person.say(intents.FALLBACK), person.say(intents.HELP),
              person.say(intents.FALLBACK), person.say(intents.REPEAT)]
    person.start(stretch.name)
    turns.append(person.say(intents.NEXT))
    person.after(60)
    turns += [person.say(intents.WAIT), person.say(intents.HELP), person.say(intents.YES)]
    person.after(90)
    turns += [person.say(intents.PAUSE), person.launch(), person.say(intents.FALLBACK),
              person.say(intents.FALLBACK), person.say(intents.RESUME)]
    for turn in turns:
        assert turn.status == 200
        assert_within_limits(turn)
        if not turn.ends_session:
            assert turn.speech.count("?") == 1 and turn.speech.endswith("?"), turn.speech
            assert turn.reprompt.endswith("?")


def test_the_shipped_massage_is_pressed_within_ten_seconds_of_a_cramp(shipped_person,
                                                                     shipped_catalog):
    massage = next(routine for routine in shipped_catalog if routine.for_cramps)
    first = next(index for index, step in enumerate(massage.steps) if step.quick)
    shipped_person.launch()
    relief = shipped_person.intent(intents.CRAMP)  # "I have a cramp"
    assert relief.speech.startswith(f"{SAFETY} {massage.steps[first].quick} Start now.")
    assert seconds_until(relief, "Start now.") <= 10
