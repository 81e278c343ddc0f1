"""Logging for the service: one line a record, made and written cheaply, since every request
writes one.

Three things make a line cheap: the logging HOWTO's documented optimisations (no source line
or thread looked up, none being shown); the time formatted once a second rather than once a
record; and lines written through a block buffer, flushed at once for a warning or worse and
otherwise at least every FLUSH_SECONDS, rather than a write to stderr (under the handler's
lock, other threads waiting on it) for every request.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
import time

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# An INFO line waits at most this long to be written.
FLUSH_SECONDS = 1.0
BUFFER_BYTES = 64 * 1024


class SecondFormatter(logging.Formatter):
    """A Formatter whose asctime ("2026-11-23 04:43:35,123") formats the second only when it
    changes: strftime is the dearest part of a line."""

    def __init__(self) -> None:
        super().__init__(FORMAT)
        self._second = -1
        self._text = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        second = int(record.created)
        if second != self._second:
            self._second, self._text = second, time.strftime(
                "%Y-%m-%d %H:%M:%S", self.converter(record.created))
        return f"{self._text},{int(record.msecs):03d}"


class BufferedStderrHandler(logging.StreamHandler):
    """Writes to stderr through a buffer: a warning or worse at once, other lines within
    FLUSH_SECONDS (a flusher thread per process, started after any fork), and all at exit."""

    def __init__(self) -> None:
        stream = open(sys.stderr.fileno(), "w", buffering=BUFFER_BYTES, encoding="utf-8",  # noqa: SIM115
                      errors="backslashreplace", closefd=False)
        super().__init__(stream)
        self._flusher_pid: int | None = None
        atexit.register(self.flush_now)

    def flush(self) -> None:
        """StreamHandler calls this after every record: the buffer decides instead."""

    def flush_now(self) -> None:
        with self.lock:
            if not self.stream.closed:
                self.stream.flush()

    def emit(self, record: logging.LogRecord) -> None:
        if self._flusher_pid != os.getpid():
            self._start_flusher()
        super().emit(record)
        if record.levelno >= logging.WARNING:
            self.flush_now()

    def _start_flusher(self) -> None:
        self._flusher_pid = os.getpid()
        threading.Thread(target=self._flush_every, name="log flusher", daemon=True).start()

    def _flush_every(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            self.flush_now()


def configure(level: str) -> BufferedStderrHandler:
    """The root logger at `level`, writing lines to stderr. gunicorn's own format shows the
    process id, so that is still recorded."""
    handler = BufferedStderrHandler()
    handler.setFormatter(SecondFormatter())
    logging.basicConfig(level=level, handlers=[handler])
    logging._srcfile = None  # noqa: SLF001 - documented in the logging HOWTO, "Optimization"
    logging.logThreads = logging.logMultiprocessing = False
    return handler
