"""Calls from the skill to Alexa's APIs, each given a deadline and a bounded answer.

Alexa waits 8 seconds for a response. The SDK's own API client (requests, no timeout) could
hold a request past that. Here each call runs in a thread of its own and the request waits for
it a given number of seconds at most: urllib's timeout bounds each socket step, not the name
lookup nor an answer trickling in byte by byte.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TypeVar

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

T = TypeVar("T")
WEB_SCHEMES = ("https://", "http://")


class DeadlineApiClient(ApiClient):
    """An ASK SDK ApiClient whose calls give up at a deadline and read a bounded answer,
    error answers included (Amazon's say why, in a short JSON body)."""

    def __init__(self, deadline: float, max_bytes: int):
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._opener = urllib.request.build_opener(_NoRedirects())

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        if not str(request.url).startswith(WEB_SCHEMES):
            # urllib would open file: and ftp: addresses too; the apiEndpoint is the client's.
            raise ValueError(f"not a web address: {str(request.url)[:100]!r}")
        outgoing = urllib.request.Request(
            request.url, data=request.body.encode() if request.body else None,
            headers=dict(request.headers or ()), method=request.method)
        try:
            with self._opener.open(outgoing, timeout=self.deadline) as answer:
                status, headers, body = answer.status, answer.headers, answer.read(self.max_bytes)
        except urllib.error.HTTPError as error:
            status, headers = error.code, error.headers
            with error:
                body = error.read(self.max_bytes)
        return ApiClientResponse(headers=list(headers.items()), status_code=status,
                                 body=body.decode("utf-8", "replace"))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Gate:
    """Runs calls to one API within a deadline, at most `max_calls` of them at once.

    Calls still running past their deadline keep their thread until urllib gives up; beyond
    `max_calls` at once, a request does without the API rather than start another.
    """

    def __init__(self, name: str, max_calls: int):
        self.name = name
        self.max_calls = max_calls
        self._calls = threading.BoundedSemaphore(max_calls)

    def run(self, call: Callable[[], T], deadline: float) -> T:
        """What `call()` returns or raises, if it ends within `deadline`; else TimeoutError."""
        if not self._calls.acquire(blocking=False):
            raise TimeoutError(f"{self.max_calls} calls to the {self.name} are still running")
        outcome: list = []

        def run() -> None:
            try:
                outcome.append((True, call()))
            except Exception as error:  # handed to the waiting request
                outcome.append((False, error))
            finally:
                self._calls.release()

        worker = threading.Thread(target=run, name=self.name, daemon=True)
        worker.start()
        worker.join(deadline)
        if not outcome:
            raise TimeoutError(f"no answer within {deadline:g} s")
        returned, value = outcome[0]
        if not returned:
            raise value
        return value
