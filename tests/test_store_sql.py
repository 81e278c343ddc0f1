"""The SQL store's own promises, beyond the contract: history erased in short batches that let
other saves in, even across a crash; the version 3 upgrade counting streaks from a version 2
database's history without losing any; the version 6 upgrade keeping every person; SQLite's
checkpoints off the request path. On SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from skill.settings import DatabaseUrl
from skill.store import SqlStore, open_store
from skill.store.database import open_database
from skill.store.days import local_day
from skill.store.records import Changes, Completion, Person, Streak
from skill.store.schema import MIGRATIONS, SCHEMA_VERSION, VERSION_TABLE, Upgrading

from .helpers import ROOT, run
from .test_store_contract import sql_store

NEW_YORK = ZoneInfo("America/New_York")
TODAY = datetime(2026, 11, 23, 12, 0, tzinfo=NEW_YORK)


def person_id(store: SqlStore, user: str) -> int:
    return store.database.query("SELECT id FROM people WHERE user_id = ?", (user,))[0][0]


def history_of(store: SqlStore, person: int) -> int:
    return store.database.query("SELECT COUNT(*) FROM completions WHERE person = ?",
                                (person,))[0][0]


def heavy(store: SqlStore, user: str, rows: int) -> int:
    """A person with `rows` completions, written straight in; their number."""
    store.save(user, Changes(seen=1))
    person = person_id(store, user)
    with store.database.transaction() as tx:
        tx.many("INSERT INTO completions (person, finished, request_id, routine) "
                "VALUES (?, ?, ?, ?)",
                ((person, 1_700_000_000 + n * 600, f"amzn1.echo-api.request.{n}",
                  "butterfly-stretch") for n in range(rows)))
    return person


@pytest.fixture
def store(database_url):
    made = sql_store(database_url)
    yield made
    made.close()


# Forgetting.

def test_a_long_history_is_erased_in_batches_and_the_row_last(store):
    person = heavy(store, "ann", 2300)
    store.forgetting.background = False  # erased here, not by a thread of its own
    store.forgetting.batch_rows = 500
    store.forget("ann")
    assert store.load("ann") == Person() and history_of(store, person) == 2300
    assert store.forgetting.erase_all() == 5
    assert history_of(store, person) == 0
    assert store.database.query("SELECT COUNT(*) FROM people") == [(0,)]


def test_other_people_save_between_the_batches_of_an_erasure(store):
    person = heavy(store, "ann", 6000)
    store.forgetting.background = False
    store.forgetting.batch_rows = 200
    store.forget("ann")
    erasing = threading.Thread(target=store.forgetting.erase_all)
    seen_left = []
    erasing.start()
    while erasing.is_alive():
        store.save("bob", Changes(seen=1, zone="UTC", zone_checked=len(seen_left)))
        seen_left.append(history_of(store, person))
    erasing.join()
    # Saves landed while most of the history was still there: each waits one batch at most.
    assert sum(0 < left < 6000 for left in seen_left) >= 5
    assert history_of(store, person) == 0


ERASER = """
import sys, time
from skill.settings import DatabaseUrl
from skill.store import open_store
store = open_store(DatabaseUrl.parse(sys.argv[1]))
store.forgetting.batch_rows = 100
store.forget(sys.argv[2])  # answers at once; the eraser goes on in the background
time.sleep(600)
"""


def test_a_crash_mid_erasure_leaves_nothing_to_hear_and_the_next_start_finishes(
        store, database_url):
    person = heavy(store, "ann", 5000)
    eraser = subprocess.Popen([sys.executable, "-c", ERASER, database_url, "ann"], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while history_of(store, person) == 5000 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        eraser.send_signal(signal.SIGKILL)
        eraser.wait()
    left = history_of(store, person)
    assert 0 < left < 5000, "killed before or after the erasure, not during it"
    restarted = open_store(DatabaseUrl.parse(database_url))
    try:
        assert restarted.load("ann") == Person()  # and this first use starts the eraser
        assert restarted.completions("ann", 0) == ()
        deadline = time.monotonic() + 60
        while history_of(restarted, person) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert history_of(restarted, person) == 0
    finally:
        restarted.close()


# What a session start reads.

def test_a_session_start_reads_the_persons_row_and_no_history(tmp_path):
    store = sql_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    heavy(store, "ann", 3000)
    statements = []
    store.database._connection().set_trace_callback(statements.append)  # noqa: SLF001
    person = store.load("ann")
    assert person.known and len(statements) == 1 and "completions" not in statements[0]
    store.close()


# SQLite's checkpoints.

def test_sqlite_checkpoints_are_made_by_a_thread_of_their_own(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = sql_store(url)
    database = store.database
    assert database.query("PRAGMA wal_autocheckpoint") == [(0,)]
    before = (tmp_path / "store.sqlite3").stat().st_size
    for number in range(3000):
        store.save(f"person {number}", Changes(seen=number))
    deadline = time.monotonic() + 30
    while (tmp_path / "store.sqlite3").stat().st_size == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (tmp_path / "store.sqlite3").stat().st_size > before  # copied out of the log
    store.close()


# The version 3 upgrade.

def ny_evenings(days: int, end: datetime = TODAY) -> list[int]:
    """One finish a New York evening for `days` days to `end`, at 18:30 or 23:30 by turns:
    UTC days would see gaps and doubles where New York has an unbroken run."""
    first = end.date() - timedelta(days=days - 1)
    return [int(datetime(day.year, day.month, day.day, 18 if n % 2 else 23, 30,
                         tzinfo=NEW_YORK).timestamp())
            for n, day in enumerate(first + timedelta(days=k) for k in range(days))]


def version_2(database_url: str, people: dict[str, tuple[str | None, list[int]]]) -> None:
    """A database as version 2 of the skill left it, holding `people` (zone, finish times)."""
    database = open_database(DatabaseUrl.parse(database_url), serving=False)
    try:
        with database.transaction() as tx:
            tx.change(VERSION_TABLE)
            for statement in (*MIGRATIONS[1], *MIGRATIONS[2]):
                tx.change(statement)
            tx.change("INSERT INTO schema_version (version) VALUES (2)")
            for user, (zone, finishes) in people.items():
                if zone != "no row":
                    tx.change("INSERT INTO people (user_id, first_seen, time_zone, zone_checked, "
                              "routine, step, place_saved, pace) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              (user, min(finishes, default=1), zone, 5, "leg-cramp-massage", 2,
                               7, 2))
                tx.many("INSERT INTO completions (user_id, request_id, routine, finished) "
                        "VALUES (?, ?, ?, ?)",
                        ((user, f"amzn1.echo-api.request.{user}.{n}", "butterfly-stretch", at)
                         for n, at in enumerate(finishes)))
    finally:
        database.close()


def test_the_upgrade_to_version_3_keeps_all_history_and_counts_each_streak(database_url):
    tokyo_noon = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    tokyo_days = [int((tokyo_noon - timedelta(days=n, hours=h)).timestamp())
                  for n in range(2 * 365) if n != 40 for h in (0, 2, 4)]
    people = {
        "five years, New York": ("America/New_York", ny_evenings(5 * 365 + 1)),
        "two years, Tokyo, a gap 40 days ago": ("Asia/Tokyo", tokyo_days),
        "no zone known": (None, [int(TODAY.timestamp()) - n * 86_400 for n in range(10)]),
        "history but no row": ("no row", [int(TODAY.timestamp())]),
        "never finished": ("Europe/Paris", []),
    }
    version_2(database_url, people)
    upgraded = run("db", "upgrade", env={"SKILL_DATABASE_URL": database_url,
                                         "STRETCH_COACH_TIME_ZONE": "Europe/Paris"})
    total = sum(len(finishes) for _, finishes in people.values())
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.splitlines()[1:] == [
        f"  version 3: 5 people and {total:,} completions moved to compact history; "
        "streaks counted for 4 people"]
    assert upgraded.stdout.splitlines()[0].endswith(f"schema version 2 -> {SCHEMA_VERSION}")
    store = sql_store(database_url)
    try:
        for user, (_, finishes) in people.items():
            kept = store.completions(user, 0)
            assert sorted((each.finished, each.request_id) for each in kept) == sorted(
                (at, f"amzn1.echo-api.request.{user}.{n}") for n, at in enumerate(finishes))
        today = TODAY.date().toordinal()
        streaks = {user: store.load(user).streak for user in people}
        assert streaks["five years, New York"] == Streak(5 * 365 + 1, 5 * 365 + 1, today)
        assert streaks["two years, Tokyo, a gap 40 days ago"] == Streak(40, 2 * 365 - 41, today)
        paris = local_day(TODAY.timestamp(), ZoneInfo("Europe/Paris"))
        assert streaks["no zone known"] == Streak(10, 10, paris)  # the default zone's days
        assert streaks["never finished"] == Streak()
        kept = store.load("five years, New York")
        assert (kept.bookmark.routine, kept.bookmark.step, kept.pace.speed) == (
            "leg-cramp-massage", 2, 2)
    finally:
        store.close()
    again = run("db", "upgrade", env={"SKILL_DATABASE_URL": database_url})
    assert again.stdout.strip().endswith(f"schema version {SCHEMA_VERSION}, already current")


def test_counters_kept_as_routines_are_finished_match_those_counted_by_the_upgrade(
        database_url, tmp_path):
    rng = random.Random(3)
    zone = ZoneInfo("Pacific/Auckland")
    finishes = sorted(int(TODAY.timestamp()) - rng.randint(0, 120 * 86_400) for _ in range(150))
    version_2(database_url, {"ann": ("Pacific/Auckland", finishes)})
    upgraded = sql_store(database_url)
    live = sql_store(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    try:
        for n, at in enumerate(finishes):
            live.save("ann", Changes(seen=at, finished=Completion("butterfly-stretch", at, str(n)),
                                     finished_on=local_day(at, zone)))
        assert upgraded.load("ann").streak == live.load("ann").streak
        assert live.load("ann").streak.best > 1
    finally:
        upgraded.close()
        live.close()


def test_an_upgrade_that_fails_leaves_version_2_as_it_was(database_url):
    version_2(database_url, {"ann": ("UTC", [1_700_000_000])})
    database = open_database(DatabaseUrl.parse(database_url), serving=False)
    try:
        database.change("CREATE TABLE people_v2 (x INTEGER)")  # in the upgrade's way
        failed = run("db", "upgrade", env={"SKILL_DATABASE_URL": database_url})
        assert failed.returncode == 1 and "people_v2" in failed.stderr
        assert database.query("SELECT version FROM schema_version") == [(2,)]
        assert database.query("SELECT user_id FROM completions") == [("ann",)]
    finally:
        database.close()


# The version 6 upgrade.

def test_the_upgrade_to_version_6_keeps_each_person_and_remembers_sounds_and_hands_free(
        database_url):
    version_2(database_url, {"ann": ("America/New_York", ny_evenings(3))})
    database = open_database(DatabaseUrl.parse(database_url), serving=False)
    try:
        with database.transaction() as tx:  # on to version 5, as those versions left it
            for step in MIGRATIONS[3]:
                step(tx, Upgrading(database.kind, NEW_YORK))
            for statement in (*MIGRATIONS[4], *MIGRATIONS[5]):
                tx.change(statement)
            tx.change("UPDATE schema_version SET version = 5")
    finally:
        database.close()
    upgraded = run("db", "upgrade", env={"SKILL_DATABASE_URL": database_url})
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.splitlines()[0].endswith(f"schema version 5 -> {SCHEMA_VERSION}")
    store = sql_store(database_url)
    try:
        kept = store.load("ann")
        assert (kept.bookmark.routine, kept.pace.speed, kept.streak.length) == (
            "leg-cramp-massage", 2, 3)
        assert kept.pace.sounds and not kept.hands_free  # the usual, until said otherwise
        store.save("ann", Changes(pace=replace(kept.pace, sounds=False), hands_free=True))
        changed = store.load("ann")
        assert (changed.pace, changed.hands_free, changed.streak) == (
            replace(kept.pace, sounds=False), True, kept.streak)
        assert len(store.completions("ann", 0)) == 3
    finally:
        store.close()
