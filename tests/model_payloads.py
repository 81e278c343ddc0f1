"""JSON payloads for any ask_sdk_model class, built from the SDK's own metadata, and a strict
comparison of what two serializers made of them (the models' __eq__ ignores types and zones).
"""

from __future__ import annotations

import copy
import json
import math
from datetime import date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from skill.alexa.model_meta import (
    dict_value_type,
    field_map,
    is_discriminated,
    is_enum,
    is_model,
    list_item_type,
    load_class,
    resolve,
)
from skill.alexa.serializer import QuickSerializer

SDK = DefaultSerializer()
QUICK = QuickSerializer()
# Modest example counts keep the suite fast; no example database is written to the checkout.
CHECKS = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))

# ---------------------------------------------------------------- the classes a type reaches


def reachable(root: type) -> list[type]:
    """Every model and enum class DefaultSerializer can meet reading `root`, in a stable order."""
    seen: dict[type, None] = {}
    pending = [root]
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen[cls] = None
        if is_enum(cls):
            continue
        if is_discriminated(cls):
            pending += [load_class(name) for name in cls.discriminator_value_class_map.values()]
        for type_name in cls.deserialized_types.values():
            pending += [load_class(name) for name in _class_names(type_name)]
    return sorted(seen, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def _class_names(type_name: str) -> list[str]:
    inner = list_item_type(type_name) or dict_value_type(type_name)
    if inner is not None:
        return _class_names(inner)
    return [] if type_name in DefaultSerializer.NATIVE_TYPES_MAPPING else [type_name]


# ---------------------------------------------------------------- payloads

TIMESTAMPS = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).flatmap(
        lambda moment: st.sampled_from(["Z", "+00:00", "-00:00", "+05:30", "-08:00", "+23:59"]).map(
            lambda zone: moment.isoformat() + zone)),
    st.sampled_from(["2026-11-22T18:21:44Z", "2026-11-22T18:21:44.123Z", "2026-11-22",
                     "2026-11-22 18:21:44", "2026-11-22T18:21:44", "2026-11-22T18:21:44 UTC",
                     "Sun, 22 Nov 2026 18:21:44 GMT", "2026-11-22T18:21:44+0530"]),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)


def payloads(declared: Any) -> st.SearchStrategy:
    """Well-formed JSON for a declared type (a class or an SDK type name)."""
    if isinstance(declared, str):
        return _typed(declared)
    return _model(declared)


def _typed(type_name: str) -> st.SearchStrategy:
    simple = {"str": st.text(max_size=12), "int": st.integers(-(2**40), 2**40),
              "long": st.integers(-(2**40), 2**40), "bool": st.booleans(), "object": JSON,
              "float": st.floats(allow_nan=False) | st.integers(-1000, 1000),
              "datetime": TIMESTAMPS, "date": TIMESTAMPS}
    if type_name in simple:
        return simple[type_name]
    item = list_item_type(type_name)
    if item is not None:
        return st.lists(st.deferred(lambda: _typed(item)), max_size=2)
    value_type = dict_value_type(type_name)
    if value_type is not None:
        return st.dictionaries(st.text(max_size=6), st.deferred(lambda: _typed(value_type)),
                               max_size=2)
    cls = load_class(type_name)
    if is_enum(cls):
        return st.sampled_from([member.value for member in cls])
    return st.deferred(lambda: _model(cls))


_models: dict[type, st.SearchStrategy] = {}


def _model(cls: type) -> st.SearchStrategy:
    if cls not in _models:
        if is_discriminated(cls):
            key = cls.json_discriminator_key
            _models[cls] = st.one_of([
                _fields(load_class(name)).map(lambda payload, value=value: {**payload, key: value})
                for value, name in sorted(cls.discriminator_value_class_map.items())])
        else:
            _models[cls] = _fields(cls)
    return _models[cls]


def _fields(cls: type) -> st.SearchStrategy:
    optional = {key: st.none() | _typed(cls.deserialized_types[attr])
                for attr, key in field_map(cls).items()}
    return st.fixed_dictionaries({}, optional=optional)


