"""Remembering people: resume, progress, the safety note once, forgetting. Every test runs on
SQLite and on PostgreSQL, through Alexa request envelopes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from skill.alexa import intents
from skill.app import create_app
from skill.settings import DatabaseUrl, Settings
from skill.simulator.envelopes import Device, event_request, intent_request
from skill.simulator.settings_api import SettingsApi, settings_api
from skill.store import StoreError
from skill.store.database import open_database
from skill.store.days import local_day
from skill.store.records import Changes, Completion
from skill.voice.ssml import to_plain

from .helpers import (
    FIXTURE_ROUTINES,
    Person,
    client_sender,
    held_seconds,
    make_app,
    sqlite_url,
)
from .wordings import canonical

# An evening in New York: 23:00 UTC is 18:00 there.
START = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
WELCOME_AGAIN = "Welcome back to Stretch Coach."


class Clock:
    """The time the skill sees, moved on by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def hosts(database_url, clock):
    """Makes skill servers ("hosts") sharing the test's database and clock."""
    made = []

    def host(**settings):
        app = create_app(Settings(routines=(FIXTURE_ROUTINES,), verify=False,
                                  database=DatabaseUrl.parse(database_url), **settings),
                         clock=clock)
        made.append(app)
        return app

    yield host
    for app in made:
        app.extensions["stretch_coach"]["store"].close()


@pytest.fixture
def api():
    with settings_api(SettingsApi(zone="America/New_York")) as api:
        yield api


def person_on(app, api, device: Device | None = None) -> Person:
    return Person(client_sender(app.test_client()), device or Device(api_endpoint=api.url))


@pytest.fixture
def someone(hosts, api) -> Person:
    return person_on(hosts(), api)


def finish(person: Person, routine: str = "butterfly") -> None:
    """Starts and finishes a two-step routine in one session."""
    person.start(routine)
    assert "all done" in person.say(intents.NEXT).speech
    person.say(intents.STOP)


def stored(database_url: str, sql: str, params: tuple = ()) -> list:
    """What one statement reads, or [] after one that writes, straight from the database."""
    database = open_database(DatabaseUrl.parse(database_url), serving=False)
    try:
        if sql.lstrip().upper().startswith("SELECT"):
            return database.query(sql, params)
        database.change(sql, params)
        return []
    finally:
        database.close()


def erased(database_url: str, user: str):
    """Waits until a forgotten person's history is erased (in the background), and says
    whether anything of them is left."""
    person = stored(database_url, "SELECT id FROM people WHERE user_id = ?", (user,))

    def left() -> list:  # (SQLite may give the number to someone new once it is free)
        return stored(database_url, "SELECT * FROM people WHERE id = ? AND user_id IS NULL",
                      person[0]) + stored(
            database_url, "SELECT * FROM completions WHERE person = ?", person[0])

    def wait() -> list:
        deadline = time.monotonic() + 30
        while left() and time.monotonic() < deadline:
            time.sleep(0.02)
        return left()

    return wait


# The safety note, once per person.

def test_the_safety_note_is_said_on_a_first_launch_only(someone):
    first = someone.launch()
    assert "not medical advice" in first.speech and "stop if anything hurts" in first.speech
    someone.say(intents.STOP)
    again = someone.launch()
    assert again.speech.startswith(WELCOME_AGAIN) and "medical advice" not in again.speech


def test_a_newcomers_one_shot_request_hears_the_safety_note_first(someone):
    turn = someone.start("butterfly")
    assert turn.speech.startswith("General guidance only, not medical advice")
    assert "Butterfly stretch. A seated stretch" in turn.speech
    someone.say(intents.STOP)
    assert someone.start("spiral twist").speech.startswith("Spiral twist.")


def test_it_hurts_still_gives_the_safety_advice_every_time(someone):
    someone.launch()
    someone.say(intents.STOP)
    for _ in range(2):
        assert someone.say(intents.PAIN).speech.startswith("Let's stop here. Don't push through")


# Resume.

@pytest.mark.parametrize("answer", [intents.RESUME, intents.YES])
def test_a_new_session_offers_the_unfinished_routine_and_resumes_at_its_step(someone, answer):
    someone.launch()
    someone.start("leg cramp massage")
    someone.say(intents.NEXT)  # step 2, its hold heard out
    someone.close()  # silence: Alexa gave up listening
    back = someone.launch()
    assert back.speech == ("Welcome back. Last time you stopped at step 3 of 4 of leg cramp "
                           "massage. Would you like to carry on where you left off?")
    assert "name another routine" in back.reprompt
    resumed = someone.say(answer)
    assert resumed.speech.startswith("Picking up leg cramp massage at step 3 of 4. Step 3 of 4. "
                                     "Next, the Chengshan point")
    assert held_seconds(resumed.ssml) == [30]


