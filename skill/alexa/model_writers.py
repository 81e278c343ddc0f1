"""Straight-line writers: ask_sdk_model objects into JSON-ready data, as the SDK writes them.

DefaultSerializer.serialize tests each value against a chain of kinds and walks each model's
metadata on every call. `write` dispatches on the exact class instead: JSON's own types inline,
model classes to a writer compiled from their metadata on first use, and anything else to the
SDK's own serialize, so every value the SDK could be given gives the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model_meta import (
    WRITTEN_BEFORE_ENUM,
    WRITTEN_BY_KIND,
    field_map,
    is_enum,
    is_model,
    plain_attributes,
    qualified,
    sdk_write,
)

Writer = Callable[[Any], Any]
MISSING = object()


class _Writers(dict):
    """Exact class -> how the SDK writes its instances, decided on first lookup."""

    def __missing__(self, cls: type) -> Writer:
        made = self[cls] = _writer(cls)
        return made


WRITERS = _Writers()


def write(value: Any) -> Any:
    """DefaultSerializer().serialize(value)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is dict:
        return {key: write(item) for key, item in value.items()}
    if kind is list:
        return [write(item) for item in value]
    return WRITERS[kind](value)


def _writer(cls: type) -> Writer:
    if is_enum(cls) and not issubclass(cls, WRITTEN_BEFORE_ENUM):
        return _enum_value
    if not writable(cls):
        return sdk_write
    source, namespace = writer_source(cls)
    exec(compile(source, f"<writer of {qualified(cls)}>", "exec"), namespace)
    return namespace[f"write_{cls.__name__}"]


def _enum_value(member: Any) -> Any:
    return member.value


def writable(cls: type) -> bool:
    """A model class whose instances the SDK writes field by field, each read once."""
    if not is_model(cls) or issubclass(cls, WRITTEN_BY_KIND):
        return False
    fields = field_map(cls)
    return len(set(fields.values())) == len(fields) and plain_attributes(cls, fields)


def writer_source(cls: type) -> tuple[str, dict[str, Any]]:
    """The Python source of the writer for instances of exactly `cls`, and the names it uses."""
    fields = field_map(cls)
    types = cls.deserialized_types
    # The SDK reads both through the instance: an attribute of either name on the object itself
    # (a request object given an unknown JSON key of that name), or new metadata on the class,
    # leaves the object to the SDK.
    has_map = hasattr(cls, "attribute_map")
    lines = [f"def write_{cls.__name__}(o):",
             "    if o.deserialized_types is not DT or "
             + ("o.attribute_map is not AM:" if has_map
                else "getattr(o, 'attribute_map', AM) is not AM:"),
             "        return _sdk(o)"]
    lines += [f"    v{index} = o.{attr}" for index, attr in enumerate(types)]
    lines.append("    r = {}")
    for index, attr in enumerate(types):
        value = f"v{index}"
        if types[attr] in ("str", "bool", "int", "float"):  # the likely class, tested inline
            written = f"{value} if type({value}) is {types[attr]} else _w({value})"
        else:
            written = f"_w({value})"
        lines += [f"    if {value} is not None:", f"        r[{fields[attr]!r}] = {written}"]
    lines.append("    return r")
    names = {"_sdk": sdk_write, "_w": write, "DT": cls.deserialized_types,
             "AM": getattr(cls, "attribute_map", MISSING)}
    return "\n".join(lines) + "\n", names