def full_payload(cls: type, depth: int = 0) -> dict[str, Any]:
    """Every field of `cls` filled, 3 levels deep, read back as `cls` by the SDK.

    A class with a discriminator map is read as whichever class its discriminator names: the
    value naming `cls` itself, or for an abstract class the first concrete one.
    """
    payload = {key: _sample(cls.deserialized_types[attr], depth)
               for attr, key in field_map(cls).items()}
    if is_discriminated(cls):
        choices = cls.discriminator_value_class_map
        own = [value for value, name in choices.items() if load_class(name) is cls]
        if own:
            return {**payload, cls.json_discriminator_key: own[0]}
        value, name = next(iter(choices.items()))
        return {**full_payload(load_class(name), depth), cls.json_discriminator_key: value}
    return payload


def _sample(type_name: str, depth: int) -> Any:
    samples = {"str": "text", "int": 7, "long": 7, "float": 1.5, "bool": True,
               "object": {"any": [1, "two", None]}, "datetime": "2026-11-22T18:21:44.5+01:00",
               "date": "2026-11-22"}
    if type_name in samples:
        return samples[type_name]
    item = list_item_type(type_name)
    if item is not None:
        return [_sample(item, depth)]
    value_type = dict_value_type(type_name)
    if value_type is not None:
        return {"key": _sample(value_type, depth)}
    cls = load_class(type_name)
    if is_enum(cls):
        return next(iter(cls)).value
    return full_payload(cls, depth + 1) if depth < 3 else None


# ---------------------------------------------------------------- hostile variations


@st.composite
def mangled(draw: Any, payload: Any) -> Any:
    """`payload` with one value somewhere replaced, dropped, nulled or given unknown keys."""
    payload = copy.deepcopy(payload)
    parent, key = None, None
    node = payload
    while isinstance(node, dict | list) and node and draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else range(len(node))
        parent, key = node, draw(st.sampled_from(keys))
        node = node[key]
    change = draw(st.sampled_from(["replace", "drop", "null", "extra"]))
    if parent is None or change == "extra":
        if isinstance(node, dict):
            node.update(draw(st.dictionaries(UNKNOWN_KEYS, JSON, min_size=1, max_size=3)))
            return payload
        return draw(JSON) if parent is None else _replaced(parent, key, draw(JSON), payload)
    if change == "drop" and isinstance(parent, dict):
        del parent[key]
        return payload
    return _replaced(parent, key, None if change == "null" else draw(JSON), payload)


UNKNOWN_KEYS = st.one_of(
    st.sampled_from(["__dict__", "__class__", "attribute_map", "deserialized_types", "to_dict",
                     "object_type", "request_id", "", "type", "__eq__", "x-y"]),
    st.text(max_size=8))


def _replaced(parent: Any, key: Any, value: Any, payload: Any) -> Any:
    parent[key] = value
    return payload


# ---------------------------------------------------------------- running both and comparing


def read_both(payload: Any, cls: type) -> tuple[Any, Any]:
    """(SDK's result or error, QuickSerializer's result or error) for JSON `payload`: the SDK
    reading it without the keys its model does not name, which QuickSerializer drops on
    purpose (the SDK would set each as an attribute, "__dict__" and "object_type" included)."""
    text = json.dumps(payload)
    known = json.dumps(_known_keys_only(json.loads(text), cls))
    return (_outcome(lambda: _fields_only(SDK.deserialize(known, cls))),
            _outcome(lambda: QUICK.from_data(json.loads(text), cls)))


def _fields_only(read: Any) -> Any:
    """`read` with any attribute its class does not declare deleted, all the way down (the
    discriminator key of a class whose children do not declare it, say)."""
    if isinstance(read, list):
        for item in read:
            _fields_only(item)
    elif isinstance(read, dict):
        for value in read.values():
            _fields_only(value)
    elif is_model(type(read)):
        try:
            own = set(vars(type(read)()))  # what the class sets itself
        except Exception:
            own = set()
        kept = own | set(field_map(type(read)))
        for name, value in list(vars(read).items()):
            if name in kept:
                _fields_only(value)
            else:
                delattr(read, name)
    return read


