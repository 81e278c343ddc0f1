"""The store's contract (skill/store/store.py), which every store must pass: each test runs on
every store in STORES. To hold another store to it, add a factory there (and one to BROKEN for
a store whose backend cannot be reached)."""

from __future__ import annotations

import random
import socket
import threading
from datetime import UTC

import pytest

from skill.content.timing import Pace
from skill.settings import DatabaseUrl
from skill.store import SqlStore, Store, StoreError
from skill.store.database import open_database
from skill.store.records import Bookmark, Changes, Completion, Person, Streak
from skill.store.schema import MIGRATIONS, VERSION_TABLE, Upgrading, upgrade

from .helpers import sqlite_url

T0 = 1_795_000_000  # Monday 23 November 2026, 08:26:40 UTC
DAY = 86_400
MONDAY = 739_578  # date(2026, 11, 23).toordinal()


def sql_store(url: str) -> SqlStore:
    migrating = open_database(DatabaseUrl.parse(url), serving=False)
    try:
        upgrade(migrating, UTC)
    finally:
        migrating.close()
    return SqlStore(open_database(DatabaseUrl.parse(url)))


def stored_at(url: str, version: int, *rows: tuple[str, tuple]) -> None:
    """A database at schema `version`, made as that version of the skill made it, holding
    `rows` (each an INSERT and its values)."""
    database = open_database(DatabaseUrl.parse(url), serving=False)
    try:
        with database.transaction() as tx:
            tx.change(VERSION_TABLE)
            for step in (step for at in range(1, version + 1) for step in MIGRATIONS[at]):
                if isinstance(step, str):
                    tx.change(step)
                else:
                    step(tx, Upgrading(database.kind, UTC))
            tx.change("INSERT INTO schema_version (version) VALUES (?)", (version,))
            for insert, values in rows:
                tx.change(insert, values)
    finally:
        database.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


STORES = {
    "sqlite": lambda request, tmp_path: sql_store(sqlite_url(tmp_path)),
    "postgresql": lambda request, tmp_path: sql_store(request.getfixturevalue("postgres_url")),
}
# (PostgreSQL's without its pool, which would wait out its 3-second deadline for each call.)
BROKEN = {
    "sqlite": lambda tmp_path: SqlStore(open_database(DatabaseUrl.parse(
        f"sqlite:///{tmp_path / 'a-file' / 'store.sqlite3'}"))),
    "postgresql": lambda tmp_path: SqlStore(open_database(DatabaseUrl.parse(
        f"postgresql://nobody@127.0.0.1:{closed_port()}/nothing"), serving=False)),
}


@pytest.fixture(params=sorted(STORES))
def store(request, tmp_path) -> Store:
    made = STORES[request.param](request, tmp_path)
    yield made
    made.close()


def finish(store: Store, user: str, at: int, routine: str = "butterfly-stretch",
           request: str | None = None, day: int | None = None) -> None:
    completion = Completion(routine, at, request or f"amzn1.echo-api.request.{random.random()}")
    day = MONDAY + (at - T0) // DAY if day is None else day
    store.save(user, Changes(seen=at, bookmark=Changes.CLEAR, finished=completion,
                             finished_on=day))


# Loading and saving, field by field.

def test_someone_unknown_is_no_one_with_no_history(store):
    assert store.load("amzn1.ask.account.new") == Person()
    assert not store.load("amzn1.ask.account.new").known
    assert store.completions("amzn1.ask.account.new", 0) == ()


def test_a_record_is_first_seen_once(store):
    store.save("ann", Changes(seen=T0))
    store.save("ann", Changes(seen=T0 + DAY, pace=Pace(2, 1)))
    assert store.load("ann") == Person(first_seen=T0, pace=Pace(2, 1))


