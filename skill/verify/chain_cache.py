"""Signing keys by chain URL path: fetched once, kept until they expire, failures remembered
briefly, and no request waiting on a fetch for longer than its deadline."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime

from ..untrusted import shown
from .chain import ChainValidator, SigningKey
from .download import CHECK, TIMEOUT_SECONDS
from .errors import VerificationError

log = logging.getLogger(__name__)

MAX_CACHED_CHAINS = 64
# Anyone can name a new /echo.api/ URL, so fetches are rationed: two at once per process (one
# spare for Amazon's next chain while a forged URL is being fetched). Beyond that a request
# fails at once rather than holding a worker.
MAX_FETCHES = 2
# A failed URL is not fetched again for this long, so a flood of one forged URL costs one
# download. Short, so a real URL that failed during a passing network fault is soon retried.
FAILURE_MEMORY_SECONDS = 30.0
MAX_REMEMBERED_FAILURES = 128


@dataclass(frozen=True)
class _Fetch:
    """A fetch under way in its own thread; every request for its path waits on `result`."""

    result: Future[SigningKey]
    deadline: float


@dataclass(frozen=True)
class _Failure:
    error: VerificationError
    until: float


class ChainCache:
    """Signing keys by chain URL path, each kept until its chain expires; bounded, thread-safe.

    A cache hit is a dictionary lookup under a lock. A miss fetches and validates in a thread
    of its own, so a request waits at most `deadline` seconds even if the fetch hangs (in the
    name lookup, say); the thread's slot stays taken until the fetch really ends.
    """

    def __init__(self, fetch: Callable[[str], bytes], validator: ChainValidator,
                 max_entries: int = MAX_CACHED_CHAINS, *, deadline: float = TIMEOUT_SECONDS,
                 max_fetches: int = MAX_FETCHES, failure_memory: float = FAILURE_MEMORY_SECONDS,
                 max_failures: int = MAX_REMEMBERED_FAILURES,
                 monotonic: Callable[[], float] = time.monotonic):
        self.fetch = fetch
        self.validator = validator
        self.max_entries = max_entries
        self.deadline = deadline
        self.max_fetches = max_fetches
        self.failure_memory = failure_memory
        self.max_failures = max_failures
        self.monotonic = monotonic
        self.validations = 0
        self._keys: OrderedDict[str, SigningKey] = OrderedDict()
        self._failures: OrderedDict[str, _Failure] = OrderedDict()
        self._under_way: dict[str, _Fetch] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def under_way(self) -> int:
        """How many fetches are running now (a hung one counts until it really ends)."""
        return len(self._under_way)

    def key_for(self, path: str, now: datetime) -> SigningKey:
        with self._lock:
            key = self._keys.get(path)
            if key is not None:
                if key.in_date(now):
                    self._keys.move_to_end(path)
                    return key
                del self._keys[path]
            fetch = self._under_way.get(path) or self._start(path, now)
        return self._wait(fetch, path)

    def _start(self, path: str, now: datetime) -> _Fetch:
        """Called with the lock held: a new fetch of `path`, unless it failed lately or too
        many fetches are under way."""
        failure = self._failures.get(path)
        if failure is not None and failure.until > self.monotonic():
            raise VerificationError(failure.error.check, f"{failure.error.detail} (a failure "
                                    f"remembered for {self.failure_memory:g} s)")
        if len(self._under_way) >= self.max_fetches:
            raise VerificationError(CHECK, f"{len(self._under_way)} chain downloads are "
                                           "already under way; try again shortly")
        fetch = _Fetch(Future(), self.monotonic() + self.deadline)
        # A daemon thread of our own, not a ThreadPoolExecutor: the pool's workers hold up the
        # worker process's exit for as long as a name lookup hangs.
        thread = threading.Thread(target=self._run, args=(path, now, fetch), daemon=True,
                                  name="chain fetch")
        self._under_way[path] = fetch
        try:
            thread.start()
        except RuntimeError:  # no thread to be had: free the slot, or it would stay taken
            del self._under_way[path]
            raise VerificationError(CHECK, "cannot start a download now; try again") from None
        return fetch

    def _run(self, path: str, now: datetime, fetch: _Fetch) -> None:
        try:
            key = self.validator.validate(self.fetch(path), now)
        except VerificationError as error:
            self._finish(path, error)
            fetch.result.set_exception(error)
        except Exception as error:  # a bug, not the client's doing: logged, and a 400 all the same
            log.exception("fetching the chain at %s failed unexpectedly", shown(path))
            failure = VerificationError(
                CHECK, f"{shown(path)} could not be fetched ({type(error).__name__})")
            self._finish(path, failure)
            fetch.result.set_exception(failure)
        else:
            self._finish(path, key)
            fetch.result.set_result(key)

    def _finish(self, path: str, outcome: SigningKey | VerificationError) -> None:
        with self._lock:
            del self._under_way[path]
            if isinstance(outcome, VerificationError):
                self._failures[path] = _Failure(outcome, self.monotonic() + self.failure_memory)
                _bound(self._failures, path, self.max_failures)
                return
            self.validations += 1
            self._failures.pop(path, None)
            self._keys[path] = outcome
            _bound(self._keys, path, self.max_entries)

    def _wait(self, fetch: _Fetch, path: str) -> SigningKey:
        try:
            return fetch.result.result(timeout=max(0.0, fetch.deadline - self.monotonic()))
        except TimeoutError:
            raise VerificationError(CHECK, f"{shown(path)} took longer than "
                                           f"{self.deadline:g} s") from None
        except VerificationError as error:  # a copy: the same one may be raised in other threads
            raise VerificationError(error.check, error.detail) from None


def _bound(entries: OrderedDict, newest: str, limit: int) -> None:
    entries.move_to_end(newest)
    while len(entries) > limit:
        entries.popitem(last=False)
