"""Runs the app on gunicorn: threaded workers whose connections get a bounded time to send
their request, so slow or idle clients cannot stall the skill. The one place it is configured."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from http import HTTPStatus
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.http import errors
from gunicorn.workers.gthread import ThreadWorker

from .untrusted import shown

log = logging.getLogger(__name__)

# Threads per worker process: each request holds one while it is read and answered. Slow clients
# hold one each for at most REQUEST_READ_SECONDS, so this many of them per worker are needed to
# delay anyone; idle kept-alive connections wait in the worker's poller and hold none.
THREADS = 8
# Alexa sends its few kilobytes at once; a client still sending after this is cut off (its read
# side shut), whatever it is doing: idle, half its headers, or a body short of its length.
REQUEST_READ_SECONDS = 2.0
# Alexa gives a skill 8 seconds; a connection still busy after this is closed outright.
REQUEST_SECONDS = 10
# On SIGTERM, in-flight requests get this long to finish before their worker is killed.
GRACEFUL_SECONDS = REQUEST_SECONDS


def options(host: str, port: int, workers: int, log_level: str) -> dict[str, Any]:
    """gunicorn's settings for the skill."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": BoundedThreadWorker,
        "threads": THREADS,
        # The app logs one line per request (skill/app.py); gunicorn's own would cost as much
        # again and repeat it.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "timeout": 30,
        "graceful_timeout": GRACEFUL_SECONDS,
        "keepalive": 5,
    }


class GunicornServer(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]):
        self.app = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        # Newer gunicorns open a control socket at one fixed path per user; two servers on a
        # host would fight over it, and nothing here uses it.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Flask:
        return self.app


def serve(app: Flask, host: str, port: int, workers: int, log_level: str) -> None:
    GunicornServer(app, options(host, port, workers, log_level)).run()


class Deadlines:
    """Connections being served by a worker's threads, cut off when they overstay: first the
    read side (a blocked read returns end-of-file at once), later the whole connection."""

    def __init__(self, read_seconds: float, total_seconds: float, tick: float = 0.1):
        self.read_seconds = read_seconds
        self.total_seconds = total_seconds
        self.tick = tick
        self._lock = threading.Lock()
        self._started: dict[socket.socket, float] = {}
        self._cut: set[socket.socket] = set()

    def start(self) -> None:
        threading.Thread(target=self._watch, name="deadlines", daemon=True).start()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._started[sock] = time.monotonic()

    def discard(self, sock: socket.socket) -> None:
        with self._lock:
            self._started.pop(sock, None)
            self._cut.discard(sock)

    def _watch(self) -> None:
        while True:
            time.sleep(self.tick)
            self.enforce(time.monotonic())

    def enforce(self, now: float) -> None:
        with self._lock:
            for sock, started in self._started.items():
                if now - started > self.total_seconds:
                    _shutdown(sock, socket.SHUT_RDWR)
                elif now - started > self.read_seconds and sock not in self._cut:
                    self._cut.add(sock)
                    _shutdown(sock, socket.SHUT_RD)


def let_go(sock: socket.socket, most: int = 64 * 1024) -> None:
    """Ready a connection for gunicorn to close without waiting on the client. Its graceful
    close otherwise lingers up to 2 s for the client to hang up, on the worker's one event-loop
    thread, so clients that never hang up stalled the worker. The response is followed by
    end-of-file, bytes the client has already sent are read (closing on unread bytes resets the
    connection, which can lose the response), and no more are waited for."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        while most > 0 and (data := sock.recv(min(most, 16384), socket.MSG_DONTWAIT)):
            most -= len(data)
    _shutdown(sock, socket.SHUT_RD)


def _shutdown(sock: socket.socket, how: int) -> None:
    with contextlib.suppress(OSError):  # the client has closed it already
        sock.shutdown(how)


class BoundedThreadWorker(ThreadWorker):
    """gunicorn's threaded worker, with every request's time on a thread bounded (Deadlines)
    and the server's own 4xx answers in the app's words, as JSON, without echoing the client."""

    def init_process(self) -> None:
        self.deadlines = Deadlines(REQUEST_READ_SECONDS, REQUEST_SECONDS)
        self.deadlines.start()
        super().init_process()

    def enqueue_req(self, conn) -> None:
        # The clock starts when the connection is queued, not when a thread takes it: otherwise
        # a crowd of slow connections would delay everyone queued behind them once per thread.
        self.deadlines.add(conn.sock)
        super().enqueue_req(conn)

    def handle(self, conn):
        sock = conn.sock
        try:
            keep = super().handle(conn)
            if keep is False:
                let_go(sock)
            return keep
        finally:
            self.deadlines.discard(sock)

    def handle_error(self, req, client, addr, exc) -> None:
        answer = CLIENT_ERRORS.get(type(exc))
        if answer is None and isinstance(exc, errors.ParseException):
            answer = (400, "the request is not valid HTTP")
        if answer is None:
            return super().handle_error(req, client, addr, exc)
        status, message = answer
        header = getattr(exc, "hdr", None)
        if isinstance(exc, HEADER_ERRORS) and isinstance(header, str):
            message = f"the request header {shown(header, 40)} is malformed"
        log.warning("refused before the app: %d %s (%s: %s)", status, message,
                    type(exc).__name__, shown(str(exc)))
        with contextlib.suppress(OSError):  # the client has gone
            client.sendall(_json_error(status, message))


BAD_CHUNKS = (400, "the request body's chunked encoding is malformed")
CLIENT_ERRORS: dict[type, tuple[int, str]] = {
    errors.InvalidRequestLine: (400, "the request line is not valid HTTP"),
    errors.InvalidRequestMethod: (400, "the request method is not valid"),
    errors.InvalidHTTPVersion: (400, "the HTTP version is not supported"),
    errors.InvalidHeader: (400, "a request header is malformed"),
    errors.InvalidHeaderName: (400, "a request header name is malformed"),
    errors.ObsoleteFolding: (400, "a request header is folded over lines"),
    errors.UnsupportedTransferCoding: (400, "the only Transfer-Encoding accepted is chunked"),
    errors.InvalidChunkSize: BAD_CHUNKS,
    errors.ChunkMissingTerminator: BAD_CHUNKS,
    errors.InvalidChunkExtension: BAD_CHUNKS,
    errors.LimitRequestLine: (414, "the request line is too long"),
    errors.LimitRequestHeaders: (431, "the request headers are too many or too large"),
    errors.ExpectationFailed: (417, "the only expectation accepted is 100-continue"),
}
HEADER_ERRORS = (errors.InvalidHeader, errors.InvalidHeaderName)


def _json_error(status: int, message: str) -> bytes:
    body = json.dumps({"error": message}, separators=(",", ":")).encode() + b"\n"
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body
