"""Sounding like a coach: what helps with what bothers someone, a pace that fits them, and
a doctor first for an injury. Conversations through HTTP, asserting what a person hears."""

from __future__ import annotations

import pytest

from skill.alexa import intents
from skill.simulator.envelopes import Resolution, slot

from .helpers import Person, held_seconds, moving_seconds

GO_ON = "Ready to go on?"
WHAT = "What would you like?"


def concern(person: Person, words: str | None, resolved_id: str | None = None):
    """ "What helps with <words>?", with Alexa's entity resolution if it matched."""
    resolution = Resolution(intents.CONCERN_SLOT_TYPE, resolved_id, words) if resolved_id \
        else None
    filled = slot(intents.CONCERN_SLOT, words, resolution)
    return person.intent(intents.CONCERN, {intents.CONCERN_SLOT: filled})


# What helps with ...

@pytest.mark.parametrize(("words", "first"), [
    ("a leg cramp", "leg cramp massage"),
    ("cramp in my leg", "leg cramp massage"),
    ("cramps at night", "cramp prevention tips"),
    ("waking up with cramps", "cramp prevention tips"),
    ("my legs ache", "butterfly stretch"),
    ("lower back pain", "spiral twist"),
    ("a sore back", "spiral twist"),
])
def test_each_concern_reaches_the_routine_that_helps_most(person, words, first):
    person.launch()
    turn = concern(person, words)
    assert f"I'd suggest {first}." in turn.speech
    assert turn.speech.endswith(f"Would you like to start {first}?")
    assert turn.speech.count("?") == 1 and not turn.ends_session
    started = person.say(intents.YES)
    assert started.speech.lower().startswith(first)


def test_several_routines_are_offered_best_first_and_no_moves_to_the_next(person):
    person.launch()
    turn = concern(person, "sore legs")
    assert turn.speech == ("For sore legs, I'd suggest butterfly stretch. You could also try "
                           "spiral twist or leg cramp massage. Would you like to start butterfly "
                           "stretch?")
    second = person.say(intents.NO)
    assert second.speech == ("Then there's spiral twist. You could also try leg cramp massage. "
                             "Would you like to start spiral twist?")
    person.say(intents.NO)
    last = person.say(intents.YES)
    assert last.speech.startswith("Leg cramp massage.")


def test_entity_resolution_names_the_concern_whatever_the_words(person):
    person.launch()
    turn = concern(person, "my back is killing me", resolved_id="lower-back-pain")
    assert "For lower back pain, I'd suggest spiral twist." in turn.speech


def test_a_concern_asked_in_one_go_by_someone_new_comes_after_the_safety_note(newcomer):
    turn = concern(newcomer, "cramps at night")  # "Alexa, ask stretch coach what helps ..."
    assert turn.speech.startswith("General guidance only, not medical advice")
    assert "For cramps at night, I'd suggest cramp prevention tips." in turn.speech


@pytest.mark.parametrize("words", ["a swollen knee", "a sprained ankle", "pain that won't go away"])
def test_an_injury_or_lasting_pain_gets_a_doctor_before_any_routine(person, words):
    turn = concern(person, words)
    assert turn.speech.startswith("That sounds like something for a doctor.")
    assert "suggest" not in turn.speech and turn.ends_session


def test_saying_you_are_hurt_gets_a_doctor_too(person):
    person.start("spiral twist")
    turn = person.say(intents.INJURY)
    assert turn.speech.startswith("That sounds like something for a doctor.") and turn.ends_session


def test_an_unknown_concern_is_not_guessed_at(person):
    person.launch()
    turn = concern(person, "itchy elbows")
    assert turn.speech.startswith("I'm not sure which routine helps with itchy elbows. If it's "
                                  "an injury, or the pain is sharp, swollen or won't go away")
    assert turn.speech.endswith(WHAT) and turn.speech.count("?") == 1


def test_what_was_heard_is_said_back_as_words_only(person):
    person.launch()
    turn = concern(person, "what? <b>itchy & elbows</b>")
    assert "itchy" in turn.speech and "<" not in turn.speech and turn.speech.count("?") == 1


def test_a_concern_mid_routine_keeps_the_place_until_a_new_routine_starts(person):
    person.start("leg cramp massage")
    person.say(intents.NEXT)
    offered = concern(person, "lower back pain")
    assert offered.speech.endswith("Would you like to start spiral twist?")
    assert person.say(intents.HELP).speech.endswith("Would you like to start spiral twist?")
    assert person.say(intents.YES).speech.startswith("Spiral twist.")


