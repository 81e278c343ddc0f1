"""The edge of the service: raw request bytes into a checked Alexa request envelope."""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

import orjson
from ask_sdk_model import RequestEnvelope

from ..untrusted import clip, shown


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
# Session attributes are not among them: whatever shape they come in, the conversation keeps
# only the keys it knows (coach/state.py: clean_attributes).
OPTIONAL_OBJECTS = ("session", "request.intent")
JSON_TYPES = {str: "a string", dict: "an object"}
# Alexa's envelopes nest about ten levels (a screen's component tree a few more). Far deeper
# JSON is never Alexa's, and would exhaust Python's recursion limit somewhere downstream.
MAX_DEPTH = 100
NOT_ENVELOPE = "not an Alexa request envelope"
# The same paths split once, not on every request.
_REQUIRED = tuple((path, tuple(path.split(".")), kind) for path, kind in REQUIRED)
_OPTIONAL_OBJECTS = tuple((path, tuple(path.split("."))) for path in OPTIONAL_OBJECTS)


def parse_envelope(body: bytes) -> dict[str, Any]:
    """The envelope in `body`; BadRequest if it is empty, not JSON, or not shaped like one."""
    envelope = parse_json(body)
    if not isinstance(envelope, dict):
        raise BadRequest(f"{NOT_ENVELOPE}: expected a JSON object")
    for path, keys, kind in _REQUIRED:
        value = _at(envelope, keys)
        if value is None:
            raise BadRequest(f"{NOT_ENVELOPE}: '{path}' is missing")
        if not isinstance(value, kind):
            raise BadRequest(f"{NOT_ENVELOPE}: '{path}' must be {JSON_TYPES[kind]}")
    for path, keys in _OPTIONAL_OBJECTS:
        value = _at(envelope, keys)
        if value is not None and not isinstance(value, dict):
            raise BadRequest(f"{NOT_ENVELOPE}: '{path}' must be an object")
    if envelope["request"]["type"] == "IntentRequest" and not isinstance(
        lookup(envelope, "request.intent.name"), str
    ):
        raise BadRequest(f"{NOT_ENVELOPE}: an IntentRequest needs 'request.intent.name'")
    request_time(envelope)
    return envelope


def parse_json(body: bytes) -> Any:
    """`body` as strict JSON (no NaN or Infinity, numbers in range, at most MAX_DEPTH deep)."""
    if not body.strip():
        raise BadRequest("the request body is empty: expected an Alexa request envelope (JSON)")
    try:
        # orjson reads strict JSON (no NaN or Infinity, numbers in range, UTF-8) in a third
        # of the standard library's time. What it refuses, the standard library reads again,
        # to accept what it always accepted and to say in its words what is wrong.
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = _careful_json(body)
    # Nesting can only be as deep as there are brackets: count them (fast), walk if many.
    if body.count(b"{") + body.count(b"[") > MAX_DEPTH and depth(data) > MAX_DEPTH:
        raise BadRequest(_too_deep())
    return data


