"""Where and why a payload cannot be read as a model: a one-line message naming the field.

The SDK's own messages lose the field ("'type'", "string indices must be integers"). This walks
the payload in the order the SDK reads it, asks the SDK about each leaf value, and names the
first one it refuses. Only called once reading has failed; linear in the size of the payload.
"""

from __future__ import annotations

import re
from typing import Any

from ..untrusted import clip, shown
from .model_meta import (
    dict_value_type,
    field_map,
    is_discriminated,
    is_enum,
    is_model,
    list_item_type,
    load_class,
    resolve,
    sdk_read,
)

PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}")


def describe_failure(payload: Any, cls: type, error: Exception) -> str:
    """A message for the failure `error` of reading `payload` as `cls`."""
    try:
        found = _first_failure(payload, cls, "")
    except Exception:  # e.g. nesting past the recursion limit
        found = None
    return clip(found or str(error) or type(error).__name__)


def _first_failure(payload: Any, declared: Any, path: str) -> str | None:
    if payload is None:
        return None
    if isinstance(declared, str):
        item, value_type = list_item_type(declared), dict_value_type(declared)
        if item is not None and payload.__class__ is list:
            return _first_of((_first_failure(x, item, f"{path}[{i}]")
                              for i, x in enumerate(payload)))
        if value_type is not None and payload.__class__ is dict:
            return _first_of((_first_failure(x, value_type, _at(path, k))
                              for k, x in payload.items()))
        cls = resolve(declared)
        if is_model(cls):
            declared = cls
    if is_model(declared) and payload.__class__ is dict:
        return _first_failure_in_model(payload, declared, path)
    return _leaf_failure(payload, declared, path)


def _first_failure_in_model(payload: dict, cls: type, path: str) -> str | None:
    if is_discriminated(cls):
        key = cls.json_discriminator_key
        if key not in payload:
            return f"'{_label(path, cls)}' has no '{key}'"
        try:
            cls = load_class(cls.get_real_child_model(payload))
        except Exception:
            return f"'{_at(path, key)}' is not a known {cls.__name__} type: {shown(payload[key])}"
    try:
        cls()  # the SDK makes one before reading fields
    except Exception as error:
        return f"'{_label(path, cls)}' cannot be made: {error}"
    fields = field_map(cls)
    for attr, key in fields.items():
        if key in payload:
            type_name = cls.deserialized_types.get(attr)
            if type_name is None:
                return f"'{_at(path, key)}' has no type {cls.__name__} can read"
            found = _first_failure(payload[key], type_name, _at(path, key))
            if found:
                return found
    return None


def _leaf_failure(payload: Any, declared: Any, path: str) -> str | None:
    try:
        sdk_read(payload, declared)
    except Exception:
        expected, got = _expected(declared), _described(payload)
        return f"'{_label(path, declared)}' must be {expected}, got {got}"
    return None


def _expected(declared: Any) -> str:
    if isinstance(declared, str):
        if declared.startswith("list["):
            return "a list"
        if dict_value_type(declared) is not None:
            return "an object"
        cls = resolve(declared)
        if cls is None:
            return f"a {declared}"
        declared = cls
    if declared in (int, float):
        return "a number"
    if declared.__name__ in ("datetime", "date"):
        return "an ISO 8601 date and time"
    if is_enum(declared):
        return "one of " + ", ".join(str(member.value) for member in declared)
    return "an object" if is_model(declared) else f"a {declared.__name__}"


def _described(value: Any) -> str:
    if value.__class__ is str:
        return shown(value)
    if value.__class__ is dict:
        return "an object"
    if value.__class__ is list:
        return "a list"
    return clip(repr(value), 80)


def _label(path: str, declared: Any) -> str:
    return path or getattr(declared, "__name__", str(declared))


def _at(path: str, key: Any) -> str:
    """`path` and then `key`, quoted unless a plain name (slot names are the client's)."""
    if not (isinstance(key, str) and PLAIN_KEY.fullmatch(key)):
        return f"{path}[{shown(key, 40)}]"
    return f"{path}.{key}" if path else key


def _first_of(found: Any) -> str | None:
    return next((message for message in found if message), None)