def test_a_suggestion_at_the_menu_survives_a_miss(person):
    person.launch()
    concern(person, "lower back pain")
    missed = person.say(intents.FALLBACK)
    assert missed.speech.startswith("Sorry, I didn't catch that.")
    assert missed.speech.endswith("Would you like to start spiral twist?")
    assert person.say(intents.YES).speech.startswith("Spiral twist.")


# A pace that fits the person.

def spiral_step(person: Person):
    person.start("spiral twist")
    return person.say(intents.NEXT)


def test_slower_gives_more_time_to_move_and_never_changes_the_holds(person):
    usual = spiral_step(person)
    slower = person.intent(intents.SLOWER)
    assert slower.speech == ("All right, I'll give you more time to get into position, switch "
                             "sides and rest. Would you like another routine?")
    again = spiral_step(person)
    assert held_seconds(again.ssml) == held_seconds(usual.ssml) == [10] * 6
    assert moving_seconds(usual.ssml) == 30  # 5 to get ready, 3 switches and 2 rests of 5
    assert moving_seconds(again.ssml) == 48  # half as long again: 7.5 rounded up, six times
    assert "Get into position. [8 s]" in again.speech


def test_faster_halves_the_time_to_move_down_to_a_limit(person):
    person.launch()
    assert person.intent(intents.FASTER).speech.startswith("All right, less time")
    assert person.intent(intents.FASTER).speech.startswith("That's already the quickest pace.")
    step = spiral_step(person)
    assert moving_seconds(step.ssml) == 18  # half: 2.5 rounded up, six times
    assert held_seconds(step.ssml) == [10] * 6


def test_the_pace_is_remembered_in_a_later_session(person):
    person.launch()
    person.intent(intents.SLOWER)
    person.intent(intents.SLOWER)
    person.say(intents.STOP)
    person.launch()
    step = spiral_step(person)
    assert "Get into position. [10 s]" in step.speech
    assert moving_seconds(step.ssml) == 60


def test_longer_holds_pick_within_the_articles_range_and_only_there(person):
    person.launch()
    person.intent(intents.LONGER)
    person.start("leg cramp massage")
    massage = person.say(intents.NEXT)
    assert held_seconds(massage.ssml) == [45]  # between half a minute and a minute
    person.intent(intents.LONGER)
    assert person.say(intents.REPEAT).speech.count("[") and held_seconds(
        person.say(intents.REPEAT).ssml) == [60]
    assert person.intent(intents.LONGER).speech.startswith("Holds are already as long")
    assert held_seconds(spiral_step(person).ssml) == [10] * 6  # the article gives no range


def test_settings_are_said_and_can_be_reset(person):
    person.launch()
    person.intent(intents.SLOWER)
    person.intent(intents.LONGER)
    told = person.intent(intents.SETTINGS)
    assert told.speech.startswith("Your pace is slower: 8 seconds to get into position and "
                                  "8 seconds to switch sides. Where a routine gives a range, "
                                  "holds are in the middle of the range.")
    assert told.speech.count("?") == 1
    reset = person.intent(intents.RESET_SETTINGS)
    assert reset.speech.startswith("All right, back to the usual pace")
    assert person.intent(intents.SETTINGS).speech.startswith("Your pace is normal: 5 seconds")


def test_the_settings_asked_in_one_go_get_a_short_answer(person):
    turn = person.intent(intents.SETTINGS)
    assert turn.speech.startswith("Your pace is normal") and turn.ends_session


# The welcome.

def test_the_welcome_offers_at_most_five_choices(person):
    turn = person.launch()
    menu = turn.speech.split("Welcome back to Stretch Coach. ")[1]
    assert menu == ("Pick from 2 stretches, a massage and a set of tips, or say what's "
                    f"bothering you. {WHAT}")
    assert len(turn.speech.split()) < 35


def test_a_finished_routine_stays_finished_whatever_is_asked_after_it(person):
    person.start("butterfly")
    assert "all done" in person.say(intents.NEXT).speech
    concern(person, "sore legs", "sore-legs")
    person.say(intents.NO)
    goodbye = person.say(intents.STOP).speech
    assert "kept your place" not in goodbye and goodbye.startswith("Goodbye")
