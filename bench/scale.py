"""The store as people and their histories grow: the same requests against 1,000, 100,000 and
1,000,000 people, on SQLite and PostgreSQL.

    python bench/scale.py [--people 1000 100000 1000000] [--databases sqlite postgresql]
                          [--subjects 20] [--requests 200]

Each size is filled, straight into the skill's own schema, with people as they come over five
years: most with a typical history (none to a few dozen routines, over up to three months),
one in a thousand daily for five years, one in ten thousand six times a day for five years;
completions are written in the order they happened, interleaved across people as real use
interleaves them, so rows lie on disk as they would. Then, in-process and one at a time, the
app (unverified: verification costs the same at any size) answers a launch, "how am I doing",
a "next" that saves the place, a last step that finishes a routine, and "delete my progress",
for `subjects` people of each kind, new ones too. Printed: p50/p99 per request and kind, the
database's size per person and per completion, and the batches that erase a forgotten
history: how many, and how long each held the write.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.speed import postgres_url  # noqa: E402
from skill.alexa import intents  # noqa: E402
from skill.app import create_app  # noqa: E402
from skill.settings import DatabaseKind, DatabaseUrl, Settings  # noqa: E402
from skill.simulator.envelopes import Device, intent_request, launch_request  # noqa: E402
from skill.store.database import open_database  # noqa: E402
from skill.store.schema import upgrade  # noqa: E402

DAY = 86_400
YEARS = 5
KINDS = ("new", "typical", "five-year", "heavy")
ROUTINES = ("butterfly-stretch", "spiral-twist", "horizontal-stretch", "leg-cramp-massage",
            "cramp-prevention-tips")
# Alexa's user ids are "amzn1.ask.account." and about 180 more characters.
USER = "amzn1.ask.account.{:0>180}"
REQUEST = "amzn1.echo-api.request.{:0>36}"
EPOCH_DAY = date(1970, 1, 1).toordinal()
OPERATIONS = ("launch", "progress", "next", "finish", "delete")


@dataclass
class Population:
    """Who is in the database: each person's kind, and whom to ask about."""

    now: int
    people: int = 0
    completions: int = 0
    subjects: dict[str, list[int]] = field(default_factory=lambda: {kind: [] for kind in KINDS})


