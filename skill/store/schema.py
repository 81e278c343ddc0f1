"""The one place the stored schema is written down, version by version.

Each version's statements run once, in order, in one transaction; the same SQL runs on SQLite
and PostgreSQL. Times are whole seconds since the epoch (UTC), which both store as BIGINT.
"""

from __future__ import annotations

from .database import Database, PostgresDatabase, StoreError

# Version N's statements take a database at version N - 1 to version N.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        # One row a person: when they first used the skill (so the safety note is said once),
        # their device's time zone and when it was last asked for, and their unfinished
        # routine at step granularity (never the speech layer's parts).
        """CREATE TABLE people (
            user_id TEXT PRIMARY KEY,
            first_seen BIGINT NOT NULL,
            time_zone TEXT,
            zone_checked BIGINT,
            routine TEXT,
            step INTEGER,
            place_saved BIGINT
        )""",
        # Finished routines are appended, never rewritten: one row each, keyed by the request
        # that finished it, so a retried request cannot count twice and two hosts finishing
        # routines for one person at once cannot lose either.
        """CREATE TABLE completions (
            user_id TEXT NOT NULL,
            request_id TEXT NOT NULL,
            routine TEXT NOT NULL,
            finished BIGINT NOT NULL,
            PRIMARY KEY (user_id, request_id)
        )""",
        "CREATE INDEX completions_by_time ON completions (user_id, finished)",
    ),
    2: (
        # How the person likes to be coached: how long to move between holds, and where a
        # routine gives a range, how long to hold (indexes; NULL is the usual).
        "ALTER TABLE people ADD COLUMN pace INTEGER",
        "ALTER TABLE people ADD COLUMN hold_length INTEGER",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)

VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
# Serializes schema upgrades across every process and host sharing a PostgreSQL database.
ADVISORY_LOCK = 4_127_001


def upgrade(database: Database) -> tuple[int, int]:
    """Brings the schema to SCHEMA_VERSION; returns (version found, version now)."""
    with database.transaction(write=True) as tx:
        if isinstance(database, PostgresDatabase):
            tx.execute("SELECT pg_advisory_xact_lock(?)", (ADVISORY_LOCK,))
        tx.execute(VERSION_TABLE)
        found = tx.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
        if found > SCHEMA_VERSION:
            raise StoreError(f"the database's schema is version {found}, newer than this "
                             f"version of the skill knows ({SCHEMA_VERSION}): upgrade the skill")
        for version in range(found + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                tx.execute(statement)
        if found != SCHEMA_VERSION:
            tx.execute("DELETE FROM schema_version")
            tx.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    return found, SCHEMA_VERSION
