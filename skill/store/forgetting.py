"""Forgetting a person at once, and erasing their history in the background in short steps.

`detach` is one statement: the person's row loses their user id and everything else but its
number, so from then on no read can reach them or their history (reads go by user id), even
if the process dies before the history is gone. A thread of each worker then deletes that
history a batch at a time, each batch a statement of its own that holds SQLite's only write
lock for a few milliseconds, with a pause between batches as long as the batch took: other
people's saves wait one batch at most, whatever the history. Rows left by a crash are erased
by the next worker to start.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from .database import Database
from .store import StoreError

log = logging.getLogger(__name__)

# Completions deleted a statement: a few milliseconds of SQLite's write lock (bench/scale.py
# measures the longest hold).
BATCH_ROWS = 500
# Forgotten people left by another process (or a crash) are looked for this often.
SWEEP_SECONDS = 60.0
PAUSE_LEAST = 0.001

DETACH = ("UPDATE people SET user_id = NULL, first_seen = 0, time_zone = NULL, "
          "zone_checked = NULL, routine = NULL, step = NULL, place_saved = NULL, "
          "place_hold = NULL, place_heard_out = NULL, place_finishing = NULL, place_to = NULL, "
          "pace = NULL, hold_length = NULL, quiet = NULL, hands_free = NULL, streak = 0, "
          "best_streak = 0, last_day = NULL, reminder_id = NULL, reminder_offered = NULL "
          "WHERE user_id = ?")
FORGOTTEN = "SELECT id FROM people WHERE user_id IS NULL"
# The oldest `batch_rows` (and any more at the same second), read as one range of the key;
# the last batch, shorter, takes all that is left.
ERASE_BATCH = ("DELETE FROM completions WHERE person = ? AND finished <= COALESCE(("
               "SELECT finished FROM completions WHERE person = ? ORDER BY finished "
               "LIMIT 1 OFFSET ?), 9223372036854775807)")
# The numbered row goes last, and only once its history is gone, so a crash never leaves
# history that nothing points to.
REMOVE = ("DELETE FROM people WHERE id = ? AND user_id IS NULL "
          "AND NOT EXISTS (SELECT 1 FROM completions WHERE person = ?)")


class Forgetting:
    def __init__(self, database: Database, background: bool = True,
                 batch_rows: int = BATCH_ROWS):
        self.database = database
        self.background = background
        self.batch_rows = batch_rows
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def forget(self, user: str) -> None:
        """Detaches the person (one statement), and has their history erased after."""
        if self.database.change(DETACH, (user,)):
            self.wake()

    def wake(self) -> None:
        """Has this process's eraser look for work now."""
        if self.start():
            self._wake.set()

    def start(self) -> bool:
        """Starts this process's eraser, if it has none yet: its first look for work finds
        what a crash left. False if erasing is not done in the background."""
        if not self.background:
            return False
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._wake, self._stopped = threading.Event(), threading.Event()
                    self._thread = threading.Thread(target=self._run, name="forgetting",
                                                    daemon=True)
                    self._thread.start()
                    self._pid = os.getpid()
        return True

    def erase_all(self, stopped: threading.Event | None = None) -> int:
        """Erases every forgotten person's history, batch by batch, until done or `stopped`;
        how many batches it took."""
        stopped = stopped or threading.Event()
        batches = 0
        for (person,) in self.database.query(FORGOTTEN):
            while not stopped.is_set():
                begun = time.monotonic()
                if not self.erase_batch(person):
                    break
                batches += 1
                # The eraser takes at most half of the database's write time.
                stopped.wait(max(time.monotonic() - begun, PAUSE_LEAST))
            self.database.change(REMOVE, (person, person))
        return batches

    def erase_batch(self, person: int) -> int:
        """Deletes up to `batch_rows` of the person's oldest completions; how many."""
        return self.database.change(ERASE_BATCH, (person, person, self.batch_rows - 1))

    def stop(self) -> None:
        with self._lock:
            self._stopped.set()
            self._wake.set()
            self._pid = None

    def _run(self) -> None:
        stopped, wake = self._stopped, self._wake
        while not stopped.is_set():
            wake.clear()
            try:
                batches = self.erase_all(stopped)
                if batches:
                    log.info("erased the history of forgotten people in %d batches", batches)
            except StoreError as error:
                log.error("cannot erase a forgotten person's history yet: %s", error)
            self.database.release()
            wake.wait(SWEEP_SECONDS)