def history(kind: str, first_seen: int, now: int, rng: random.Random) -> list[int]:
    """When a person of `kind` finished routines, oldest first."""
    if kind == "five-year":
        return [first_seen + day * DAY + rng.randrange(DAY // 2) for day in range(YEARS * 365)]
    if kind == "heavy":
        return sorted(first_seen + day * DAY + rng.randrange(DAY)
                      for day in range(YEARS * 365) for _ in range(6))
    share = rng.random()
    count = rng.randint(0, 2) if share < 0.5 else rng.randint(3, 20) if share < 0.85 \
        else rng.randint(20, 60)
    end = min(now - 60, first_seen + 90 * DAY)
    return sorted(rng.randint(first_seen, end) for _ in range(count))


def streak(finishes: list[int]) -> tuple[int, int, int | None]:
    """(length, best, last day) of UTC days: the counters' size, not their meaning, matters."""
    length = best = 0
    last = None
    for at in finishes:
        day = at // DAY + EPOCH_DAY
        if last is not None and day <= last:
            continue
        length = length + 1 if last == day - 1 else 1
        best, last = max(best, length), day
    return length, best, last


def population(size: int, subjects: int, now: int, rng: random.Random
               ) -> tuple[Population, list[tuple], list[int]]:
    """People rows in the order they came, and every completion as one sortable number."""
    five_year = max(subjects, size // 1000)
    heavy = max(subjects, size // 10_000)
    kinds = ["five-year"] * five_year + ["heavy"] * heavy + \
        ["typical"] * max(size - five_year - heavy, subjects)
    rng.shuffle(kinds)
    start = now - YEARS * 365 * DAY
    arrivals = sorted((start if kind != "typical" else rng.randint(start, now - DAY), kind)
                      for kind in kinds)
    people, events = [], []
    found = Population(now)
    for person, (first_seen, kind) in enumerate(arrivals, start=1):
        finishes = history(kind, first_seen, now, rng)
        people.append((person, USER.format(person), first_seen, "UTC", now, *streak(finishes)))
        # Time, person and routine packed in one int, so that 13 million sort quickly.
        events.extend((at << 26) | (person << 4) | rng.randrange(len(ROUTINES))
                      for at in finishes)
        chosen = found.subjects[kind]
        if len(chosen) < subjects and (kind != "typical" or len(finishes) >= 3):
            chosen.append(person)
    events.sort()
    found.people, found.completions = len(people), len(events)
    return found, people, events


def completion_rows(events: list[int]) -> Iterator[tuple]:
    for number, event in enumerate(events):
        yield ((event >> 4) & (2**22 - 1), event >> 26, REQUEST.format(number),
               ROUTINES[event & 15])


PEOPLE = ("INSERT INTO people (id, user_id, first_seen, time_zone, zone_checked, streak, "
          "best_streak, last_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
COMPLETIONS = "INSERT INTO completions (person, finished, request_id, routine) VALUES (?, ?, ?, ?)"


def fill_sqlite(path: Path, people: list[tuple], events: list[int]) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")  # filling only: the skill runs NORMAL
    for sql, rows in ((PEOPLE, people), (COMPLETIONS, completion_rows(events))):
        rows = iter(rows)
        while chunk := [row for _, row in zip(range(200_000), rows, strict=False)]:
            connection.execute("BEGIN")
            connection.executemany(sql, chunk)
            connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def fill_postgres(url: str, people: list[tuple], events: list[int]) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        with connection.cursor() as cursor:
            with cursor.copy("COPY people (id, user_id, first_seen, time_zone, zone_checked, "
                             "streak, best_streak, last_day) FROM STDIN") as copy:
                for row in people:
                    copy.write_row(row)
            with cursor.copy("COPY completions (person, finished, request_id, routine) "
                             "FROM STDIN") as copy:
                for row in completion_rows(events):
                    copy.write_row(row)
            # The identity counts on from the people written with their own ids.
            cursor.execute("SELECT setval(pg_get_serial_sequence('people', 'id'), "
                           "(SELECT MAX(id) FROM people))")
        connection.execute("VACUUM ANALYZE")  # as autovacuum would, before anyone asks


def sizes(database_url: DatabaseUrl) -> tuple[float, float, float]:
    """Bytes on disk: all, the people table's with its index, the completions table's."""
    database = open_database(database_url, serving=False)
    try:
        if database_url.kind is DatabaseKind.SQLITE:
            def table(name: str) -> int:
                return database.query("SELECT SUM(pgsize) FROM dbstat WHERE name = ? OR name IN "
                                      "(SELECT name FROM sqlite_master WHERE tbl_name = ?)",
                                      (name, name))[0][0] or 0
            total = database_url.sqlite_path.stat().st_size
            return total, table("people"), table("completions")
        (total,) = database.query("SELECT pg_database_size(current_database())")[0]
        return (total, *(database.query("SELECT pg_total_relation_size(?)", (name,))[0][0]
                         for name in ("people", "completions")))
    finally:
        database.close()


# Requests, answered in-process.

MID_ROUTINE = {"v": 2, "asked": "next", "routine": "leg-cramp-massage", "step": 1, "part": 0}
LAST_STEP = {"v": 2, "asked": "next", "routine": "butterfly-stretch", "step": 0, "part": 0}


def envelopes(person: int, operation: str) -> list[dict]:
    device = Device(user_id=USER.format(person), api_endpoint="")  # no settings API asked
    new = {"new": True, "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}"}

    def going_on(attributes: dict) -> dict:
        return {"new": False, "sessionId": new["sessionId"], "attributes": attributes}

    if operation == "launch":
        return [device.envelope(launch_request(), new)]
    if operation == "progress":
        return [device.envelope(intent_request(intents.PROGRESS), new)]
    if operation == "next":
        return [device.envelope(intent_request(intents.NEXT), going_on(MID_ROUTINE))]
    if operation == "finish":
        return [device.envelope(intent_request(intents.NEXT), going_on(LAST_STEP))]
    confirm = {"v": 2, "asked": "forget"}
    return [device.envelope(intent_request(intents.DELETE_PROGRESS), new),
            device.envelope(intent_request(intents.YES), going_on(confirm))]


def timed(client, envelope: dict) -> float:
    begun = time.perf_counter()
    response = client.post("/", json=envelope)
    took = time.perf_counter() - begun
    if response.status_code != 200:
        raise SystemExit(f"answered {response.status_code}: {response.get_data()[:300]!r}")
    return took * 1000


def measure(app, found: Population, requests: int,
            subjects: int) -> dict[tuple[str, str], list[float]]:
    """Each operation's milliseconds for each kind of person; someone new is new each time."""
    client = app.test_client()
    times: dict[tuple[str, str], list[float]] = {}
    strangers = itertools.count(found.people + 1)
    for operation in OPERATIONS[:-1]:  # warm up: connections opened, statements prepared
        for envelope in envelopes(next(strangers), operation):
            timed(client, envelope)
    for operation in OPERATIONS:
        for kind in KINDS:
            known = found.subjects[kind]
            count = subjects if operation == "delete" else requests
            samples = []
            for number in range(count):
                person = next(strangers) if kind == "new" else known[number % len(known)]
                *before, last = envelopes(person, operation)
                for envelope in before:  # "delete my progress" asks first
                    timed(client, envelope)
                samples.append(timed(client, last))
            times[operation, kind] = samples
    return times


def erasing(app, found: Population) -> dict[str, list[float]]:
    """The forgotten subjects' histories erased batch by batch: each batch's milliseconds."""
    forgetting = app.extensions["stretch_coach"]["store"].forgetting
    batches: dict[str, list[float]] = {}
    for kind in ("typical", "five-year", "heavy"):
        batches[kind] = []
        for person in found.subjects[kind]:
            while True:
                begun = time.perf_counter()
                erased = forgetting.erase_batch(person)
                batches[kind].append((time.perf_counter() - begun) * 1000)
                if not erased:
                    break
    return batches


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# The run.

def run_one(kind: str, url: str, size: int, args: argparse.Namespace) -> None:
    database_url = DatabaseUrl.parse(url)
    migrating = open_database(database_url, serving=False)
    upgrade(migrating, UTC)
    migrating.close()
    rng = random.Random(size)
    begun = time.monotonic()
    found, people, events = population(size, args.subjects, int(time.time()), rng)
    made = time.monotonic() - begun
    if database_url.kind is DatabaseKind.SQLITE:
        fill_sqlite(database_url.sqlite_path, people, events)
    else:
        fill_postgres(url, people, events)
    filled = time.monotonic() - begun - made
    del people, events
    total, people_bytes, completion_bytes = sizes(database_url)
    app = create_app(Settings.from_env({"ALEXA_VERIFY": "0", "SKILL_DATABASE_URL": url}))
    store = app.extensions["stretch_coach"]["store"]
    store.forgetting.background = False  # erased below, batch by batch, timed
    try:
        times = measure(app, found, args.requests, args.subjects)
        batches = erasing(app, found)
    finally:
        store.close()
    report(kind, found, made, filled, (total, people_bytes, completion_bytes), times, batches)


def report(kind: str, found: Population, made: float, filled: float,
           sized: tuple[float, float, float], times: dict, batches: dict) -> None:
    total, people_bytes, completion_bytes = sized
    print(f"\n{kind}, {found.people:,} people, {found.completions:,} completions "
          f"(made in {made:.0f} s, written in {filled:.0f} s)")
    print(f"  size {total / 2**20:,.1f} MiB: people {people_bytes / max(found.people, 1):,.0f} "
          f"B a person, completions {completion_bytes / max(found.completions, 1):,.1f} "
          "B a completion (each table with its indexes)")
    print(f"  {'ms, p50 / p99':16}" + "".join(f"{kind:>18}" for kind in KINDS))
    for operation in OPERATIONS:
        cells = [times[operation, kind] for kind in KINDS]
        print(f"  {operation:16}" + "".join(
            f"{statistics.median(cell):9.2f} /{percentile(cell, 0.99):7.2f}" for cell in cells))
    for kind, each in batches.items():
        print(f"  erasing {kind:10} {len(each):5} batches: p50 {statistics.median(each):.2f} ms,"
              f" p99 {percentile(each, 0.99):.2f} ms, longest {max(each):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--subjects", type=int, default=20,
                        help="people of each kind asked about (default 20)")
    parser.add_argument("--requests", type=int, default=200,
                        help="requests of each kind and person kind (default 200)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    stop = lambda: None  # noqa: E731
    try:
        server = None
        if "postgresql" in args.databases:
            server, stop = postgres_url(work)
            if server is None:
                print("PostgreSQL is not installed: SQLite only", file=sys.stderr)
        print(f"in-process, one request at a time; {args.subjects} people of each kind; "
              f"{args.requests} requests of each kind and person kind (delete: one each)")
        for size in args.people:
            if "sqlite" in args.databases:
                run_one("SQLite", f"sqlite:///{work}/scale-{size}.sqlite3", size, args)
            if server:
                with fresh_database(server, f"scale_{size}") as url:
                    run_one("PostgreSQL", url, size, args)
    finally:
        stop()
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server: str, name: str) -> Iterator[str]:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