def test_no_at_the_welcome_back_starts_fresh_and_forgets_the_place(someone):
    someone.launch()
    someone.start("spiral twist")
    someone.say(intents.STOP)
    someone.launch()
    fresh = someone.say(intents.NO)
    assert fresh.speech.startswith("All right, a fresh start. Pick from")
    someone.say(intents.STOP)
    assert someone.launch().speech.startswith(WELCOME_AGAIN)


def test_naming_a_routine_at_the_welcome_back_starts_it_instead(someone):
    someone.launch()
    someone.start("spiral twist")
    someone.say(intents.STOP)
    someone.launch()
    assert someone.start("butterfly").speech.startswith("Butterfly stretch.")
    someone.say(intents.STOP)
    assert "step 1 of 2 of butterfly stretch" in someone.launch().speech


def test_pause_then_the_one_shot_resume_carries_on(someone):
    someone.launch()
    someone.start("cramp prevention")
    someone.say(intents.NEXT)
    paused = someone.say(intents.PAUSE)
    assert paused.ends_session and "Alexa, open stretch coach" in paused.speech
    resumed = someone.say(intents.RESUME)  # "Alexa, ask stretch coach to resume", still heard
    assert resumed.speech.startswith("Picking up cramp prevention tips at tips 3 to 5 of 7. "
                                     "Tip 3.")
    assert not resumed.ends_session


def test_the_one_shot_resume_with_nothing_unfinished_says_so(someone):
    someone.launch()
    someone.say(intents.STOP)
    turn = someone.say(intents.RESUME)
    assert turn.speech.startswith("There's no unfinished routine to pick up. Pick from")


def test_a_finished_routine_is_not_offered_again(someone):
    someone.launch()
    finish(someone)
    assert someone.launch().speech.startswith(WELCOME_AGAIN)


def test_repeating_the_end_of_a_routine_does_not_count_it_twice(someone):
    someone.launch()
    someone.start("butterfly")
    someone.say(intents.NEXT)
    someone.say(intents.REPEAT)
    progress = someone.intent(intents.PROGRESS)
    assert "finished 1 routine on 1 day" in progress.speech


def test_unfinished_progress_older_than_the_window_is_not_offered(someone, clock):
    someone.launch()
    someone.start("spiral twist")
    someone.say(intents.STOP)
    clock.advance(hours=71)
    assert someone.launch().speech.startswith("Welcome back. Last time you stopped")
    someone.say(intents.STOP)
    clock.advance(hours=2)
    assert someone.launch().speech.startswith(WELCOME_AGAIN)


def test_the_window_is_a_setting(hosts, api, clock):
    someone = person_on(hosts(resume_hours=1), api)
    someone.launch()
    someone.start("spiral twist")
    someone.say(intents.STOP)
    clock.advance(minutes=61)
    assert someone.launch().speech.startswith(WELCOME_AGAIN)


# Hosts and people.

def test_a_second_host_continues_the_first_hosts_session_and_remembers(hosts, api):
    first, second = hosts(), hosts()
    someone = person_on(first, api)
    someone.launch()
    someone.start("leg cramp massage")
    someone.say(intents.NEXT)
    someone.send = client_sender(second.test_client())  # Alexa's next request lands elsewhere
    assert someone.say(intents.NEXT).speech.startswith("Step 3 of 4.")
    someone.close()  # after hearing step 3 out: the next step is offered
    assert "step 4 of 4 of leg cramp massage" in someone.launch().speech
    someone.send = client_sender(first.test_client())
    assert someone.say(intents.YES).speech.startswith("Picking up leg cramp massage at step 4")


def test_nothing_of_one_person_reaches_another(hosts, api):
    app = hosts()
    ann, bob = person_on(app, api), person_on(app, api)
    ann.launch()
    bob.launch()
    ann.start("spiral twist")
    bob.start("leg cramp massage")
    finish(ann, "butterfly")
    ann.say(intents.STOP)
    bob.say(intents.STOP)
    assert "leg cramp massage" in bob.launch().speech
    assert "You haven't finished a routine" in bob.intent(intents.PROGRESS).speech
    assert "butterfly stretch once" in ann.intent(intents.PROGRESS).speech


# Progress, in the person's own days.

