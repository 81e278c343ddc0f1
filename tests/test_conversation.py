"""Whole conversations through HTTP, asserting what a person would hear: on the tests' own
catalog (tests/fixtures/routines), and every shipped routine from start to end."""

from __future__ import annotations

import pytest

from skill.alexa import intents
from skill.content import timing
from skill.content.loader import load_catalog
from skill.simulator.envelopes import slot

from .helpers import FIXTURE_ROUTINES, ROUTINES, break_lengths, held_seconds, moving_seconds

WHICH = "What would you like?"
GO_ON = "Ready to go on?"
ANOTHER = "Would you like another routine?"


def test_launch_welcomes_warns_lists_and_asks(newcomer):
    turn = newcomer.launch()
    assert turn.status == 200
    assert turn.speech.startswith("Welcome to Stretch Coach.")
    assert "not medical advice" in turn.speech
    assert "stop if anything hurts" in turn.speech
    assert "see a doctor if pain persists" in turn.speech
    assert ("Pick from 2 stretches, a massage and a set of tips, or say what's bothering "
            "you.") in turn.speech
    assert turn.speech.endswith(WHICH)
    assert not turn.ends_session
    assert "routine name" in turn.reprompt


def test_the_butterfly_stretch_from_launch_to_goodbye(person):
    person.launch()

    intro = person.start("the butterfly stretch")
    assert intro.speech.startswith("Butterfly stretch.")
    assert "2 rounds, holding for 8 seconds" in intro.speech
    assert "Step 1 of 2. Sit with the soles of your feet together" in intro.speech
    assert intro.speech.endswith(GO_ON)
    assert "[" not in intro.speech  # nothing to hold yet: no silence

    step = person.say(intents.NEXT)
    assert step.speech.startswith("Step 2 of 2. Slowly lean forward from your hips")
    assert ("to stretch your inner thighs. Get into position. [5 s] "
            "Round 1 of 2. Hold. [5 s] 3 more seconds. [3 s] And release. Rest. [5 s] "
            "Round 2 of 2. Hold. [5 s] 3 more seconds. [3 s] And release.") in step.speech
    assert held_seconds(step.ssml) == [8, 8]  # the article's numbers
    assert "Butterfly stretch: all done." in step.speech
    assert step.speech.endswith(ANOTHER)
    assert not step.ends_session

    menu = person.say(intents.YES)
    assert "Pick from" in menu.speech and menu.speech.endswith(WHICH)

    goodbye = person.say(intents.NO)
    assert goodbye.speech.startswith("Goodbye")
    assert goodbye.ends_session and not goodbye.reprompt


def every_routine_runs_start_to_end(person, routine):
    """Each step said as written, the holds its fields give, and one close."""
    heard = [person.start(routine.name)]
    while heard[-1].speech.endswith(GO_ON):
        heard.append(person.say(intents.NEXT))
        assert len(heard) <= len(routine.steps) + 1
    spoken = " ".join(turn.speech for turn in heard)
    for step in routine.steps:
        assert step.say in spoken
    assert spoken.count("all done") == 1
    assert heard[-1].speech.endswith(ANOTHER)
    ssml = "<speak>" + " ".join(turn.ssml[7:-8] for turn in heard) + "</speak>"
    assert sum(held_seconds(ssml)) == sum(timing.hold_seconds(step) for step in routine.steps)


@pytest.mark.parametrize("routine_id", [r.id for r in load_catalog([FIXTURE_ROUTINES])])
def test_every_routine_runs_start_to_end(person, fixture_catalog, routine_id):
    every_routine_runs_start_to_end(person, fixture_catalog.get(routine_id))


@pytest.mark.parametrize("routine_id", [r.id for r in load_catalog([ROUTINES])])
def test_every_shipped_routine_says_what_its_fields_say(shipped_person, shipped_catalog,
                                                        routine_id):
    every_routine_runs_start_to_end(shipped_person, shipped_catalog.get(routine_id))


def test_sides_are_named_rounds_counted_and_there_is_time_to_move(person):
    person.start("spiral twist")
    step = person.say(intents.NEXT)
    assert step.speech.count("Right side.") == 3
    assert step.speech.count("Switch sides. [5 s] Now the left side") == 3
    assert "Round 3 of 3." in step.speech and "Round 4" not in step.speech
    assert held_seconds(step.ssml) == [10] * 6  # 10 s a side, 3 rounds: the article's
    assert "[5 s] Round 2 of 3." in step.speech and step.speech.count("Rest. [5 s]") == 2
    # get ready 5, switch sides 3 x 5, rest 2 x 5
    assert moving_seconds(step.ssml) == 5 + 15 + 10


