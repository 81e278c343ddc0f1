"""The device's time zone, from Alexa's settings API, asked with a short deadline.

The SDK's own API client (requests, no timeout) could hold a request past Alexa's 8 seconds.
Here the call runs in a thread of its own and the request waits for it DEADLINE_SECONDS at
most: urllib's timeout bounds each socket step, not the name lookup nor an answer trickling in
byte by byte. Any failure means "unknown", never an error.
"""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.services import (
    ApiClient,
    ApiClientRequest,
    ApiClientResponse,
    ApiConfiguration,
    ServiceClientFactory,
)

from ..store.days import read_zone
from .model_meta import SDK  # the SDK's serializer reads the answer, a JSON string

log = logging.getLogger(__name__)

DEADLINE_SECONDS = 1.0
# Calls still running past their deadline keep their thread until urllib gives up; beyond this
# many at once, a request does without the zone rather than start another.
MAX_CALLS = 4
# The answer is a quoted zone name such as "America/Los_Angeles".
MAX_ANSWER_BYTES = 1024


class DeadlineApiClient(ApiClient):
    """An ASK SDK ApiClient whose calls give up at a deadline and read a bounded answer."""

    def __init__(self, deadline: float = DEADLINE_SECONDS, max_bytes: int = MAX_ANSWER_BYTES):
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._opener = urllib.request.build_opener(_NoRedirects())

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        outgoing = urllib.request.Request(
            request.url, data=request.body.encode() if request.body else None,
            headers=dict(request.headers or ()), method=request.method)
        try:
            with self._opener.open(outgoing, timeout=self.deadline) as answer:
                status, headers, body = answer.status, answer.headers, answer.read(self.max_bytes)
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, b""
        return ApiClientResponse(headers=list(headers.items()), status_code=status,
                                 body=body.decode("utf-8", "replace"))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


API_CLIENT = DeadlineApiClient()


def device_time_zone(handler_input: HandlerInput) -> str | None:
    """The IANA zone of the device the request came from, or None if Alexa can't say."""
    system = handler_input.request_envelope.context.system
    device = system.device
    if device is None or not device.device_id or not system.api_endpoint:
        return None
    # The SDK's own service client, built here rather than on every request (runtime.py).
    factory = ServiceClientFactory(ApiConfiguration(
        serializer=SDK, api_client=API_CLIENT,
        authorization_value=system.api_access_token, api_endpoint=system.api_endpoint))
    try:
        zone = within_deadline(
            lambda: factory.get_ups_service().get_system_time_zone(device.device_id))
    except Exception as error:  # ServiceException, a timeout, a garbled answer: all "unknown"
        log.info("request %s: no time zone from the settings API: %s",
                 handler_input.request_envelope.request.request_id, str(error)[:200])
        return None
    return zone if read_zone(zone) else None


_CALLS = threading.BoundedSemaphore(MAX_CALLS)


def within_deadline(call, deadline: float = DEADLINE_SECONDS):
    """What `call()` returns or raises, if it ends within `deadline`; else TimeoutError."""
    if not _CALLS.acquire(blocking=False):
        raise TimeoutError(f"{MAX_CALLS} calls to the settings API are still running")
    outcome: list = []

    def run() -> None:
        try:
            outcome.append((True, call()))
        except Exception as error:  # handed to the waiting request
            outcome.append((False, error))
        finally:
            _CALLS.release()

    worker = threading.Thread(target=run, name="settings API", daemon=True)
    worker.start()
    worker.join(deadline)
    if not outcome:
        raise TimeoutError(f"no answer within {deadline:g} s")
    returned, value = outcome[0]
    if not returned:
        raise value
    return value

