"""Connections to the store's database: SQLite in a file by default, PostgreSQL across hosts.

Statements are written once, with `?` placeholders, for either database. A statement on its
own (`query`, `change`) commits by itself; several that must land together run in a
`transaction`. Connections belong to the process (and, for SQLite, the thread) that opened
them: each gunicorn worker opens its own after the fork, never using one inherited from the
master.
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from ..settings import DatabaseKind, DatabaseUrl
from .store import StoreError

log = logging.getLogger(__name__)

# How long a request may wait for the database before the skill answers without it.
BUSY_SECONDS = 3.0
POOL_SIZE = 8
# SQLite's write-ahead log is copied into the database by a thread of each worker this often,
# instead of by whichever request's write crosses SQLite's 1,000 pages (10-17 ms, measured).
CHECKPOINT_SECONDS = 1.0
# A writer waiting for another worker's transaction looks again after this long, then after
# twice as long, up to WAIT_MOST: SQLite's own busy handler waits 1, 2, 5, 10 ... 100 ms.
WAIT_LEAST, WAIT_MOST = 0.0002, 0.002


class Transaction:
    """Statements inside one transaction."""

    def __init__(self, cursor: Any, convert: Callable[[str], str]):
        self.cursor = cursor
        self.convert = convert

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.cursor.execute(self.convert(sql), params).fetchall()

    def change(self, sql: str, params: tuple = ()) -> int:
        """Runs a statement that writes; how many rows it wrote."""
        return self.cursor.execute(self.convert(sql), params).rowcount

    def many(self, sql: str, rows: Iterable[tuple]) -> None:
        self.cursor.executemany(self.convert(sql), rows)


class Database(abc.ABC):
    """A database the store can run statements and transactions on."""

    kind: DatabaseKind

    @abc.abstractmethod
    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """The rows one statement reads, on their own (no transaction around them)."""

    @abc.abstractmethod
    def change(self, sql: str, params: tuple = ()) -> int:
        """Runs one statement that writes, committed on its own; how many rows it wrote."""

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[Transaction]:
        """Statements that commit together or not at all (a write, serialised with every
        other transaction on the database)."""

    @abc.abstractmethod
    def release(self) -> None:
        """Lets go of the connection this thread keeps, if it keeps one: for threads that use
        the database seldom (erasing forgotten people)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Closes what this process opened; the next statement opens afresh."""


def open_database(database: DatabaseUrl, serving: bool = True) -> Database:
    """The database `database` names, for serving requests (PostgreSQL's connections pooled,
    SQLite's checkpoints in the background) or, with serving=False, for one-off work such as a
    schema upgrade (PostgreSQL connecting afresh each time, SQLite checkpointing as it writes)."""
    if database.kind is DatabaseKind.SQLITE:
        return SqliteDatabase(database.sqlite_path, serving)
    return PostgresDatabase(database.url, serving)


class SqliteDatabase(Database):
    """One file in WAL mode, shared by the workers of one host.

    A statement on its own takes and drops SQLite's write lock inside one call, so its writer
    never holds the lock while it waits for Python's. Transactions hold the lock across
    several calls: they queue for it on a lock of the worker's and then a lock file of the
    host's, taking it within WAIT_MOST of its release, rather than sleeping in SQLite's busy
    handler, which is left to other processes (a `db upgrade`, the sqlite3 shell).
    """

    kind = DatabaseKind.SQLITE

    def __init__(self, path: Path, serving: bool = True):
        self.path = path
        self.serving = serving
        self._local = threading.local()
        self._guard = threading.Lock()
        self._writers: _Writers | None = None

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.connection, local.pid = self._open(), os.getpid()
            local.checkpoints = self._process().checkpoints if self.serving else None
            if local.checkpoints:
                local.checkpoints.start()
        return local.connection

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        # NORMAL in WAL mode loses no committed data on a crash of the process, only on a
        # power cut at the wrong moment; the usual choice, and what bench/ compares with.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        if self.serving:
            connection.execute("PRAGMA wal_autocheckpoint=0")  # Checkpoints does them
        return connection

    def _process(self) -> _Writers:
        """This process's writer locks and checkpoint thread, made after the fork."""
        with self._guard:
            if self._writers is None or self._writers.pid != os.getpid():
                self._writers = _Writers(self.path, self._open)
            return self._writers

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except (sqlite3.Error, OSError) as error:
            raise self._error(error) from None

    def change(self, sql: str, params: tuple = ()) -> int:
        try:
            count = self._connection().execute(sql, params).rowcount
        except (sqlite3.Error, OSError) as error:
            raise self._error(error) from None
        self._wrote()
        return count

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        writers = self._process()
        with writers.turn(self._error):
            try:
                connection = self._connection()
                connection.execute("BEGIN IMMEDIATE")
            except (sqlite3.Error, OSError) as error:
                raise self._error(error) from None
            try:
                yield Transaction(connection.cursor(), _same)
                connection.execute("COMMIT")
            except BaseException as error:
                # SQLite ends a transaction itself on some errors (a full disk, an I/O
                # error), and a ROLLBACK then would raise in its turn.
                if connection.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise self._error(error) from None
                raise
        self._wrote()

    def _wrote(self) -> None:
        # close() from another thread may have swapped _local since this thread connected.
        checkpoints = getattr(self._local, "checkpoints", None)
        if checkpoints:
            checkpoints.pending = True

    def _error(self, error: BaseException) -> StoreError:
        return StoreError(f"SQLite database {self.path}: {error}")

    def release(self) -> None:
        if getattr(self._local, "pid", None) == os.getpid():
            self._local.connection.close()
            self._local.pid = None

    def close(self) -> None:
        self.release()
        self._local = threading.local()
        with self._guard:
            if self._writers is not None and self._writers.pid == os.getpid():
                self._writers.close()
            self._writers = None


class _Writers:
    """One process's side of SQLite's single writer: a lock its threads queue on, the host's
    lock file its processes queue on, and the thread that checkpoints."""

    def __init__(self, path: Path, connect: Callable[[], sqlite3.Connection]):
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.lock_file = path.with_name(path.name + "-lock")
        self._descriptor: int | None = None  # opened in this process: flock is per opening
        self.checkpoints = Checkpoints(connect)

    @contextlib.contextmanager
    def turn(self, error: Callable[[BaseException], StoreError]) -> Iterator[None]:
        """Holds the write turn of the host: this worker's lock, then the host's."""
        deadline = time.monotonic() + BUSY_SECONDS
        if not self.lock.acquire(timeout=BUSY_SECONDS):
            raise error(TimeoutError(f"no turn to write within {BUSY_SECONDS:g} s"))
        try:
            descriptor = self._lock_host(deadline, error)
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            self.lock.release()

    def _lock_host(self, deadline: float, error: Callable[[BaseException], StoreError]) -> int:
        # A blocking flock would wait with no deadline; this waits at most WAIT_MOST past
        # the moment the other worker lets go, and gives up at the deadline.
        try:
            if self._descriptor is None:
                # The first write may come before the first connection makes the folder.
                self.lock_file.parent.mkdir(parents=True, exist_ok=True)
                # Read-only is enough for flock, so one account's file (a `db upgrade` run as
                # root, say) serves another's workers.
                self._descriptor = os.open(self.lock_file, os.O_RDONLY | os.O_CREAT, 0o644)
            pause = WAIT_LEAST
            while True:
                try:
                    fcntl.flock(self._descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return self._descriptor
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"another worker held {self.lock_file.name} for "
                                           f"{BUSY_SECONDS:g} s") from None
                    time.sleep(pause)
                    pause = min(pause * 2, WAIT_MOST)
        except OSError as failed:
            raise error(failed) from None

    def close(self) -> None:
        self.checkpoints.stop()
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


class Checkpoints:
    """SQLite's checkpoints (the write-ahead log copied into the database file), made by a
    thread of the worker's own once a second after any write, off every request's path.

    PASSIVE checkpoints wait for no reader or writer; what they cannot copy yet, the next
    one does. Were this thread to fail, the log would grow but nothing would be lost.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection]):
        self.connect = connect
        self.pending = False
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sqlite checkpoints",
                                                daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.wait(CHECKPOINT_SECONDS):
            if not self.pending:
                continue
            self.pending = False
            # A connection for each checkpoint (a fraction of one's cost): none kept idle.
            try:
                with contextlib.closing(self.connect()) as connection:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except (sqlite3.Error, OSError) as error:
                log.warning("SQLite checkpoint failed (the next one tries again): %s", error)


class PostgresDatabase(Database):
    """A psycopg connection pool per worker process, created on first use after the fork.
    Statements on their own commit by themselves (autocommit: one round trip); transactions
    are PostgreSQL's, so hosts need no lock of ours to share the database."""

    kind = DatabaseKind.POSTGRESQL

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
                        kwargs={"connect_timeout": int(BUSY_SECONDS), "autocommit": True},
                        open=True, name="stretch-coach")
                    self._pid = os.getpid()
        return self._pool

    def _connection(self) -> contextlib.AbstractContextManager[Any]:
        if self.pooled:
            return self._connections().connection()
        import psycopg

        return psycopg.connect(self.url, connect_timeout=int(BUSY_SECONDS), autocommit=True)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            yield
        except (psycopg.Error, PoolTimeout) as error:
            raise StoreError(f"PostgreSQL: {_first_line(error)}") from None

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._errors(), self._connection() as connection:
            return connection.execute(_postgres(sql), params).fetchall()

    def change(self, sql: str, params: tuple = ()) -> int:
        with self._errors(), self._connection() as connection:
            return connection.execute(_postgres(sql), params).rowcount

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._errors(), self._connection() as connection, connection.transaction(), \
                connection.cursor() as cursor:
            yield Transaction(cursor, _postgres)

    def release(self) -> None:
        """Nothing to let go of: a connection goes back to the pool after each use."""

    def close(self) -> None:
        if self._pid == os.getpid() and self._pool is not None:
            self._pool.close()
        self._pool, self._pid = None, None


def _same(sql: str) -> str:
    return sql


@cache
def _postgres(sql: str) -> str:
    return sql.replace("?", "%s")


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