def _careful_json(body: bytes) -> Any:
    """`body` read by the standard library's parser, refusing what JSON does not allow."""
    try:
        return json.loads(body, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise BadRequest(f"the request body is not valid JSON: {error.msg} at line "
                         f"{error.lineno}, column {error.colno}") from None
    except UnicodeDecodeError:
        raise BadRequest("the request body is not valid JSON: it is not UTF-8 text") from None
    except RecursionError:
        raise BadRequest(_too_deep()) from None
    except NotJSON as error:
        raise BadRequest(f"the request body is not valid JSON: {error}") from None
    except ValueError:  # Python refuses to convert integers of thousands of digits
        raise BadRequest("the request body is not valid JSON: a number has too many digits"
                         ) from None


class NotJSON(ValueError):
    """JSON that Python's parser accepts but the standard does not."""


def _refuse_constant(name: str) -> None:
    raise NotJSON(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise NotJSON(f"the number {shown(text, 20)} is out of range")
    return value


def _too_deep() -> str:
    return f"the request body is nested more than {MAX_DEPTH} levels deep"


def depth(data: Any) -> int:
    """How deeply lists and objects nest in `data` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children
                         if isinstance(child, dict | list))
    return deepest


def request_time(envelope: dict[str, Any]) -> datetime:
    """When Alexa sent the request: `request.timestamp`, an ISO 8601 time with a zone."""
    value = envelope["request"]["timestamp"]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(
            f"'request.timestamp' must be an ISO 8601 time with a zone, got {shown(value)}")
    return moment


def lookup(data: Any, path: str) -> Any:
    """The value at dotted `path` in nested objects, or None."""
    return _at(data, path.split("."))


def _at(data: Any, keys: tuple[str, ...] | list[str]) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


# When the ASK SDK cannot read an envelope, its messages are Python's ("'list' object has no
# attribute 'items'"). Only then, walk the envelope with the SDK's own model descriptions to
# find the field it stumbled on, and say what is wrong with it.

Deserialize = Callable[[Any, Any], Any]


def unreadable(data: dict[str, Any], deserialize: Deserialize) -> str:
    """Why `deserialize` (the SDK's) failed on envelope `data`, naming the field."""
    found = _model_problem(data, RequestEnvelope, "", deserialize)
    return clip(f"{NOT_ENVELOPE}: {found or 'a field holds a value Alexa does not send'}")


def _model_problem(value: Any, model: Any, path: str, deserialize: Deserialize) -> str | None:
    if isinstance(model, type) and issubclass(model, Enum):
        return f"{_field(path)} is not one of the values Alexa sends: got {shown(value)}"
    if not isinstance(value, dict):
        return f"{_field(path)} must be an object"
    if hasattr(model, "get_real_child_model"):
        key = model.json_discriminator_key
        try:
            child = model.get_real_child_model(value)
        except (KeyError, TypeError):  # no discriminator, or one that is not a string
            child = None
        if not child:
            return (f"{_field(f'{path}.{key}'.lstrip('.'))} is not a type this skill knows: "
                    f"got {shown(value.get(key))}")
        model = _load(child)
    names = getattr(model, "attribute_map", {})
    for attribute, kind in getattr(model, "deserialized_types", {}).items():
        key = names.get(attribute, attribute)
        if value.get(key) is not None and not _reads(deserialize, value[key], kind):
            return _problem(value[key], kind, f"{path}.{key}".lstrip("."), deserialize)
    return None


def _problem(value: Any, kind: str, path: str, deserialize: Deserialize) -> str | None:
    if kind.startswith("list["):
        if not isinstance(value, list):
            return f"{_field(path)} must be a list"
        item = kind[5:-1]
        for index, entry in enumerate(value):
            if entry is not None and not _reads(deserialize, entry, item):
                return _problem(entry, item, f"{path}[{index}]", deserialize)
        return None
    if kind.startswith("dict("):
        if not isinstance(value, dict):
            return f"{_field(path)} must be an object"
        item = kind.split(", ", 1)[1][:-1]
        for key, entry in value.items():
            if entry is not None and not _reads(deserialize, entry, item):
                return _problem(entry, item, f"{path}.{key}", deserialize)
        return None
    if kind in ("datetime", "date"):
        return f"{_field(path)} must be an ISO 8601 time"
    if "." not in kind:
        return f"{_field(path)} must be {'a number' if kind in ('int', 'float') else kind}"
    return _model_problem(value, _load(kind), path, deserialize)


def _reads(deserialize: Deserialize, value: Any, kind: str) -> bool:
    try:
        deserialize(value, kind)
    except Exception:  # the SDK raises many kinds; any of them means "not readable"
        return False
    return True


def _load(name: str) -> Any:
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def _field(path: str) -> str:
    return shown(path, 120)