def test_progress_counts_the_week_and_the_streak_in_the_devices_local_days(someone, clock):
    someone.launch()
    finish(someone)  # Monday 18:00 in New York (23:00 UTC)
    clock.advance(hours=2)
    finish(someone, "spiral twist")  # Monday 20:00 in New York, Tuesday 01:00 UTC
    clock.advance(hours=20)
    finish(someone)  # Tuesday 16:00 in New York
    turn = someone.intent(intents.PROGRESS)  # "Alexa, ask stretch coach how I'm doing"
    assert turn.speech == ("In the last 7 days you've finished 3 routines on 2 days: butterfly "
                           "stretch twice and spiral twist once. That's 2 days in a row.")
    assert turn.ends_session  # a one-shot question gets a short answer


def test_without_the_settings_api_days_are_the_default_zones(hosts, clock):
    with settings_api(SettingsApi(status=500)) as broken:
        someone = person_on(hosts(), broken)
        someone.launch()
        finish(someone)  # 23:00 UTC, Monday
        clock.advance(hours=2)
        finish(someone, "spiral twist")  # 01:00 UTC, Tuesday
        assert "3 routines" not in someone.intent(intents.PROGRESS).speech
        assert "finished 2 routines on 2 days" in someone.intent(intents.PROGRESS).speech


def test_a_slow_settings_api_is_given_up_on_and_asked_once(hosts, clock):
    with settings_api(SettingsApi(zone="America/New_York", delay=3)) as slow:
        someone = person_on(hosts(), slow)
        someone.launch()
        finish(someone)
        clock.advance(hours=2)
        finish(someone, "spiral twist")
        turn = someone.intent(intents.PROGRESS)
        assert turn.status == 200 and "on 2 days" in turn.speech  # UTC, the default
        someone.launch()
        someone.intent(intents.PROGRESS)
        assert len(slow.asked) == 1


def test_the_zone_is_asked_for_once_and_then_remembered(someone, api, clock):
    someone.launch()
    someone.intent(intents.PROGRESS)
    someone.intent(intents.PROGRESS)
    clock.advance(days=2)
    someone.intent(intents.PROGRESS)
    assert len(api.asked) == 1
    clock.advance(days=6)
    someone.intent(intents.PROGRESS)
    assert len(api.asked) == 2  # a week on, people may have moved


def test_the_streak_breaks_on_a_missed_day_and_survives_until_tonight(someone, clock):
    someone.launch()
    for _ in range(3):
        finish(someone)
        clock.advance(days=1)
    progress = someone.intent(intents.PROGRESS).speech
    assert "That's 3 days in a row." in progress  # nothing yet today: yesterday still counts
    clock.advance(days=1)
    finish(someone)
    progress = someone.intent(intents.PROGRESS).speech
    assert "4 routines on 4 days" in progress and "in a row" not in progress


@pytest.mark.parametrize("years", [2, 5])
def test_a_streak_of_years_is_heard_whole(hosts, api, clock, years):
    app = hosts()
    someone = person_on(app, api)
    someone.launch()
    someone.intent(intents.PROGRESS)  # the device's zone is asked for, and kept
    store, user, new_york = app.extensions["stretch_coach"]["store"], someone.device.user_id, \
        ZoneInfo("America/New_York")
    days = round(years * 365.25)
    for back in range(days, 0, -1):  # every evening up to yesterday's, twice on Sundays
        evening = clock() - timedelta(days=back, hours=1 if back % 2 else -4)
        for n in range(2 if evening.astimezone(new_york).weekday() == 6 else 1):
            at = int(evening.timestamp()) + n
            store.save(user, Changes(seen=at, finished=Completion("butterfly-stretch", at,
                                                                    f"{back}.{n}"),
                                     finished_on=local_day(at, new_york)))
    progress = someone.intent(intents.PROGRESS).speech
    assert f"That's {days} days in a row." in progress  # nothing yet today
    assert "finished 7 routines on 6 days" in progress  # Sunday's two, today none
    finish(someone)
    assert f"That's {days + 1} days in a row." in someone.intent(intents.PROGRESS).speech


def test_a_retried_last_step_counts_its_routine_once(someone, clock):
    someone.now = clock()  # Alexa's clock and ours agree
    someone.launch()
    someone.start("butterfly")
    assert "all done" in someone.say(intents.NEXT).speech
    # The request after its last holds counts it: as Alexa stamps it, and a retry repeats it.
    request = intent_request(intents.NO, moment=someone.now)
    retry = someone.device.envelope(request, {"new": False, "sessionId": "s",
                                              "attributes": someone._session["attributes"]})
    for _ in range(2):
        status, body = someone.send(retry)
        assert status == 200 and canonical(
            to_plain(body["response"]["outputSpeech"]["ssml"])).startswith("Goodbye")
        clock.advance(seconds=20)
    assert "finished 1 routine on 1 day" in someone.intent(intents.PROGRESS).speech


