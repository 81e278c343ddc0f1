"""Connections to the store's database: SQLite in a file by default, PostgreSQL across hosts.

Connections belong to the process (and, for SQLite, the thread) that opened them: each
gunicorn worker opens its own after the fork, never using one inherited from the master.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from ..settings import DatabaseKind, DatabaseUrl

# How long a request may wait for the database before the skill answers without it.
BUSY_SECONDS = 3.0
POOL_SIZE = 8


class StoreError(Exception):
    """The database could not be reached, or refused a statement."""


class Transaction:
    """Statements inside one transaction, written with `?` placeholders for either database."""

    def __init__(self, cursor: Any, convert: Callable[[str], str]):
        self.cursor = cursor
        self.convert = convert

    def execute(self, sql: str, params: tuple = ()) -> Any:
        return self.cursor.execute(self.convert(sql), params)


class Database:
    """A database the store can run transactions on."""

    def transaction(self, write: bool = False) -> contextlib.AbstractContextManager[Transaction]:
        raise NotImplementedError

    def close(self) -> None:
        """Closes what this process opened; the next transaction opens afresh."""


def open_database(database: DatabaseUrl, pooled: bool = True) -> Database:
    """The database `database` names. Unpooled, PostgreSQL connects afresh for each
    transaction: for one-off work such as a schema upgrade."""
    if database.kind is DatabaseKind.SQLITE:
        return SqliteDatabase(database.sqlite_path)
    return PostgresDatabase(database.url, pooled)


class SqliteDatabase(Database):
    """One file, in WAL mode with a busy timeout, so several workers can share it."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            # NORMAL in WAL mode loses no committed data on a crash of the process, only on a
            # power cut at the wrong moment; the usual choice, and what bench/ compares with.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    @contextlib.contextmanager
    def transaction(self, write: bool = False) -> Iterator[Transaction]:
        try:
            connection = self._connection()
            # A writer takes the lock up front, so it waits for another writer instead of
            # failing when a read lock cannot be upgraded.
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except (sqlite3.Error, OSError) as error:
            raise StoreError(f"SQLite database {self.path}: {error}") from None
        try:
            yield Transaction(connection.cursor(), _same)
            connection.execute("COMMIT")
        except BaseException as error:
            # SQLite ends a transaction itself on some errors (a full disk, an I/O error), and
            # a ROLLBACK then would raise in its turn.
            if connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise StoreError(f"SQLite database {self.path}: {error}") from None
            raise

    def close(self) -> None:
        if getattr(self._local, "pid", None) == os.getpid():
            self._local.connection.close()
        self._local = threading.local()


class PostgresDatabase(Database):
    """A psycopg connection pool per worker process, created on first use after the fork."""

    def __init__(self, url: str, pooled: bool = True):
        self.url = url
        self.pooled = pooled
        self._pool: Any = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def _connections(self) -> Any:
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    from psycopg_pool import ConnectionPool

                    self._pool = ConnectionPool(
                        self.url, min_size=1, max_size=POOL_SIZE, timeout=BUSY_SECONDS,
                        kwargs={"connect_timeout": int(BUSY_SECONDS)}, open=True,
                        name="stretch-coach")
                    self._pid = os.getpid()
        return self._pool

    @contextlib.contextmanager
    def transaction(self, write: bool = False) -> Iterator[Transaction]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._connection() as connection, connection.cursor() as cursor:
                yield Transaction(cursor, _postgres_placeholders)
        except (psycopg.Error, PoolTimeout) as error:
            raise StoreError(f"PostgreSQL: {_first_line(error)}") from None

    def _connection(self) -> contextlib.AbstractContextManager[Any]:
        """A connection that commits at the end of its block (or rolls back on an error)."""
        if self.pooled:
            return self._connections().connection()
        import psycopg

        return psycopg.connect(self.url, connect_timeout=int(BUSY_SECONDS))

    def close(self) -> None:
        if self._pid == os.getpid() and self._pool is not None:
            self._pool.close()
        self._pool, self._pid = None, None


def _same(sql: str) -> str:
    return sql


@cache
def _postgres_placeholders(sql: str) -> str:
    return sql.replace("?", "%s")


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
