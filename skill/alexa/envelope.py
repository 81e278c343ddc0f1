"""The edge of the service: raw request bytes into a checked Alexa request envelope."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any


class BadRequest(ValueError):
    """The body is not an Alexa request envelope; the message says what is wrong."""


# The fields every Alexa request carries, and that the skill and the verifier rely on.
REQUIRED = (
    ("version", str),
    ("request", dict),
    ("request.type", str),
    ("request.requestId", str),
    ("request.timestamp", str),
    ("context", dict),
    ("context.System", dict),
    ("context.System.application", dict),
    ("context.System.application.applicationId", str),
)
OPTIONAL_OBJECTS = ("session", "session.attributes", "request.intent")
JSON_TYPES = {str: "a string", dict: "an object"}


def parse_envelope(body: bytes) -> dict[str, Any]:
    """The envelope in `body`; BadRequest if it is empty, not JSON, or not shaped like one."""
    if not body.strip():
        raise BadRequest("the request body is empty: expected an Alexa request envelope (JSON)")
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"the request body is not valid JSON: {error}") from None
    if not isinstance(envelope, dict):
        raise BadRequest("not an Alexa request envelope: expected a JSON object")
    for path, kind in REQUIRED:
        value = lookup(envelope, path)
        if value is None:
            raise BadRequest(f"not an Alexa request envelope: '{path}' is missing")
        if not isinstance(value, kind):
            raise BadRequest(f"not an Alexa request envelope: '{path}' must be {JSON_TYPES[kind]}")
    for path in OPTIONAL_OBJECTS:
        value = lookup(envelope, path)
        if value is not None and not isinstance(value, dict):
            raise BadRequest(f"not an Alexa request envelope: '{path}' must be an object")
    if envelope["request"]["type"] == "IntentRequest" and not isinstance(
        lookup(envelope, "request.intent.name"), str
    ):
        raise BadRequest(
            "not an Alexa request envelope: an IntentRequest needs 'request.intent.name'")
    request_time(envelope)
    return envelope


def request_time(envelope: dict[str, Any]) -> datetime:
    """When Alexa sent the request: `request.timestamp`, an ISO 8601 time with a zone."""
    value = envelope["request"]["timestamp"]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(f"'request.timestamp' must be an ISO 8601 time with a zone, got {value!r}")
    return moment


def lookup(data: Any, path: str) -> Any:
    """The value at dotted `path` in nested objects, or None."""
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