def test_the_get_ready_comes_between_the_instruction_and_the_first_hold(person):
    person.start("butterfly stretch")
    step = person.say(intents.NEXT)
    assert "to stretch your inner thighs. Get into position. [5 s] Round 1 of 2. Hold." \
        in step.speech
    assert held_seconds(step.ssml) == [8] * 2


def test_the_massage_gives_time_to_find_each_point(person):
    person.start("leg cramp massage")
    step = person.say(intents.NEXT)
    assert "press hard. Find the point. [8 s] Start now. [10 s]" in step.speech
    assert held_seconds(step.ssml) == [30]


def test_massage_holds_have_halfway_and_countdown_cues(person):
    person.start("leg cramp massage")
    step = person.say(intents.NEXT)
    assert ("Start now. [10 s] 20 more seconds. [5 s] Halfway. [5 s] 10 more seconds. [7 s] "
            "Three. [1 s] Two. [1 s] One. [1 s] And ease off.") in step.speech


def test_checklist_is_read_a_few_tips_at_a_time(person, fixture_catalog):
    routine = fixture_catalog.get("cramp-prevention")
    tips, starts = routine.steps, routine.turns
    first = person.start("cramp prevention")
    assert "There are 7 tips." in first.speech
    assert tips[starts[1] - 1].say in first.speech and tips[starts[1]].say not in first.speech
    turns = [first]
    while turns[-1].attributes.get("asked") != "another":
        turns.append(person.say(intents.NEXT))
    assert [turn.speech.split(".")[0] for turn in turns[1:]] == [
        f"Tip {start + 1}" for start in starts[1:]]
    assert f"{tips[-1].say} Cramp prevention tips: all done." in turns[-1].speech


def test_repeat_says_exactly_the_step_last_spoken(person):
    person.start("butterfly")
    step = person.say(intents.NEXT)
    again = person.say(intents.REPEAT)
    assert again.ssml == step.ssml


def test_repeat_after_help_repeats_the_step_not_the_help(person):
    person.start("spiral twist")
    step = person.say(intents.NEXT)
    person.say(intents.HELP)
    assert person.say(intents.REPEAT).speech == step.speech  # worded for its own turn


def test_previous_goes_back_and_stops_at_the_first_step(person):
    person.start("leg cramp massage")
    person.say(intents.NEXT)
    back = person.say(intents.PREVIOUS)
    assert back.speech.startswith("Step 1 of 4.")
    first = person.say(intents.PREVIOUS)
    assert first.speech.startswith("This is the first step. Step 1 of 4.")


def test_start_over_begins_the_routine_again(person):
    person.start("cramp prevention")
    person.say(intents.NEXT)
    again = person.say(intents.START_OVER)
    assert again.speech.startswith("Cramp prevention tips.") and "Tip 1." in again.speech


def test_pause_says_how_to_come_back_and_ends_the_session(person):
    person.start("cramp prevention")
    paused = person.say(intents.PAUSE)
    assert paused.speech == ("Paused at tips 1 to 2 of 7 of cramp prevention tips. When you're "
                             "ready, say: Alexa, open stretch coach.")
    assert paused.ends_session and not paused.reprompt


def test_yes_and_no_answer_ready_to_go_on(person):
    person.start("butterfly")
    waiting = person.say(intents.NO)
    assert waiting.speech == f"No rush. {GO_ON}"
    assert person.say(intents.YES).speech.startswith("Step 2 of 2.")


def test_help_depends_on_where_you_are_and_keeps_the_place(person):
    menu_help = person.launch() and person.say(intents.HELP)
    assert "Say a routine's name to start" in menu_help.speech
    person.start("spiral twist")
    routine_help = person.say(intents.HELP)
    assert routine_help.speech.startswith("You're at step 1 of 2 of spiral twist.")
    assert "If anything hurts, stop straight away." in routine_help.speech
    assert person.say(intents.NEXT).speech.startswith("Step 2 of 2. Cross your right leg")


