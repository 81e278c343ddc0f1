"""Read one routine file as YAML, refusing whatever could hang, exhaust memory or raise.

A routine file is small, plain data: a regular file of at most MAX_FILE_BYTES, UTF-8, nested a
few levels, with no aliases. A scalar that cannot become the value its tag asks for (`!!int abc`,
a number thousands of digits long, `!!timestamp 2024-02-30`) becomes an `Unreadable`, which the
validator reports under the field it was given for, like any other value of the wrong type.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor

from ..files import FileRefused, read_small_file
from ..untrusted import clip, shown

# The largest shipped routine is about 2 KB and a routine at every limit (50 steps of 800
# characters) about 45 KB; 64 KB leaves room for comments. It bounds the work whatever the
# file holds: a shipped routine parses in milliseconds, the slowest 64 KB found (a flow list of
# 32,000 numbers) in about 2 s, once, at start-up or in `validate`.
MAX_FILE_BYTES = 64 * 1024
# A routine is a mapping of lists of mappings of lists: four levels. Deeper is a mistake or an
# attack, and PyYAML's composer recurses once per level.
MAX_DEPTH = 20
# Seconds and counts are a few digits; a longer number is a typo, and Python refuses to turn
# a decimal integer of more than 4300 digits into a string, or back.
MAX_NUMBER_CHARS = 32

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class YamlFileError(Exception):
    """The file cannot be read as YAML; the message says why (and where, if known)."""


@dataclass(frozen=True)
class Unreadable:
    """A scalar whose tag asks for a value it cannot be; shown as what was written."""

    tag: str
    text: str
    reason: str

    def __repr__(self) -> str:
        if len(self.text) > MAX_NUMBER_CHARS:
            return f"a number {len(self.text)} characters long"
        return f"!!{self.tag} {shown(self.text)}, which is {self.reason}"


def read_yaml(path: Path, what: str = "routine") -> Any:
    """The YAML document in `path` (None if it holds none); YamlFileError says what is wrong.
    `what` names the kind of file in messages."""
    try:
        data = read_small_file(path, MAX_FILE_BYTES, what)
    except FileRefused as error:
        raise YamlFileError(str(error)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlFileError(f"not UTF-8 text: {error}") from None
    try:
        return yaml.load(text, Loader=RoutineLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        raise YamlFileError(_yaml_problem(error)) from None


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    reason = getattr(error, "problem", None) or str(error)
    return clip(f"{where}not valid YAML: {reason}", 300)


class RoutineLoader(yaml.SafeLoader):
    """PyYAML's safe loader, made total for routine files: no aliases, bounded nesting,
    plain keys given once, and scalars that fail their tag kept as `Unreadable`."""

    # Dates are text here: nothing in a routine is a date, and "2024-02-30" must not raise.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            # An alias can stand for a list of aliases: a few hundred bytes, 10^8 items.
            raise ComposerError(None, None, "aliases (*name) are not allowed in routine files",
                                self.peek_event().start_mark)
        if self.depth >= MAX_DEPTH:
            raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)  # which says what is wrong
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep) \
                if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key_node, yaml.ScalarNode) or not isinstance(key, Hashable):
                # `? [a, b]`, or a plain word tagged as a collection: `!!set a: b`.
                raise ConstructorError(
                    None, None, "a key must be a plain word, not a list or a mapping",
                    key_node.start_mark)
            if key in seen:
                # YAML would silently keep the last one.
                raise ConstructorError(None, None, f"duplicate key {shown(key)}",
                                       key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _total(tag: str, reason: str, construct):
    """A constructor for `tag` that gives an Unreadable instead of raising."""

    def constructor(loader: RoutineLoader, node: yaml.ScalarNode) -> Any:
        text = loader.construct_scalar(node)
        if len(text) > MAX_NUMBER_CHARS and tag in ("int", "float"):
            return Unreadable(tag, text, reason)
        try:
            return construct(loader, node)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
            return Unreadable(tag, text, reason)

    return constructor


for _tag, _reason, _construct in [
    ("int", "not a whole number", SafeConstructor.construct_yaml_int),
    ("float", "not a number", SafeConstructor.construct_yaml_float),
    ("bool", "not true or false", SafeConstructor.construct_yaml_bool),
    ("timestamp", "not a date", SafeConstructor.construct_yaml_timestamp),
]:
    RoutineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _total(_tag, _reason, _construct))