def test_each_save_writes_only_what_it_changes(store):
    place = Bookmark("leg-cramp-massage", 3, T0)
    store.save("ann", Changes(seen=T0, bookmark=place))
    store.save("ann", Changes(seen=T0, zone="Europe/Paris", zone_checked=T0))
    store.save("ann", Changes(seen=T0, pace=Pace(0, 2)))
    assert store.load("ann") == Person(first_seen=T0, time_zone="Europe/Paris",
                                       zone_checked=T0, bookmark=place, pace=Pace(0, 2))
    store.save("ann", Changes(seen=T0, bookmark=Changes.CLEAR))
    assert store.load("ann") == Person(first_seen=T0, time_zone="Europe/Paris",
                                       zone_checked=T0, pace=Pace(0, 2))


def test_a_reminder_id_and_the_offer_are_kept_until_cleared_or_forgotten(store):
    store.save("ann", Changes(seen=T0, reminder="9f2c-alert-token", offered=T0))
    assert store.load("ann") == Person(first_seen=T0, reminder="9f2c-alert-token",
                                       reminder_offered=True)
    store.save("ann", Changes(seen=T0, reminder=Changes.CLEAR))
    assert store.load("ann") == Person(first_seen=T0, reminder_offered=True)
    store.save("ann", Changes(seen=T0, reminder="another"))
    store.forget("ann")
    store.save("ann", Changes(seen=T0 + DAY))
    assert store.load("ann") == Person(first_seen=T0 + DAY)


def test_a_version_4_person_is_upgraded_with_no_reminder_and_no_offer(database_url):
    stored_at(database_url, 4, (
        "INSERT INTO people (user_id, first_seen, routine, step, place_saved, place_hold, "
        "place_heard_out, place_finishing, streak, best_streak, last_day) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ("ann", T0, "spiral-twist", 1, T0, 3, T0 + 150, "amzn1.echo-api.request.1", 2, 5,
         MONDAY)))
    upgraded = sql_store(database_url)
    try:
        kept = Person(first_seen=T0, bookmark=Bookmark(
            "spiral-twist", 1, T0, 3, T0 + 150, "amzn1.echo-api.request.1"),
            streak=Streak(2, 5, MONDAY))
        assert upgraded.load("ann") == kept
        upgraded.save("ann", Changes(reminder="9f2c-alert-token", offered=T0 + DAY))
        assert upgraded.load("ann") == Person(
            first_seen=T0, bookmark=kept.bookmark, streak=kept.streak,
            reminder="9f2c-alert-token", reminder_offered=True)
    finally:
        upgraded.close()


def test_a_failed_zone_question_keeps_the_zone_and_notes_when_it_was_asked(store):
    store.save("ann", Changes(seen=T0, zone="America/New_York", zone_checked=T0))
    store.save("ann", Changes(seen=T0, zone=None, zone_checked=T0 + DAY))
    person = store.load("ann")
    assert (person.time_zone, person.zone_checked) == ("America/New_York", T0 + DAY)


def test_a_long_user_id_and_odd_characters_are_kept_as_they_are(store):
    user = "amzn1.ask.account." + "Ä\u200b'\"; --" * 80
    store.save(user[:512], Changes(seen=T0, bookmark=Bookmark("röutine'; --", 0, T0)))
    assert store.load(user[:512]).bookmark == Bookmark("röutine'; --", 0, T0)
    assert store.load(user[:511]) == Person()


# Finished routines.

def test_a_finish_clears_the_place_and_appends_its_completion_with_the_streak(store):
    store.save("ann", Changes(seen=T0, bookmark=Bookmark("butterfly-stretch", 1, T0)))
    finish(store, "ann", T0 + 60, request="r1")
    person = store.load("ann")
    assert person.bookmark is None and person.streak == Streak(1, 1, MONDAY)
    assert store.completions("ann", T0) == (Completion("butterfly-stretch", T0 + 60, "r1"),)


def test_a_finish_may_come_first(store):
    finish(store, "ann", T0, request="r1")
    assert store.load("ann").first_seen == T0
    assert len(store.completions("ann", 0)) == 1


def test_the_same_completion_saved_twice_is_kept_once(store):
    for _ in range(2):  # a retried request: the same id, the same moment
        finish(store, "ann", T0, request="amzn1.echo-api.request.1")
    assert len(store.completions("ann", 0)) == 1
    assert store.load("ann").streak == Streak(1, 1, MONDAY)


