"""The Coach alone: the conversation's logic as a pure state machine, no HTTP, SDK, speech or
database. Each test is a short conversation of Coach events, asserting what is to be said (the
phrase keys), what is asked, the state that follows and what must be remembered."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from skill.coach.conversation import Coach
from skill.coach.placement import arrive
from skill.coach.progress import summarize
from skill.coach.replies import Effect, History, Reply
from skill.coach.state import (
    Place,
    Question,
    Said,
    StaleState,
    State,
    Suggestion,
    clean_attributes,
    parse_state,
)
from skill.content.catalog import Catalog
from skill.content.loader import load_catalog
from skill.content.timing import HOLD_LENGTHS, PACE_FACTORS, Pace
from skill.store.days import local_day
from skill.store.records import Streak

from .helpers import FIXTURE_ROUTINES

CATALOG = load_catalog([FIXTURE_ROUTINES])
BUTTERFLY, TIPS, MASSAGE, SPIRAL = (CATALOG.get(routine_id) for routine_id in (
    "butterfly-stretch", "cramp-prevention", "leg-cramp-massage", "spiral-twist"))
# Where a step is too long for one response the voice splits it into parts; here the spiral
# twist's timed step takes three, every other place one.
SPLIT = Place(SPIRAL, 1)


def part_count(place: Place) -> int:
    return 3 if (place.routine, place.step) == (SPLIT.routine, SPLIT.step) else 1


COACH = Coach(CATALOG, part_count)


class Talk:
    """One person's conversation with the Coach: each event starts from the last reply's
    state, as the next request of a session does."""

    def __init__(self, state: State | None = None):
        self.state = state or State()

    def __call__(self, event, *args) -> Reply:
        reply = event(COACH, self.state, *args)
        self.state = reply.state
        return reply

    def heard_out(self) -> None:
        """The person hears the last response out, holds and all, as the Alexa layer places
        them (skill/coach/placement.py) before their next request."""
        said = dataclasses.replace(self.state, said=Said(0, "the request that spoke it"))
        self.state = arrive(said, 10**6, ())


def keys(reply: Reply) -> list[str]:
    return [line.key for line in reply.lines]


def in_routine(routine, step: int = 0) -> Talk:
    talk = Talk()
    talk(Coach.start, routine)
    if step:
        talk(Coach.go_to, step + 1)
    return talk


# Starting.

def test_someone_new_is_welcomed_warned_and_shown_the_menu_and_is_then_known():
    reply = Talk()(Coach.launch, History())
    assert keys(reply) == ["welcome", "safety_note", "menu"]
    assert reply.ask is Question.CHOOSE and reply.effects == {Effect.MET}


def test_someone_known_is_welcomed_again_without_the_safety_note():
    reply = Talk()(Coach.launch, History(known=True))
    assert keys(reply) == ["welcome_again", "menu"] and not reply.effects


def test_an_unfinished_routine_is_offered_at_launch_and_taken_up_with_yes():
    talk = Talk()
    offer = talk(Coach.launch, History(known=True, saved=Place(MASSAGE, 2)))
    assert keys(offer) == ["welcome_back", "saved_place"] and offer.ask is Question.RESUME
    resumed = talk(Coach.yes)
    assert keys(resumed) == ["resuming", "step"]
    assert resumed.state.place == Place(MASSAGE, 2) and resumed.state.offer is None


def test_no_to_the_offer_starts_fresh_and_forgets_the_place():
    talk = Talk()
    talk(Coach.launch, History(known=True, saved=Place(MASSAGE, 2)))
    reply = talk(Coach.no)
    assert keys(reply) == ["fresh_start", "menu"] and reply.effects == {Effect.FORGET_PLACE}
    assert reply.state.offer is None


def test_a_first_request_of_someone_new_gets_the_safety_note_first_once():
    start = COACH.greet(COACH.start(State(), BUTTERFLY))
    assert keys(start) == ["safety_note", "intro", "step"] and Effect.MET in start.effects
    doctor = COACH.greet(COACH.see_doctor(State()))
    assert keys(doctor) == ["see_doctor", "goodbye"]  # safety advice already, nothing added


def test_an_unknown_or_missing_routine_gets_the_menu():
    assert keys(Talk()(Coach.start, None, "yoga for cats")) == ["unknown_routine", "menu"]
    assert keys(Talk()(Coach.start, None)) == ["need_routine", "menu"]


# Moving through a routine.

def test_a_routine_is_spoken_step_by_step_and_finished_once():
    talk = Talk()
    intro = talk(Coach.start, BUTTERFLY)
    assert keys(intro) == ["intro", "step"] and intro.ask is Question.NEXT
    last = talk(Coach.next)
    assert keys(last) == ["step", "close", "praise"] and last.ask is Question.ANOTHER
    assert last.effects == {Effect.ARRIVED, Effect.FINISHING}  # once its holds are heard out
    talk.heard_out()
    assert talk.state.completed[0] == "the request that spoke it"
    again = talk(Coach.next)
    assert keys(again) == ["finished"] and not again.effects
    assert talk(Coach.repeat).effects == frozenset()  # hearing the end again counts nothing


def test_a_checklist_moves_a_turns_worth_of_tips_at_a_time():
    talk = Talk()
    talk(Coach.start, TIPS)
    starts = TIPS.turns  # grouped by words (content/turns.py)
    assert talk.state.place.steps == range(0, starts[1])
    for start, stop in zip(starts[1:], (*starts[2:], len(TIPS.steps)), strict=True):
        last = talk(Coach.next)
        assert talk.state.place.steps == range(start, stop)
    assert talk.state.place.last
    assert last.effects == {Effect.ARRIVED, Effect.FINISHED}  # no holds: finished at once
    talk(Coach.previous)
    assert talk.state.place.steps == range(starts[-2], starts[-1])


def test_a_step_in_parts_asks_to_carry_on_between_them_and_goes_back_part_by_part():
    talk = in_routine(SPIRAL)
    first = talk(Coach.next)
    assert first.state.place == Place(SPIRAL, 1, 0) and first.ask is Question.CONTINUE
    assert talk(Coach.next).state.place == Place(SPIRAL, 1, 1)
    assert talk(Coach.previous).state.place == Place(SPIRAL, 1, 0)
    talk(Coach.next)
    end = talk(Coach.next)
    assert end.state.place == Place(SPIRAL, 1, 2)
    assert end.effects == {Effect.ARRIVED, Effect.FINISHING}


def test_previous_at_the_first_step_says_so_and_stays():
    reply = in_routine(MASSAGE)(Coach.previous)
    assert keys(reply) == ["first_step", "step"] and reply.state.place == Place(MASSAGE, 0)


@pytest.mark.parametrize(("number", "place", "said"), [
    (3, Place(MASSAGE, 2), ["step"]),
    (9, Place(MASSAGE, 1), ["no_such_step"]),
    (0, Place(MASSAGE, 1), ["no_such_step"]),
    (None, Place(MASSAGE, 1), ["which_step"]),
])
def test_go_to_a_step(number, place, said):
    talk = in_routine(MASSAGE, 1)
    reply = talk(Coach.go_to, number)
    assert keys(reply) == said and reply.state.place == place
    assert reply.ask is (Question.STEP if number is None else Question.NEXT)


def test_start_over_begins_the_routine_again():
    assert in_routine(MASSAGE, 2)(Coach.start_over).state.place == Place(MASSAGE)


@pytest.mark.parametrize("event", [Coach.next, Coach.previous, Coach.start_over, Coach.pause])
def test_moving_without_a_routine_gets_the_menu(event):
    reply = Talk()(event)
    assert keys(reply) == ["no_routine_yet", "menu"] and reply.ask is Question.CHOOSE


# Pausing, stopping, resuming.

def test_pause_keeps_the_place_says_how_to_come_back_and_ends_the_session():
    reply = in_routine(MASSAGE, 1)(Coach.pause)
    assert keys(reply) == ["paused", "come_back"] and reply.ask is None


def test_stop_mid_routine_says_the_place_is_kept_and_after_the_end_just_goodbye():
    assert keys(in_routine(MASSAGE, 1)(Coach.stop)) == ["saved", "goodbye"]
    talk = in_routine(BUTTERFLY)
    talk(Coach.next)
    talk.heard_out()
    assert keys(Talk(talk.state)(Coach.stop)) == ["goodbye"]
    assert keys(Talk(talk.state)(Coach.pause)) == ["goodbye"]


def test_resume_carries_on_from_the_session_then_the_offer_then_what_was_saved():
    assert Talk()(Coach.resume, History(saved=Place(TIPS, 3))).state.place == Place(TIPS, 3)
    in_session = in_routine(MASSAGE, 2)(Coach.resume, History(saved=Place(TIPS, 3)))
    assert in_session.state.place == Place(MASSAGE, 2)
    nothing = Talk()(Coach.resume, History())
    assert keys(nothing) == ["nothing_to_resume", "menu"]


def test_resume_after_the_end_lists_the_routines():
    talk = in_routine(BUTTERFLY)
    talk(Coach.next)
    talk.heard_out()
    assert keys(talk(Coach.resume, History())) == ["menu_full"]


# Answers to what was asked.

def test_no_to_go_on_waits_and_keeps_the_question():
    talk = in_routine(MASSAGE)
    reply = talk(Coach.no)
    assert keys(reply) == ["no_rush"] and reply.ask is Question.NEXT
    assert reply.state.place == Place(MASSAGE)


def test_yes_and_no_to_another_routine():
    talk = in_routine(BUTTERFLY)
    talk(Coach.next)
    talk.heard_out()
    assert keys(Talk(talk.state)(Coach.yes)) == ["menu"]
    assert keys(Talk(talk.state)(Coach.no)) == ["goodbye"]


def test_forgetting_is_asked_first_and_yes_forgets_everything():
    talk = in_routine(MASSAGE, 1)
    assert talk(Coach.forget).ask is Question.FORGET
    yes = Talk(talk.state)(Coach.yes)
    assert keys(yes) == ["forgotten", "goodbye"] and yes.effects == {Effect.FORGET_PERSON}
    assert yes.state == State()
    no = Talk(talk.state)(Coach.no)
    assert keys(no) == ["kept"] and no.state.place == Place(MASSAGE, 1) and not no.effects


def test_yes_or_no_to_nothing_asked_is_not_understood():
    assert keys(Talk()(Coach.yes))[0] == "not_understood"
    assert keys(Talk()(Coach.no))[0] == "not_understood"


# What is bothering the person.

def test_a_concern_suggests_what_helps_best_first_and_no_moves_down_the_list():
    talk = Talk()
    sore_legs = CATALOG.concern("sore-legs")
    first = talk(Coach.concern, sore_legs)
    assert keys(first) == ["suggest"] and first.ask is Question.SUGGEST
    assert first.lines[0].routine == BUTTERFLY
    assert first.lines[0].routines == (SPIRAL, MASSAGE)  # the others, to mention
    second = talk(Coach.no)
    assert keys(second) == ["suggest_next"] and second.lines[0].routine == SPIRAL
    talk(Coach.no)
    assert keys(talk(Coach.no)) == ["no_problem", "menu"]


def test_yes_to_a_suggestion_starts_it():
    talk = Talk()
    talk(Coach.concern, CATALOG.concern("lower-back-pain"))
    started = talk(Coach.yes)
    assert keys(started) == ["intro", "step"] and started.state.place == Place(SPIRAL)
    assert started.state.suggestion is None


def test_a_concern_for_a_doctor_gets_a_doctor_and_no_routine():
    reply = Talk()(Coach.concern, CATALOG.concern("swelling"))
    assert keys(reply) == ["see_doctor", "goodbye"] and reply.ask is None


def test_an_unknown_concern_is_not_guessed_at():
    reply = Talk()(Coach.concern, None, "itchy elbows")
    assert keys(reply) == ["unknown_concern", "menu"] and reply.lines[0].heard == "itchy elbows"


def test_it_hurts_offers_the_cramp_relief_and_yes_starts_it():
    talk = in_routine(SPIRAL, 1)
    offered = talk(Coach.hurts)
    assert keys(offered) == ["pain_advice", "offer_relief"] and offered.state.place is None
    assert talk(Coach.yes).state.place == Place(MASSAGE)


def test_it_hurts_during_the_relief_itself_or_with_none_to_offer_ends_with_the_advice():
    assert keys(in_routine(MASSAGE)(Coach.hurts)) == ["pain_advice", "goodbye"]
    pressing = in_routine(MASSAGE, 1)  # pressing a point may hurt: skip it, or stop?
    assert keys(pressing(Coach.hurts)) == ["ease_off"] and pressing.state.asked is Question.EASE
    assert keys(pressing(Coach.hurts)) == ["pain_advice", "goodbye"]
    no_relief = Coach(Catalog([BUTTERFLY]), part_count)
    assert keys(no_relief.hurts(State())) == ["pain_advice", "goodbye"]


# Side questions keep the place and its question.

@pytest.mark.parametrize("event", [Coach.help, Coach.wait, Coach.settings, Coach.slower,
                                   Coach.how_long])
def test_a_side_question_mid_routine_keeps_the_place_and_asks_again(event):
    talk = in_routine(MASSAGE, 1)
    reply = talk(event)
    assert reply.state.place == Place(MASSAGE, 1) and reply.ask is Question.NEXT


def test_a_side_question_in_one_go_gets_a_short_answer_that_ends_the_session():
    reply = Talk()(Coach.how_long, SPIRAL)
    assert keys(reply) == ["duration"] and reply.ask is None


def test_a_side_question_at_the_menu_comes_back_to_the_menu():
    talk = Talk()
    talk(Coach.launch, History(known=True))
    reply = talk(Coach.how_long)
    assert keys(reply) == ["durations", "menu"] and reply.ask is Question.CHOOSE


@pytest.mark.parametrize("event", [Coach.help, Coach.fallback])
def test_a_pending_suggestion_or_offer_survives_help_and_a_miss(event):
    talk = Talk()
    talk(Coach.concern, CATALOG.concern("lower-back-pain"))
    suggestion = talk(event)
    assert suggestion.ask is Question.SUGGEST and suggestion.state.suggestion is not None
    assert talk(Coach.yes).state.place == Place(SPIRAL)
    talk = Talk()
    talk(Coach.launch, History(known=True, saved=Place(MASSAGE, 2)))
    offer = talk(event)
    assert offer.ask is Question.RESUME and offer.state.offer == Place(MASSAGE, 2)
    assert talk(Coach.yes).state.place == Place(MASSAGE, 2)


def test_fallback_says_it_did_not_understand_then_helps_for_where_the_person_is():
    assert keys(in_routine(MASSAGE, 1)(Coach.fallback)) == ["not_understood", "at_place"]
    assert keys(Talk()(Coach.fallback)) == ["not_understood", "menu"]


def test_an_apology_keeps_the_place_and_asks_what_next():
    reply = in_routine(MASSAGE, 1)(Coach.apologise)
    assert reply.ask is Question.ANYTHING and reply.state.place == Place(MASSAGE, 1)


# Pace.

def test_slower_and_faster_move_the_pace_to_its_limits_and_are_remembered():
    talk = Talk()
    for _ in range(len(PACE_FACTORS) - 1 - Pace().speed):
        assert talk(Coach.slower).effects == {Effect.PACE}
    limit = talk(Coach.slower)
    assert keys(limit) == ["pace_limit.slowest"] and not limit.effects
    assert talk.state.pace.speed == len(PACE_FACTORS) - 1
    reset = talk(Coach.reset_pace)
    assert talk.state.pace == Pace() and reset.effects == {Effect.PACE}


def test_longer_holds_stop_at_the_longest_and_the_pace_outlives_the_routine():
    talk = in_routine(MASSAGE, 1)
    for _ in range(HOLD_LENGTHS - 1):
        talk(Coach.longer)
    assert keys(talk(Coach.longer)) == ["pace_limit.longest"]
    talk(Coach.next)
    talk(Coach.stop)
    assert talk.state.pace.hold == HOLD_LENGTHS - 1


# Session attributes: what the state travels as, and what comes back.

def test_a_state_survives_its_session_attributes():
    state = State(Place(SPIRAL, 1, 2), Question.CONTINUE, Place(TIPS, 3),
                  Suggestion(CATALOG.concern("sore-legs"), (BUTTERFLY, SPIRAL, MASSAGE), 1),
                  Pace(2, 1))
    assert parse_state(state.to_attributes(), CATALOG, part_count) == state


@pytest.mark.parametrize(("attributes", "why"), [
    ({"v": 1, "routine": "spiral-twist", "step": 0}, "version"),
    ({"v": 2, "routine": "retired-routine", "step": 0, "part": 0}, "unknown routine"),
    ({"v": 2, "routine": "spiral-twist", "step": 2, "part": 0}, "step 2 is out of range"),
    ({"v": 2, "routine": "butterfly-stretch", "step": 1, "part": 1}, "part 1 is out of range"),
    ({"v": 2, "asked": "launch missiles"}, "unknown question"),
    ({"v": 2, "asked": "step"}, "without its place"),
    ({"v": 2, "asked": "suggest"}, "without its suggestion"),
    ({"v": 2, "concern": "swelling", "choice": 0}, "unknown concern"),
    ({"v": 2, "pace": 9, "hold": 0}, "pace 9 is out of range"),
])
def test_stale_or_tampered_attributes_are_refused_naming_why(attributes, why):
    with pytest.raises(StaleState, match=why):
        parse_state(attributes, CATALOG, part_count)


def test_only_known_keys_of_their_json_type_and_a_sane_size_are_read():
    assert clean_attributes({"v": 2, "step": True, "part": 10_000, "routine": "x" * 101,
                             "asked": "next", "evil": {"a": 1}}) == {"v": 2, "asked": "next"}
    assert clean_attributes([1, 2]) == {}


# A week's progress.

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)  # a Tuesday


def finished(*days_ago: float, routine: str = "butterfly-stretch"):
    return [(routine, NOW - timedelta(days=days)) for days in days_ago]


def summary(finishes, zone=UTC, now=NOW):
    """The week `finishes` make, with the streak counted from them as the store counts it."""
    streak = Streak()
    for _, moment in sorted(finishes, key=lambda finish: finish[1]):
        streak = streak.after(local_day(moment.timestamp(), zone))
    return summarize(finishes, CATALOG, zone, now,
                     streak=streak.on(local_day(now.timestamp(), zone)))


def test_the_week_counts_routines_days_and_the_streak_in_local_days():
    progress = summary(finished(0, 0.1, 1, 2) + finished(1, routine="spiral-twist"))
    assert (progress.finished, progress.days, progress.streak) == (5, 3, 3)
    assert progress.routines == ((BUTTERFLY, 4), (SPIRAL, 1))


def test_a_day_with_none_yet_today_keeps_yesterdays_streak_and_a_gap_breaks_it():
    assert summary(finished(1, 2)).streak == 2
    assert summary(finished(2, 3)).streak == 0


def test_days_are_the_persons_own():
    late = [("butterfly-stretch", datetime(2026, 11, 24, 1, tzinfo=UTC))]  # Monday, in New York
    assert summary(late, ZoneInfo("America/New_York")).streak == 1
    assert summary(late, ZoneInfo("America/New_York"), NOW + timedelta(days=1)).streak == 0


def test_older_than_a_week_or_a_routine_since_removed_does_not_count():
    progress = summary(finished(7, 8) + finished(0, routine="retired-routine"))
    assert progress.finished == 0 and progress.routines == ()


def test_routines_helping_equally_are_offered_in_the_catalogs_order():
    late_first = dataclasses.replace(SPIRAL, helps_with=("sore-legs",))
    catalog = Catalog([late_first, BUTTERFLY], CATALOG.concerns)
    assert catalog.helping_with(CATALOG.concern("sore-legs")) == (late_first, BUTTERFLY)