def test_a_session_start_reads_the_persons_row_and_nothing_of_their_history(tmp_path):
    app = make_app(tmp_path)
    someone = Person(client_sender(app.test_client()), Device())
    for _ in range(3):
        finish(someone)
    statements = []
    # Flask's test client answers in this thread, so on this very connection.
    connection = app.extensions["stretch_coach"]["store"].database._connection()  # noqa: SLF001
    connection.set_trace_callback(statements.append)
    assert someone.launch().speech.startswith(WELCOME_AGAIN)
    assert someone.start("butterfly").speech.startswith("Butterfly stretch.")
    reads = [statement for statement in statements if statement.startswith("SELECT")]
    assert len(reads) == 1 and "FROM people WHERE user_id" in reads[0]
    assert not any("completions" in statement for statement in statements)
    someone.intent(intents.PROGRESS)
    assert any("FROM completions" in statement for statement in statements)


def test_progress_mid_routine_keeps_the_place(someone):
    someone.launch()
    someone.start("leg cramp massage")
    turn = someone.intent(intents.PROGRESS)
    assert turn.speech.endswith("Ready to go on?") and not turn.ends_session
    assert someone.say(intents.NEXT).speech.startswith("Step 2 of 4.")


def test_completions_landing_on_two_hosts_at_once_are_all_kept(hosts, api, clock):
    first, second = hosts(), hosts()
    device = Device(api_endpoint=api.url)
    ann_here, ann_there = person_on(first, api, device), person_on(second, api, device)
    for person in (ann_here, ann_there):
        person.start("butterfly")
    for person in (ann_here, ann_there):
        person.say(intents.NEXT)
    for person in (ann_here, ann_there):
        person.say(intents.NO)  # each heard the last holds out: each host counts one
    assert "finished 2 routines" in ann_here.intent(intents.PROGRESS).speech


# Forgetting.

def test_delete_my_progress_asks_then_deletes_everything(someone, database_url):
    someone.launch()
    finish(someone)
    someone.start("spiral twist")
    ask = someone.intent(intents.DELETE_PROGRESS)
    assert ask.speech.endswith("Shall I delete it all?") and not ask.ends_session
    left = erased(database_url, someone.device.user_id)
    done = someone.say(intents.YES)
    assert done.speech.startswith("Done. I've deleted your progress") and done.ends_session
    assert "not medical advice" in someone.launch().speech  # a stranger again, at once
    assert "haven't finished a routine" in someone.intent(intents.PROGRESS).speech
    assert left() == []


def test_no_to_delete_keeps_everything_and_the_place(someone):
    someone.launch()
    finish(someone)
    someone.start("spiral twist")
    someone.intent(intents.DELETE_PROGRESS)
    kept = someone.say(intents.NO)
    assert kept.speech == "All right, I've kept everything. Ready to go on?"
    assert "finished 1 routine" in someone.intent(intents.PROGRESS).speech


def test_disabling_the_skill_deletes_everything(someone, database_url):
    someone.launch()
    finish(someone)
    left = erased(database_url, someone.device.user_id)
    turn = someone.event(event_request(intents.SKILL_DISABLED))
    assert turn.status == 200 and turn.body["response"] == {}
    assert left() == []


# Records that no longer make sense.

@pytest.mark.parametrize(("routine", "step"), [("retired-routine", 1), ("spiral-twist", 99),
                                               ("spiral-twist", -1)])
def test_a_stored_place_that_no_longer_exists_is_dropped_and_logged_once(
        someone, database_url, caplog, routine, step):
    someone.launch()
    someone.start("spiral twist")
    someone.say(intents.STOP)
    stored(database_url, "UPDATE people SET routine = ?, step = ? WHERE user_id = ?",
           (routine, step, someone.device.user_id))
    assert someone.launch().speech.startswith(WELCOME_AGAIN)
    someone.say(intents.STOP)
    assert someone.launch().speech.startswith(WELCOME_AGAIN)
    assert caplog.text.count("dropping a stored place that no longer exists") == 1


def test_stored_values_of_the_wrong_type_are_not_trusted(hosts, api, tmp_path):
    typed = sqlite_url(tmp_path)
    app = make_app(tmp_path)
    someone = person_on(app, api)
    someone.launch()
    someone.start("spiral twist")
    someone.say(intents.STOP)
    stored(typed,  # SQLite keeps whatever it is given
           "UPDATE people SET step = 'two', time_zone = 'Mars/Olympus' WHERE user_id = ?",
           (someone.device.user_id,))
    assert someone.launch().speech.startswith(WELCOME_AGAIN)
    assert someone.intent(intents.PROGRESS).status == 200


