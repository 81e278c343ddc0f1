"""Model classes shaped unlike ask_sdk_model's, as a future SDK's might be: the compiled readers
and writers must still give exactly what DefaultSerializer gives for them.
"""

from __future__ import annotations

from enum import Enum


class Mood(Enum):
    CALM = "calm"
    TENSE = "tense!"


class Plain:
    """Like the SDK's own: every field None to start with, attribute_map complete."""

    deserialized_types = {"name": "str", "mood": "tests.odd_models.Mood", "count": "int"}
    attribute_map = {"name": "name", "mood": "howItFeels", "count": "n"}

    def __init__(self, name=None, mood=None, count=None):
        self.name = name
        self.mood = mood
        self.count = count

    def __eq__(self, other):
        return type(other) is type(self) and vars(self) == vars(other)


class HalfMapped(Plain):
    """attribute_map names only some fields: the rest keep their own names in JSON."""

    deserialized_types = {"name": "str", "tags": "list[str]", "extra_count": "int"}
    attribute_map = {"name": "title"}

    def __init__(self):
        self.name = None
        self.tags = None
        self.extra_count = None


class WithProperty(Plain):
    """A field behind a property: setting and reading it runs code."""

    deserialized_types = {"name": "str", "shout": "str"}
    attribute_map = {"name": "name", "shout": "shout"}

    def __init__(self):
        self.name = None
        self._shout = None

    @property
    def shout(self):
        return self._shout

    @shout.setter
    def shout(self, value):
        self._shout = None if value is None else value.upper()


class ListDefault(Plain):
    """cls() starts a field with a fresh list, so a copy of one instance's state is not enough."""

    deserialized_types = {"items": "list[int]", "label": "str"}
    attribute_map = {"items": "items", "label": "label"}

    def __init__(self):
        self.items = []
        self.label = "default"


class NeedsArgument(Plain):
    deserialized_types = {"name": "str"}
    attribute_map = {"name": "name"}

    def __init__(self, name):
        self.name = name


class MapsUntypedKey(Plain):
    """attribute_map names a field deserialized_types does not type: the SDK fails on it."""

    deserialized_types = {"name": "str"}
    attribute_map = {"name": "name", "ghost": "ghost"}

    def __init__(self):
        self.name = None


class NotAModel:
    """Named by a discriminator, but with no field metadata at all."""


class Shape(Plain):
    deserialized_types = {"kind": "str"}
    attribute_map = {"kind": "kind"}
    json_discriminator_key = "kind"
    discriminator_value_class_map = {
        "plain": "tests.odd_models.Plain", "half": "tests.odd_models.HalfMapped",
        "property": "tests.odd_models.WithProperty", "list": "tests.odd_models.ListDefault",
        "needs": "tests.odd_models.NeedsArgument", "untyped": "tests.odd_models.MapsUntypedKey",
        "none": "tests.odd_models.NotAModel", "missing": "tests.odd_models.Nowhere",
        "empty": "",
    }

    def __init__(self):
        self.kind = None

    @classmethod
    def get_real_child_model(cls, data):
        return cls.discriminator_value_class_map.get(data[cls.json_discriminator_key])


class Holder(Plain):
    """Holds one of each, by declared type, in lists and maps too."""

    deserialized_types = {
        "shape": "tests.odd_models.Shape", "shapes": "list[tests.odd_models.Shape]",
        "by_name": "dict(str, tests.odd_models.Shape)", "pairs": "list[str, int]", "when": "date",
        "lost": "tests.odd_models.Lost", "raw": "object", "ratio": "float", "flag": "bool",
        "big": "long"}
    attribute_map = {name: name for name in deserialized_types}

    def __init__(self):
        for name in self.deserialized_types:
            setattr(self, name, None)