@pytest.mark.parametrize("intent", [intents.STOP, intents.CANCEL])
def test_stop_and_cancel_mid_routine_keep_the_place_and_end(person, intent):
    person.start("butterfly")
    turn = person.say(intent)
    assert turn.speech == ("I've kept your place at step 1 of 2 of butterfly stretch; to carry "
                           "on later, say: Alexa, open stretch coach. Goodbye, and look "
                           "after yourself.")
    assert turn.ends_session and turn.attributes == {}


@pytest.mark.parametrize("intent", [intents.STOP, intents.CANCEL])
def test_stop_and_cancel_outside_a_routine_just_say_goodbye(person, intent):
    person.launch()
    turn = person.say(intent)
    assert turn.speech == "Goodbye, and look after yourself."
    assert turn.ends_session


def test_no_to_another_routine_ends_the_session(person):
    person.start("butterfly")
    person.say(intents.NEXT)
    assert person.say(intents.NO).ends_session


def test_next_after_the_end_offers_another(person):
    person.start("butterfly")
    person.say(intents.NEXT)
    turn = person.say(intents.NEXT)
    assert turn.speech == f"You've finished butterfly stretch. {ANOTHER}"


def test_navigate_home_leaves_the_routine(person):
    person.start("butterfly")
    home = person.say(intents.NAVIGATE_HOME)
    assert home.speech.startswith("Back to the start. Pick from")
    assert "routine" not in home.attributes
    assert person.say(intents.NEXT).speech.startswith("You haven't started a routine yet.")


def test_list_routines_mid_routine_offers_to_resume(person):
    person.start("spiral")
    listing = person.say(intents.LIST_ROUTINES)
    assert "Or say resume to carry on with spiral twist." in listing.speech
    assert person.say(intents.RESUME).speech.startswith("Picking up spiral twist")


def test_fallback_apologises_and_helps_for_the_context(person):
    person.launch()
    assert person.say(intents.FALLBACK).speech.startswith(
        "Sorry, I didn't catch that. Pick from")
    person.start("butterfly")
    in_routine = person.say(intents.FALLBACK)
    assert in_routine.speech.startswith("Sorry, I didn't catch that. You're at step 1 of 2")
    assert not in_routine.ends_session


@pytest.mark.parametrize("intent", [
    intents.NEXT, intents.PREVIOUS, intents.START_OVER, intents.PAUSE,
])
def test_navigation_before_any_routine_gets_guidance(person, intent):
    turn = person.say(intent)
    assert turn.speech.startswith("You haven't started a routine yet. Pick from")
    assert turn.speech.endswith(WHICH) and turn.reprompt


def test_repeat_at_the_menu_repeats_the_list(person):
    person.launch()
    assert person.say(intents.REPEAT).speech.startswith("Pick from")


def test_an_unknown_routine_gets_the_list_and_the_session_stays_open(person):
    person.launch()
    turn = person.start("yoga for cats")
    assert turn.speech.startswith("Sorry, I don't know a routine called yoga for cats.")
    assert "Pick from" in turn.speech and not turn.ends_session


def test_an_empty_routine_slot_asks_which(person):
    turn = person.start(None)
    assert turn.speech.startswith("Sure. Pick from") and turn.speech.endswith(WHICH)


def test_entity_resolution_id_wins_over_the_words(person):
    turn = person.start("the bendy one", resolved_id="spiral-twist")
    assert turn.speech.startswith("Spiral twist.")


def test_no_match_or_unknown_id_falls_back_to_the_words(person):
    assert person.start("butterfly", no_match=True).speech.startswith("Butterfly stretch.")
    assert person.start("spiral", resolved_id="retired-routine").speech.startswith("Spiral twist.")


def test_matching_forgives_case_and_filler_words(person):
    assert person.start("The SPIRAL Twist, please").speech.startswith("Spiral twist.")
    assert person.start("my cramp massage").speech.startswith("Leg cramp massage.")


def test_a_one_shot_request_starts_a_routine_in_a_new_session(person):
    turn = person.start("cramp tips")
    assert turn.speech.startswith("Cramp prevention tips.")
    assert turn.attributes["routine"] == "cramp-prevention"


