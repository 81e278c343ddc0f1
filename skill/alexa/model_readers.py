"""Straight-line readers: parsed JSON into ask_sdk_model objects, exactly as the SDK builds them.

DefaultSerializer interprets each class's metadata (deserialized_types, attribute_map, the
discriminator map) afresh for every object of every request. A reader is that interpretation
written out once as Python source for one class and compiled the first time the class is met,
so start-up imports and compiles nothing and only classes that real requests carry are made.

A reader handles the common JSON shapes itself (a string for "str", an object for a model, a
list for "list[...]", a known enum value, Alexa's ISO timestamps) and hands anything else, value
by value, to the SDK's own code (`sdk_read`), so odd and hostile payloads give the SDK's results
and fail where the SDK fails. Objects end as the SDK leaves them: what cls() sets, then each field
the payload has. Keys the model does not name are dropped: the one place this differs from the
SDK, which sets each as a raw attribute, so that a client sending "__dict__" or "object_type"
could overwrite the model's own (a 500, or a request read as another type). For the generated
model classes, whose
__init__ only assigns defaults, the reader sets cls()'s attributes itself, in cls()'s order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ask_sdk_core.exceptions import SerializationException

from .model_meta import (
    NATIVE,
    dict_value_type,
    field_map,
    is_discriminated,
    is_enum,
    is_model,
    list_item_type,
    load_class,
    plain_attributes,
    qualified,
    resolve,
    sdk_read,
)
from .timestamps import read_timestamp

Reader = Callable[[Any], Any]


class _Compiled(dict):
    """Dotted class name -> reader, compiled on first lookup (a failed one is not kept)."""

    def __init__(self, make: Callable[[str], Reader]):
        super().__init__()
        self._make = make

    def __missing__(self, name: str) -> Reader:
        made = self[name] = self._make(name)
        return made


_by_class: dict[type, Reader] = {}


def reader_for(cls: type) -> Reader | None:
    """What DefaultSerializer does with a payload declared as `cls`; None if not a model class."""
    found = _by_class.get(cls)
    if found is None:
        if not is_model(cls):
            return None
        found = _by_class[cls] = _picker(cls) if is_discriminated(cls) else _builder(cls)
    return found


def _reader_named(name: str) -> Reader:
    """The reader for a class a field declares by name."""
    # Resolved only when a payload first has the field: importing a class imports its package,
    # and ask_sdk_model's package __init__s import every module in them (hundreds, ~130 ms).
    cls = resolve(name)
    if is_model(cls):
        return reader_for(cls)
    if is_enum(cls):
        return _enum_reader(cls, name)
    return lambda payload: sdk_read(payload, name)


# Readers by the class name a field declares, and builders for the exact class a discriminator
# names (the SDK resolves a discriminator once, on the declared class, never on the child).
DECLARED = _Compiled(_reader_named)
BUILDERS = _Compiled(lambda name: _builder(load_class(name)))


def _enum_reader(cls: type, name: str) -> Reader:
    members = cls._value2member_map_  # what cls(value) looks up first

    def read(payload: Any) -> Any:
        if type(payload) is str:
            member = members.get(payload)
            if member is not None:
                return member
        return sdk_read(payload, name)

    read.__qualname__ = f"read_{cls.__name__}"
    return read


def _picker(cls: type) -> Reader:
    def read(payload: Any) -> Any:
        if type(payload) is not dict:
            return None if payload is None else sdk_read(payload, cls)
        child = cls.get_real_child_model(payload)
        if not child:
            raise SerializationException(
                f"Couldn't resolve object by discriminator type for {cls} class")
        return BUILDERS[child](payload)

    read.__qualname__ = f"pick_{cls.__name__}"
    return read


def _builder(cls: type) -> Reader:
    if not hasattr(cls, "deserialized_types"):
        def fail(payload: Any) -> Any:
            return cls.deserialized_types  # the SDK's AttributeError, at the same point

        return fail
    source, namespace = builder_source(cls)
    exec(compile(source, f"<reader of {qualified(cls)}>", "exec"), namespace)
    return namespace[_function_name(cls)]


def builder_source(cls: type) -> tuple[str, dict[str, Any]]:
    """The Python source of the reader for exactly `cls`, and the names it uses."""
    fields = field_map(cls)
    template = _template(cls, fields)
    code = _Code()
    lines = [f"def {_function_name(cls)}(p):",
             "    if type(p) is not dict:",
             f"        return None if p is None else _slow(p, {code.constant(cls)})"]
    if template is None:
        lines += _set_each_field(cls, fields, code)
    else:
        lines += _build_from_template(cls, fields, template, code)
    lines += ["    return o"]
    code.names.update(C=cls)
    return "\n".join(lines) + "\n", code.names


def _build_from_template(cls: type, fields: dict[str, str], template: dict[str, Any],
                         code: _Code) -> list[str]:
    # The fields' values first, then each attribute set in the order cls() sets them (which
    # keeps the instance as compact as cls() makes it).
    local = {attr: f"a{index}" for index, attr in enumerate(fields)}
    lines = [f"    {local[attr]} = {template[attr]!r}" for attr in fields]
    for attr, key in fields.items():
        value = code.conversion(cls.deserialized_types[attr], "v")
        lines += [f"    if {key!r} in p:", f"        v = p[{key!r}]",
                  f"        {local[attr]} = None if v is None else {value}"]
    lines.append("    o = _new(C)")
    lines += [f"    o.{attr} = {local.get(attr, repr(value))}" for attr, value in template.items()]
    return lines


def _set_each_field(cls: type, fields: dict[str, str], code: _Code) -> list[str]:
    # DefaultSerializer's own steps: cls(), then setattr for each field the payload has.
    lines = ["    o = C()"]
    for attr, key in fields.items():
        lines.append(f"    if {key!r} in p:")
        type_name = cls.deserialized_types.get(attr)
        if type_name is None:  # the SDK looks the type up before reading the value
            lines.append(f"        raise KeyError({attr!r})")
            continue
        value = code.conversion(type_name, "v")
        lines += [f"        v = p[{key!r}]",
                  f"        setattr(o, {attr!r}, None if v is None else {value})"]
    return lines


def _template(cls: type, fields: dict[str, str]) -> dict[str, Any] | None:
    """The attributes cls() starts with, when a copy of them can stand in for calling cls()."""
    try:
        state = dict(vars(cls()))
    except Exception:  # the SDK will call cls() and fail the same way
        return None
    simple = all(value is None or value.__class__ is str for value in state.values())
    if (not simple or not set(fields) <= set(state) or cls.__new__ is not object.__new__
            or not set(fields) <= set(cls.deserialized_types)
            or not plain_attributes(cls, state)):
        return None
    return state


def _function_name(cls: type) -> str:
    return f"read_{cls.__name__}"


class _Code:
    """Expressions converting a non-null JSON value as DefaultSerializer would, and their names."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {
            "_new": object.__new__, "_slow": sdk_read, "_ts": read_timestamp,
            "_R": DECLARED}
        self._depth = 0

    def constant(self, value: Any) -> str:
        name = f"c{len(self.names)}"
        self.names[name] = value
        return name

    def conversion(self, type_name: str, v: str) -> str:
        slow = f"_slow({v}, {type_name!r})"
        if type_name in ("str", "bool", "int", "long"):
            return f"({v} if type({v}) is {NATIVE[type_name].__name__} else {slow})"
        if type_name == "float":  # float(an int) is what the SDK's float(payload) gives
            return f"({v} if type({v}) is float else float({v}) if type({v}) is int else {slow})"
        if type_name == "object":
            return v
        if type_name == "datetime":
            return f"(_ts({v}) if type({v}) is str else {slow})"
        item = list_item_type(type_name)
        if item is not None:
            x = self._fresh("x")
            return f"([{self.conversion(item, x)} for {x} in {v}] if type({v}) is list else {slow})"
        value_type = dict_value_type(type_name)
        if value_type is not None:
            k, x = self._fresh("k"), self._fresh("x")
            return (f"({{{k}: {self.conversion(value_type, x)} for {k}, {x} in {v}.items()}}"
                    f" if type({v}) is dict else {slow})")
        if type_name in NATIVE:  # "date"
            return slow
        return f"_R[{type_name!r}]({v})"

    def _fresh(self, prefix: str) -> str:
        self._depth += 1
        return f"{prefix}{self._depth}"
