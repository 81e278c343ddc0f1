"""Progress that motivates: the streak now and at best, across the person's own days; the
streak at milestones as a routine ends; every routine named in a summary; a routine suggested
for today. Conversations through Alexa envelopes, on SQLite and PostgreSQL, any catalog."""

from __future__ import annotations

import pytest

from skill.alexa import intents
from skill.app import create_app
from skill.coach.state import Question
from skill.content.routines import Kind
from skill.settings import DatabaseUrl, Settings
from skill.simulator.envelopes import Device
from skill.simulator.settings_api import SettingsApi, settings_api

from .helpers import ROUTINES, Person, client_sender
from .test_memory import START, Clock
from .wordings import says


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def app(database_url, clock):
    app = create_app(Settings(routines=(ROUTINES,), verify=False,
                              database=DatabaseUrl.parse(database_url)), clock=clock)
    yield app
    app.extensions["stretch_coach"]["store"].close()


@pytest.fixture
def someone(app):
    """Someone in New York who has used the skill before."""
    with settings_api(SettingsApi(zone="America/New_York")) as api:
        person = Person(client_sender(app.test_client()), Device(api_endpoint=api.url))
        person.launch()
        person.say(intents.STOP)
        yield person


@pytest.fixture
def catalog(app):
    return app.extensions["stretch_coach"]["catalog"]


def finish(person: Person, routine) -> list:
    """Starts `routine` and goes through it to its end; the turns heard."""
    turns = [person.start(routine.name)]
    while turns[-1].attributes.get("asked") != Question.ANOTHER:
        turns.append(person.say(intents.NEXT))
    person.say(intents.STOP)
    return turns


def timed(catalog):
    return next(routine for routine in catalog if routine.timed_steps)


def streak(person: Person) -> str:
    return person.intent(intents.STREAK).speech  # "Alexa, ask stretch coach what's my streak"


# "What's my streak?"

def test_the_streak_counts_the_persons_own_days_now_and_at_best(someone, clock, catalog):
    routine = timed(catalog)
    assert streak(someone) == ("You haven't got a streak going yet; finish a routine today to "
                               "start one.")
    finish(someone, routine)  # Monday 18:00 in New York
    assert streak(someone) == ("You've a 1-day streak; a routine tomorrow makes it 2 days in a "
                               "row.")
    clock.advance(hours=5)  # 23:00 Monday in New York (Tuesday in UTC): the same day there
    finish(someone, routine)
    assert streak(someone).startswith("You've a 1-day streak")
    clock.advance(hours=14)  # Tuesday 13:00
    finish(someone, routine)
    clock.advance(days=1)  # Wednesday
    finish(someone, routine)
    assert streak(someone) == "You're on a 3-day streak, your best yet."
    clock.advance(days=1)  # Thursday, nothing yet: yesterday's streak still stands
    assert streak(someone) == "You're on a 3-day streak, your best yet."
    clock.advance(days=1)  # Friday: Thursday was missed
    assert streak(someone) == ("You haven't got a streak going yet; finish a routine today to "
                               "start one. Your best was 3 days in a row.")
    finish(someone, routine)
    clock.advance(days=1)
    finish(someone, routine)
    assert streak(someone) == ("You're on a 2-day streak, and your best is 3 days in a row.")


def test_a_streak_question_mid_routine_keeps_the_place(someone, catalog):
    routine = timed(catalog)
    someone.start(routine.name)
    turn = someone.intent(intents.STREAK)
    assert turn.speech.startswith("You haven't got a streak going yet")
    assert turn.attributes["asked"] == Question.NEXT and not turn.ends_session


# The streak as a routine ends.

def test_finishing_a_routine_mentions_the_streak_at_milestones_only(someone, clock, catalog):
    routine = timed(catalog)
    ends = []
    for _ in range(8):
        ends.append(finish(someone, routine)[-1].speech)
        clock.advance(days=1)
    milestones = [number for number, end in enumerate(ends, 1)
                  if says(end, "streak_milestone", days=str(number))]
    assert milestones == [3, 7]
    assert not any("in a row" in end for number, end in enumerate(ends, 1)
                   if number not in (3, 7))
    # the milestone, then the question: one question still
    assert ends[2].count("?") == 1 and ends[2].index("3 days in a row") < ends[2].index("?")


def test_a_second_routine_on_a_milestone_day_does_not_say_it_again(someone, clock, catalog):
    routine = timed(catalog)
    for _ in range(2):
        finish(someone, routine)
        clock.advance(days=1)
    assert "3 days in a row" in finish(someone, routine)[-1].speech
    clock.advance(hours=1)
    assert "in a row" not in finish(someone, routine)[-1].speech


# Summaries.

def test_the_weeks_summary_names_every_routine_done(someone, catalog):
    done = list(catalog)[:5]
    for routine in done:
        finish(someone, routine)
    summary = someone.intent(intents.PROGRESS).speech
    for routine in done:
        assert f"{routine.name[:1].lower()}{routine.name[1:]} once" in summary
    assert "other" not in summary


# "What should I do today?"

def today(person: Person):
    return person.intent(intents.TODAY)


def test_today_suggests_a_routine_not_done_in_the_last_week(someone, clock, catalog):
    ordered = sorted(catalog, key=lambda routine: list(Kind).index(routine.kind))
    first = today(someone)
    assert first.speech.startswith(f"{ordered[0].name} would be a good one: you haven't done it")
    assert first.attributes["asked"] == Question.SUGGEST and first.speech.count("?") == 1
    assert someone.say(intents.YES).speech.startswith(f"{ordered[0].name}.")
    someone.say(intents.STOP)
    finish(someone, ordered[0])
    assert today(someone).speech.startswith(f"{ordered[1].name} would be a good one")
    clock.advance(days=8)  # a week on, the first is due again
    assert today(someone).speech.startswith(f"{ordered[0].name} would be a good one")


def test_today_with_every_routine_done_this_week_suggests_the_longest_ago(someone, clock,
                                                                           catalog):
    for routine in catalog:
        finish(someone, routine)
        clock.advance(minutes=10)
    longest_ago = list(catalog)[0]
    turn = today(someone)
    name = longest_ago.name[:1].lower() + longest_ago.name[1:]
    assert turn.speech.startswith(f"You've done every routine this week; {name} was the "
                                  "longest ago.")
    assert turn.speech.count("?") == 1


def test_today_offers_the_routine_left_unfinished(someone, catalog):
    routine = next(routine for routine in catalog if len(routine.turns) > 2)
    someone.start(routine.name)
    second = someone.say(intents.NEXT)
    someone.say(intents.STOP)
    offer = today(someone)  # a new session
    position = second.attributes["step"] + 1
    name = routine.name[:1].lower() + routine.name[1:]
    assert offer.speech.startswith(f"You left {name} unfinished, at ")
    assert offer.attributes["asked"] == Question.RESUME
    resumed = someone.say(intents.YES)
    assert resumed.attributes["step"] == position - 1


def test_today_mid_routine_points_back_to_it(someone, catalog):
    routine = next(routine for routine in catalog if len(routine.turns) > 2)
    someone.start(routine.name)
    turn = today(someone)
    name = routine.name[:1].lower() + routine.name[1:]
    assert turn.speech.startswith(f"You've still got {name} to finish, at ")
    assert turn.attributes["asked"] == Question.NEXT