@pytest.mark.parametrize("attributes", [
    {"v": 2, "routine": "no-such-routine", "step": 0, "part": 0, "asked": "next"},
    {"v": 2, "routine": "butterfly-stretch", "step": 7, "part": 0, "asked": "next"},
    {"v": 2, "routine": "butterfly-stretch", "step": -1, "part": 0, "asked": "next"},
    {"v": 2, "routine": "butterfly-stretch", "step": 0, "part": 3, "asked": "next"},
    {"v": 2, "routine": "butterfly-stretch", "step": "1", "part": 0, "asked": "next"},
    {"v": 2, "routine": "butterfly-stretch", "step": True, "part": 0, "asked": "next"},
    {"v": 2, "routine": ["butterfly-stretch"], "step": 0, "part": 0},
    {"v": 2, "routine": "butterfly-stretch", "step": 0, "part": 0, "asked": "launch missiles"},
    {"v": 1, "routine": "butterfly-stretch", "turn": 0, "part": 0},
    {"v": 99, "routine": "butterfly-stretch", "step": 0, "part": 0},
    {"routine": "butterfly-stretch"},
])
def test_tampered_session_state_is_treated_as_no_routine(person, attributes):
    person.launch()
    person._session["attributes"] = attributes
    turn = person.say(intents.NEXT)
    assert turn.status == 200
    assert turn.speech.startswith("You haven't started a routine yet.")


def test_an_intent_this_version_does_not_know_is_a_fallback(person):
    turn = person.say("GoToTheMoonIntent")
    assert turn.speech.startswith("Sorry, I didn't catch that.") and not turn.ends_session


def test_the_offer_to_carry_on_survives_a_miss(person):
    person.start("leg cramp massage")
    person.say(intents.NEXT)
    person.say(intents.STOP)
    person.launch()
    missed = person.say(intents.FALLBACK)
    assert missed.speech.endswith("Would you like to carry on where you left off?")
    # The first point was pressed out: carrying on is at the next.
    assert person.say(intents.YES).speech.startswith("Picking up leg cramp massage at step 3")


def test_session_ended_gets_an_empty_response_and_the_reason_is_logged(person, caplog):
    person.launch()
    turn = person.end("ERROR", {"type": "INVALID_RESPONSE", "message": "bad ssml"})
    assert turn.status == 200
    assert "outputSpeech" not in turn.response and "reprompt" not in turn.response
    assert "session ended (ERROR): INVALID_RESPONSE: 'bad ssml'" in caplog.text


def test_every_open_response_asks_and_has_a_reprompt_every_closing_one_does_not(person):
    turns = [person.launch(), person.start("butterfly"), person.say(intents.HELP),
             person.say(intents.NEXT), person.say(intents.REPEAT), person.say(intents.STOP)]
    for turn in turns:
        if turn.ends_session:
            assert not turn.reprompt and turn.response["shouldEndSession"] is True
        else:
            assert turn.speech.endswith("?") and turn.reprompt.endswith("?")
            assert turn.response["shouldEndSession"] is False


def go_to(person, number: str | None):
    slots = {intents.NUMBER_SLOT: slot(intents.NUMBER_SLOT, number)}
    return person.intent(intents.GO_TO_STEP, slots)


def how_long(person, routine: str | None = None):
    slots = {intents.ROUTINE_SLOT: slot(intents.ROUTINE_SLOT, routine)}
    return person.intent(intents.HOW_LONG, slots)


def test_go_to_a_step_by_number(person):
    person.start("leg cramp massage")
    assert go_to(person, "3").speech.startswith("Step 3 of 4. Next, the Chengshan point")
    assert person.say(intents.PREVIOUS).speech.startswith("Step 2 of 4.")


def test_go_to_a_tip_starts_at_that_tip(person, fixture_catalog):
    routine = fixture_catalog.get("cramp-prevention")
    person.start("cramp prevention")
    assert go_to(person, "2").speech.startswith("Tip 2.")
    assert person.say(intents.NEXT).speech.startswith(f"Tip {routine.turn(1).stop + 1}.")


def test_go_to_a_step_that_does_not_exist_keeps_the_place(person):
    person.start("butterfly")
    turn = go_to(person, "9")
    assert turn.speech == "There's no step 9 in butterfly stretch; it has 2 steps. Ready to go on?"
    assert person.say(intents.NEXT).speech.startswith("Step 2 of 2.")


def test_which_step_asks_one_question_and_takes_a_bare_number(person):
    person.start("leg cramp massage")
    person.say(intents.NEXT)
    which = go_to(person, "?")  # Alexa heard no number
    assert which.speech == "Leg cramp massage has 4 steps. Which step would you like?"
    assert which.speech.count("?") == 1
    assert go_to(person, "3").speech.startswith("Step 3 of 4.")  # "three", alone