def _known_keys_only(payload: Any, cls: Any) -> Any:
    """`payload` with every key the model class `cls` (and the classes inside it) does not name
    removed, the way the SDK resolves them; anything it cannot resolve is left as it is."""
    if isinstance(cls, str):
        item = list_item_type(cls)
        if item is not None:
            return [_known_keys_only(value, item) for value in payload] \
                if isinstance(payload, list) else payload
        value_type = dict_value_type(cls)
        if value_type is not None:
            return {key: _known_keys_only(value, value_type) for key, value in
                    payload.items()} if isinstance(payload, dict) else payload
        cls = resolve(cls)
    if not is_model(cls) or not isinstance(payload, dict):
        return payload
    discriminator = getattr(cls, "json_discriminator_key", None)
    if is_discriminated(cls):
        try:
            child = cls.get_real_child_model(payload)
        except Exception:
            return payload
        cls = resolve(child) if isinstance(child, str) else None
        if not is_model(cls):
            return payload
    keys = {key: attr for attr, key in field_map(cls).items()}
    return {key: _known_keys_only(value, cls.deserialized_types.get(keys[key], object))
            if key in keys else value
            for key, value in payload.items() if key in keys or key == discriminator}


def write_both(obj: Any) -> tuple[Any, Any]:
    return _outcome(lambda: SDK.serialize(obj)), _outcome(lambda: QUICK.serialize(obj))


def failures(check: Any, classes: list[type]) -> list[str]:
    """"Class: what differed" for each class `check` fails on."""
    found = []
    for cls in classes:
        try:
            check(cls)
        except AssertionError as error:
            found.append(f"{cls.__name__}: {error}")
    return found


def _outcome(run: Any) -> Any:
    try:
        return run()
    except Exception as error:
        return error


def assert_same_outcome(sdk: Any, ours: Any) -> None:
    if isinstance(sdk, Exception) or isinstance(ours, Exception):
        assert type(ours) is type(sdk), f"SDK: {sdk!r}; ours: {ours!r}"
        if isinstance(sdk, SerializationException):
            assert str(ours), "an empty message"
        return
    assert_same(ours, sdk)


def assert_same(ours: Any, sdk: Any, path: str = "$") -> None:
    """The same classes, attributes (in the same order), enums, datetimes and zones, all the way."""
    assert type(ours) is type(sdk), f"{path}: {type(ours).__name__} vs {type(sdk).__name__}"
    if isinstance(sdk, float) and math.isnan(sdk):
        assert math.isnan(ours), path
    elif isinstance(sdk, datetime | date):
        _assert_same_moment(ours, sdk, path)
    elif isinstance(sdk, Enum):
        assert ours is sdk, path
    elif isinstance(sdk, dict):
        assert list(ours) == list(sdk), f"{path}: keys {list(ours)} vs {list(sdk)}"
        for key in sdk:
            assert_same(ours[key], sdk[key], f"{path}.{key}")
    elif isinstance(sdk, list | tuple):
        assert len(ours) == len(sdk), f"{path}: {len(ours)} items vs {len(sdk)}"
        for index, (mine, theirs) in enumerate(zip(ours, sdk, strict=True)):
            assert_same(mine, theirs, f"{path}[{index}]")
    elif hasattr(sdk, "deserialized_types") and hasattr(sdk, "__dict__"):
        assert_same(vars(ours), vars(sdk), f"{path}<{type(sdk).__name__}>")
    else:
        assert ours == sdk, f"{path}: {ours!r} vs {sdk!r}"


def _assert_same_moment(ours: Any, sdk: Any, path: str) -> None:
    if not isinstance(sdk, datetime):
        assert ours == sdk, f"{path}: {ours} vs {sdk}"
        return
    assert (ours.replace(tzinfo=None), ours.fold) == (sdk.replace(tzinfo=None), sdk.fold), path
    assert type(ours.tzinfo) is type(sdk.tzinfo), f"{path}: {ours.tzinfo!r} vs {sdk.tzinfo!r}"
    assert repr(ours.tzinfo) == repr(sdk.tzinfo), path
    for reading in ("utcoffset", "tzname", "dst", "isoformat"):  # dateutil allows zones that fail
        mine, theirs = _outcome(getattr(ours, reading)), _outcome(getattr(sdk, reading))
        assert type(mine) is type(theirs) and (isinstance(mine, Exception) or mine == theirs), (
            f"{path}.{reading}(): {mine!r} vs {theirs!r}")