def test_a_database_newer_than_the_skill_is_refused_with_a_clear_error(hosts, database_url):
    hosts()
    stored(database_url, "UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="schema is version 99, newer than"):
        hosts()


def test_an_empty_database_gets_the_schema_and_a_second_start_changes_nothing(database_url):
    from skill.store.schema import SCHEMA_VERSION, Upgrade, upgrade

    database = open_database(DatabaseUrl.parse(database_url), serving=False)
    try:
        assert upgrade(database, UTC) == Upgrade(0, SCHEMA_VERSION)
        assert upgrade(database, UTC) == Upgrade(SCHEMA_VERSION, SCHEMA_VERSION)
    finally:
        database.close()


# Requests Alexa sends without a session.

@pytest.mark.parametrize("kind", [
    "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillAccountLinked",
    "AlexaSkillEvent.SkillPermissionAccepted", "AudioPlayer.PlaybackStarted",
    "PlaybackController.PlayCommandIssued", "System.ExceptionEncountered",
    "Messaging.MessageReceived",
])
def test_events_without_a_session_get_an_empty_response(someone, kind):
    turn = someone.event(event_request(kind))
    assert turn.status == 200 and turn.body["response"] == {}


def test_a_first_release_database_is_upgraded_keeping_what_it_holds(hosts, api, database_url,
                                                                   clock):
    from skill.store.schema import MIGRATIONS, SCHEMA_VERSION, VERSION_TABLE

    device = Device(api_endpoint=api.url)
    saved = int(clock().timestamp())
    database = open_database(DatabaseUrl.parse(database_url), serving=False)
    try:
        with database.transaction() as tx:  # as version 1 of the skill left it
            tx.change(VERSION_TABLE)
            for statement in MIGRATIONS[1]:
                tx.change(statement)
            tx.change("INSERT INTO schema_version (version) VALUES (1)")
            tx.change("INSERT INTO people (user_id, first_seen, routine, step, place_saved) "
                      "VALUES (?, ?, ?, ?, ?)", (device.user_id, saved, "spiral-twist", 1, saved))
    finally:
        database.close()
    someone = person_on(hosts(), api, device)
    back = someone.launch()
    assert "Last time you stopped at step 2 of 2 of spiral twist" in back.speech
    assert stored(database_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]


def test_a_pace_is_remembered_from_one_session_to_the_next(someone):
    someone.launch()
    someone.intent(intents.SLOWER)
    someone.say(intents.STOP)
    someone.launch()
    step = someone.start("spiral twist") and someone.say(intents.NEXT)
    assert "Get into position. [8 s]" in step.speech


def test_a_full_sqlite_database_fails_its_writes_not_the_conversation(tmp_path):
    app = make_app(tmp_path)
    database = app.extensions["stretch_coach"]["store"].database
    # Flask's test client answers in this thread, so on this very connection; SQLite ends a
    # transaction itself when the disk is full.
    connection = database._connection()  # noqa: SLF001
    connection.execute("CREATE TABLE filler (x BLOB)")
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(StoreError, match="full"), database.transaction() as tx:
        tx.change("INSERT INTO filler VALUES (randomblob(100000))")
    for _ in range(30):  # new people, each a new row the full file cannot take
        person = Person(client_sender(app.test_client()), Device())
        assert person.launch().speech.startswith("Welcome to Stretch Coach.")


def test_a_settings_api_answering_byte_by_byte_is_given_up_on_at_the_deadline(hosts, clock):
    with settings_api(SettingsApi(zone="America/New_York", trickle=0.3)) as trickling:
        someone = person_on(hosts(), trickling)
        someone.launch()
        started = time.monotonic()
        turn = someone.intent(intents.PROGRESS)
        # The answer would take 0.3 s a byte for 20 bytes; the request waits one second.
        assert turn.status == 200 and time.monotonic() - started < 3
        assert len(trickling.asked) == 1


def test_a_database_that_fails_is_tried_once_a_request_not_twice(tmp_path, caplog):
    app = make_app(tmp_path)
    database = app.extensions["stretch_coach"]["store"].database
    database.close()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    database.path = blocked / "store.sqlite3"  # as if the disk went away under the service
    person = Person(client_sender(app.test_client()), Device())
    assert person.launch().speech.startswith("Welcome to Stretch Coach.")
    errors = [record.getMessage() for record in caplog.records
              if record.levelname == "ERROR" and record.name == "skill.alexa.memory"]
    assert len(errors) == 2 and "cannot load" in errors[0] and "not saving" in errors[1]
