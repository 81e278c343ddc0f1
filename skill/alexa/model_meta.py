"""What the ASK SDK's DefaultSerializer reads from an ask_sdk_model class, read the same way.

The compiled readers and writers are written from these facts, and hand every case they do not
write out to `sdk_read` / `sdk_write`: the SDK's own code, on a DefaultSerializer of its own.
"""

from __future__ import annotations

import inspect
import keyword
import re
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer

SDK = DefaultSerializer()
sdk_read = SDK._DefaultSerializer__deserialize
sdk_write = SDK.serialize
load_class = SDK._DefaultSerializer__load_class_from_name
NATIVE = DefaultSerializer.NATIVE_TYPES_MAPPING
PRIMITIVE = DefaultSerializer.PRIMITIVE_TYPES
# The kinds DefaultSerializer.serialize tests, in order, before it writes a model's fields.
WRITTEN_BEFORE_ENUM = (*PRIMITIVE, list, tuple, datetime, date)
WRITTEN_BY_KIND = (*WRITTEN_BEFORE_ENUM, Enum, Decimal, dict)

# The SDK's own patterns for container type names ("list[a.B]", "dict(str, a.B)").
LIST_TYPE = re.compile(r"list\[(.*)\]")
DICT_TYPE = re.compile(r"dict\(([^,]*), (.*)\)")


def qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def field_map(cls: type) -> dict[str, str]:
    """Attribute -> JSON key, in the order DefaultSerializer visits them.

    The SDK completes the class's attribute_map in place with any deserialized_types key it
    lacks; this is the same completed map, without touching the class.
    """
    fields = dict(getattr(cls, "attribute_map", {}))
    fields.update({name: name for name in cls.deserialized_types if name not in fields})
    return fields


def list_item_type(type_name: str) -> str | None:
    """X for "list[X]" with a single item type, as the SDK reads it; None otherwise."""
    if not type_name.startswith("list["):
        return None
    found = LIST_TYPE.match(type_name)
    if found is None or "," in found.group(1):
        return None
    return found.group(1).strip()


def dict_value_type(type_name: str) -> str | None:
    """X for "dict(K, X)", as the SDK reads it; None otherwise."""
    if not type_name.startswith("dict("):
        return None
    found = DICT_TYPE.match(type_name)
    return found.group(2) if found else None


def resolve(type_name: str) -> Any:
    """The class a type name names, or None when the SDK would not find one (it fails later)."""
    if type_name in NATIVE:
        return NATIVE[type_name]
    try:
        return load_class(type_name)
    except Exception:
        return None


def is_enum(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Enum)


def is_model(cls: Any) -> bool:
    """A class DefaultSerializer reads field by field (it has deserialized_types)."""
    return (isinstance(cls, type) and not issubclass(cls, Enum)
            and cls not in (*PRIMITIVE, object, date, datetime)
            and hasattr(cls, "deserialized_types"))


def is_discriminated(cls: type) -> bool:
    """DefaultSerializer picks the concrete class of these from the payload's discriminator."""
    return hasattr(cls, "get_real_child_model")


def plain_attributes(cls: type, names: Any) -> bool:
    """Reading or setting these names on an instance touches only the instance's own values.

    True of every ask_sdk_model class: no properties, slots or attribute hooks, so o.name = x on
    a new instance, or reading o.name once, is what the SDK's setattr/getattr would do.
    """
    if (cls.__getattribute__ is not object.__getattribute__ or hasattr(cls, "__getattr__")
            or cls.__setattr__ is not object.__setattr__
            or any("__slots__" in vars(base) for base in cls.__mro__)):
        return False
    missing = object()
    return all(name.isidentifier() and not keyword.iskeyword(name)
               and inspect.getattr_static(cls, name, missing) is missing for name in names)