def test_completions_come_oldest_first_from_the_time_asked_and_with_no_row_limit(store):
    for number in range(1100):  # past the thousand rows the skill once read at most
        finish(store, "ann", T0 + number * 60, request=f"r{number:04}")
    since = T0 + 50 * 60
    got = store.completions("ann", since)
    assert len(got) == 1050 and got[0].finished == since
    assert [each.finished for each in got] == sorted(each.finished for each in got)


def test_the_streak_moves_on_as_the_counters_say(store):
    rng = random.Random(19)
    days = sorted(rng.sample(range(40), 25))
    expected = Streak()
    for day in days:
        for _ in range(rng.randint(1, 2)):
            finish(store, "ann", T0 + day * DAY + rng.randint(0, 3600))
        expected = expected.after(MONDAY + day)
    finish(store, "ann", T0, day=MONDAY)  # a day before the last counted: history only
    assert store.load("ann").streak == expected
    assert expected.best >= expected.length >= 1


def test_the_day_counted_is_the_one_given_not_the_utc_day(store):
    finish(store, "ann", T0, day=MONDAY - 1)  # late on Sunday, somewhere west
    finish(store, "ann", T0 + 3600, day=MONDAY)
    assert store.load("ann").streak == Streak(2, 2, MONDAY)


# Many at once.

def test_finishes_from_many_threads_at_once_all_land(store):
    start = threading.Barrier(8)

    def finishing(thread: int) -> None:
        start.wait()
        for number in range(5):
            finish(store, "ann", T0 + number, request=f"r{thread}-{number}")

    threads = [threading.Thread(target=finishing, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(store.completions("ann", 0)) == 40
    assert store.load("ann").streak == Streak(1, 1, MONDAY)


def test_saves_of_different_fields_at_once_lose_neither(store):
    start = threading.Barrier(2)
    saves = [Changes(seen=T0, pace=Pace(2, 1)),
             Changes(seen=T0, bookmark=Bookmark("butterfly-stretch", 1, T0))]

    def saving(changes: Changes) -> None:
        start.wait()
        for _ in range(20):
            store.save("ann", changes)

    threads = [threading.Thread(target=saving, args=(changes,)) for changes in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    person = store.load("ann")
    assert person.pace == Pace(2, 1) and person.bookmark == Bookmark("butterfly-stretch", 1, T0)


def test_nothing_of_one_person_reaches_another(store):
    finish(store, "ann", T0)
    store.save("bob", Changes(seen=T0 + 5, pace=Pace(0, 0)))
    assert store.completions("bob", 0) == () and store.load("bob").streak == Streak()
    assert store.load("ann").pace == Pace()


# Forgetting.

def test_a_forgotten_person_is_no_one_at_once_and_starts_afresh(store):
    store.save("ann", Changes(seen=T0, bookmark=Bookmark("butterfly-stretch", 1, T0),
                              zone="Europe/Paris", zone_checked=T0, pace=Pace(2, 1)))
    for day in range(30):
        finish(store, "ann", T0 + day * DAY)
    finish(store, "bob", T0)
    store.forget("ann")
    assert store.load("ann") == Person() and store.completions("ann", 0) == ()
    store.save("ann", Changes(seen=T0 + 40 * DAY))
    assert store.load("ann") == Person(first_seen=T0 + 40 * DAY)
    assert store.completions("ann", 0) == ()
    assert len(store.completions("bob", 0)) == 1


def test_forgetting_someone_unknown_does_nothing(store):
    store.forget("nobody")
    assert store.load("nobody") == Person()


# Failing.

@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_store_that_cannot_reach_its_backend_raises_store_error(tmp_path, kind):
    (tmp_path / "a-file").write_text("")
    broken = BROKEN[kind](tmp_path)
    try:
        with pytest.raises(StoreError):
            broken.load("ann")
        with pytest.raises(StoreError):
            broken.save("ann", Changes(seen=T0))
    finally:
        broken.close()
