"""A stand-in for Alexa's device settings API on loopback, answering System.timeZone, and
serving the Reminders API's stand-in (reminders_api.py) at the same address, as Alexa serves
both at one apiEndpoint.

The simulator points its envelopes' apiEndpoint here, so a conversation never leaves the
machine; tests make it slow, failing or garbled to see the skill fall back.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import reminders_api
from .reminders_api import RemindersApi

PATH = re.compile(r"/v2/devices/(?P<device>[^/]+)/settings/System\.timeZone")
# Stopping waits for the serving loop's next look at its stop flag (socketserver's default is
# every half second): a test that starts its own stand-in would pay that at every teardown.
POLL_SECONDS = 0.02


def local_zone() -> str:
    """This machine's IANA zone (from TZ or /etc/localtime), as an Echo here would report."""
    named = os.environ.get("TZ", "").lstrip(":")
    if "/" in named:
        return named
    with contextlib.suppress(OSError):
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    return "UTC"


@dataclass
class SettingsApi:
    """What the stand-in answers: a zone (or an HTTP status instead), after a delay."""

    zone: str = "UTC"
    status: int = 200
    delay: float = 0.0
    body: bytes | None = None  # a raw answer instead of the zone, to garble it
    trickle: float = 0.0  # seconds between the answer's bytes, for a client that waits on each
    asked: list[str] = field(default_factory=list)  # device ids asked about, in order
    url: str = ""


def _handler(api: SettingsApi, reminders: RemindersApi | None
             ) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self._reminders():
                return
            match = PATH.fullmatch(self.path)
            if not match or not self.headers.get("Authorization", "").startswith("Bearer "):
                self.send_error(404 if not match else 401)
                return
            api.asked.append(match.group("device"))
            time.sleep(api.delay)
            body = api.body if api.body is not None else json.dumps(api.zone).encode()
            self.send_response(api.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the skill gave up waiting
                for index in range(0, len(body), 1 if api.trickle else len(body) or 1):
                    time.sleep(api.trickle)
                    self.wfile.write(body[index:index + 1] if api.trickle else body)
                    self.wfile.flush()

        def do_POST(self) -> None:  # noqa: N802
            self._reminders() or self.send_error(404)

        def do_PUT(self) -> None:  # noqa: N802
            self._reminders() or self.send_error(404)

        def do_DELETE(self) -> None:  # noqa: N802
            self._reminders() or self.send_error(404)

        def _reminders(self) -> bool:
            """Answers a request for the Reminders API, if it is one and that is served."""
            if reminders is None or not self.path.startswith(reminders_api.PATH):
                return False
            length = int(self.headers.get("Content-Length") or 0)
            status, body = reminders.answer(self.command, self.path,
                                            self.headers.get("Authorization", ""),
                                            self.rfile.read(length))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the skill gave up waiting
                self.wfile.write(body)
            return True

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextlib.contextmanager
def settings_api(api: SettingsApi | None = None, reminders: RemindersApi | None = None
                 ) -> Iterator[SettingsApi]:
    """Serves `api` (and `reminders`, if given) on a free loopback port for the duration; its
    url is set on it."""
    api = api or SettingsApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api, reminders))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