def test_no_to_which_step_keeps_the_exact_place_and_its_question(person):
    person.start("leg cramp massage")
    person.say(intents.NEXT)
    person.say(intents.NEXT)
    go_to(person, "?")
    assert person.say(intents.NO).speech == "No rush. Ready to go on?"
    assert person.say(intents.NEXT).speech.startswith("Step 4 of 4.")


def test_a_failed_go_to_in_a_checklist_keeps_the_exact_place(person, fixture_catalog):
    routine = fixture_catalog.get("cramp-prevention")
    person.start("cramp prevention")
    go_to(person, "2")
    go_to(person, "40")
    go_to(person, "?")
    person.say(intents.HELP)
    assert person.say(intents.NEXT).speech.startswith(f"Tip {routine.turn(1).stop + 1}.")


def test_after_the_end_help_how_long_and_repeat_talk_about_a_finished_routine(person):
    person.start("butterfly")
    end = person.say(intents.NEXT)
    help_turn = person.say(intents.HELP)
    assert help_turn.speech.startswith("You've finished butterfly stretch.")
    assert "say next" not in help_turn.speech and help_turn.speech.endswith(ANOTHER)
    assert how_long(person).speech == f"You've finished butterfly stretch. {ANOTHER}"
    assert person.say(intents.REPEAT).speech == end.speech  # worded for its own turn


def test_give_me_a_minute_keeps_the_place_and_asks_after_a_minute(person):
    person.start("spiral twist")
    turn = person.intent(intents.WAIT)
    assert turn.speech == f"Sure, take your time. [60 s] {GO_ON}"
    assert not turn.ends_session and turn.reprompt
    assert all(0 < s <= 10 for s in break_lengths(turn.ssml))
    assert person.say(intents.NEXT).speech.startswith("Step 2 of 2.")


def test_go_to_before_any_routine_gets_guidance(person):
    assert go_to(person, "2").speech.startswith("You haven't started a routine yet.")


def test_how_long_is_left_in_a_routine(person):
    person.start("leg cramp massage")
    turn = how_long(person)
    assert turn.speech == ("You're at step 1 of 4 of leg cramp massage, with about 2 minutes "
                           "to go. Ready to go on?")
    person.say(intents.NEXT)
    assert "step 2 of 4" in how_long(person).speech


def test_how_long_a_named_routine_takes(person):
    person.launch()
    turn = how_long(person, "the spiral twist")
    assert turn.speech.startswith("Spiral twist takes about 2 minutes. Pick from")
    assert turn.speech.endswith(WHICH)


def test_the_one_shot_how_long_gets_a_short_answer_not_the_menu(person):
    # "Alexa, ask stretch coach how long the spiral twist takes"
    turn = how_long(person, "the spiral twist")
    assert turn.speech == "Spiral twist takes about 2 minutes."
    assert turn.ends_session


def test_list_routines_names_them_all_by_kind(person):
    turn = person.say(intents.LIST_ROUTINES)
    assert turn.speech.startswith("Stretches: butterfly stretch and spiral twist. Massage: leg "
                                  "cramp massage. Tips: cramp prevention tips. What would you "
                                  "like?")


def test_how_long_at_the_menu_gives_the_range(person):
    person.launch()
    turn = how_long(person)
    assert turn.speech.startswith(
        "The routines here take from less than a minute to about 2 minutes.")


def test_it_hurts_stops_the_routine_and_offers_cramp_relief(person):
    person.start("butterfly")
    person.say(intents.NEXT)
    turn = person.say(intents.PAIN)
    assert turn.speech.startswith("Let's stop here. Don't push through pain")
    assert "see a doctor" in turn.speech
    assert "I can talk you through leg cramp massage" in turn.speech
    assert turn.speech.endswith("Would you like to try it?")
    assert "routine" not in turn.attributes
    assert person.say(intents.YES).speech.startswith("Leg cramp massage.")


def test_no_to_cramp_relief_ends_the_session(person):
    person.launch()
    person.say(intents.PAIN)
    assert person.say(intents.NO).ends_session


def test_it_hurts_during_the_massage_itself_ends_with_the_advice(person):
    person.start("leg cramp massage")
    turn = person.say(intents.PAIN)
    assert turn.speech.startswith("Let's stop here.") and turn.speech.endswith(
        "Goodbye, and look after yourself.")
    assert turn.ends_session
