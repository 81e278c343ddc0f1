"""The fields of a routine file, as data: the validator reads this table, and so does the JSON
Schema generator, so a field added here is checked by both and completed in editors.

Each field type reads a value parsed from YAML, reporting what is wrong through `fail(field,
message)`, and describes itself as JSON Schema (draft-07, the newest that yaml-language-server,
behind most editors' YAML support, reads). To add a field: a row in STEP or ROUTINE, the same
name in the dataclass it fills (Step, Routine), then `python -m skill routine-schema`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..untrusted import clip
from ..untrusted import shown as shown_text
from .routines import Kind, Step

Fail = Callable[[str, str], None]

# Characters that make SSML (XML) not well-formed or are never meant as text: C0 controls
# other than tab, line feed and carriage return; DEL and the C1 controls; lone surrogates;
# U+FFFE and U+FFFF. Written as escapes that Python's and editors' (JavaScript) regular
# expressions read alike, so the schema's pattern is this very string.
CONTROL_CHARACTERS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# Not blank, and no control character anywhere.
TEXT_PATTERN = rf"^(?=[\s\S]*\S)[^{CONTROL_CHARACTERS}]*$"
ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# Names and synonyms are what people say, and become slot values in the interaction model.
# Spaces spelled out: Python's \s also matches some control characters.
SPOKEN_PATTERN = r"[ \t\r\n]*[A-Za-z']+(?:[ \t\r\n]+[A-Za-z']+)*[ \t\r\n]*"


def shown(value: Any) -> str:
    """A value as an author wrote it, in words for types, quoted and cut short for text."""
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return shown_text(value)
    return clip(repr(value), 100)


class FieldType(Protocol):
    what: str

    def read(self, value: Any, field: str, fail: Fail) -> Any: ...

    def schema(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Text:
    """Words: not blank, no control characters, at most `max_length` characters, and matching
    `pattern` if given (`rule` says the pattern in words)."""

    max_length: int
    what: str = "text"
    pattern: str | None = None
    rule: str | None = None

    def read(self, value: Any, field: str, fail: Fail) -> str:
        if not isinstance(value, str) or not value.strip():
            fail(field, f"expected {self.what}, got {shown(value)}")
            return ""
        control = _CONTROL.search(value)
        if control:
            fail(field, f"U+{ord(control.group()):04X} at character {control.start() + 1} is a "
                        "control character: it cannot be spoken or shown")
            return ""
        if len(value) > self.max_length:
            fail(field, f"too long to speak well: {len(value)} characters, "
                        f"at most {self.max_length}")
        tidy = " ".join(value.split())
        # re.search with the schema's anchored pattern: JSON Schema's own reading of it.
        if self.pattern and not re.search(self.anchored, value):
            fail(field, f"{shown(tidy)}: {self.rule}" if self.rule
                 else f"expected {self.what}, got {shown(value)}")
        return tidy

    @property
    def anchored(self) -> str:
        return f"^(?:{self.pattern})$" if self.pattern else TEXT_PATTERN

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "maxLength": self.max_length,
                "pattern": self.anchored}


@dataclass(frozen=True)
class Whole:
    """A whole number from `minimum` to `maximum` `unit`."""

    minimum: int
    maximum: int
    unit: str
    noun: str | None = None  # what a wrong value was expected to be, if not "a number of <unit>"

    @property
    def what(self) -> str:
        return self.noun or f"a number of {self.unit}"

    def read(self, value: Any, field: str, fail: Fail) -> int | None:
        if isinstance(value, float) and value.is_integer() and \
                self.minimum <= value <= self.maximum:
            value = int(value)  # 8.0 is 8, as in JSON Schema
        whole = isinstance(value, int) or isinstance(value, float) and value.is_integer()
        if isinstance(value, bool) or not whole:
            fail(field, f"expected {self.what}, got {shown(value)}")
            return None
        if not self.minimum <= value <= self.maximum:
            fail(field, f"expected {self.minimum} to {self.maximum} {self.unit}, "
                        f"got {shown(value)}")
            return None
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class Flag:
    what: str = "true or false"

    def read(self, value: Any, field: str, fail: Fail) -> bool:
        if not isinstance(value, bool):
            fail(field, f"expected {self.what}, got {shown(value)}")
            return False
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Choice:
    """One of an enumeration's values."""

    choices: type[enum.Enum]

    @property
    def what(self) -> str:
        return f"one of {', '.join(choice.value for choice in self.choices)}"

    def read(self, value: Any, field: str, fail: Fail) -> Kind | None:
        if not isinstance(value, str) or value not in {c.value for c in self.choices}:
            fail(field, f"expected {self.what}, got {shown(value)}")
            return None
        return self.choices(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": [choice.value for choice in self.choices]}


@dataclass(frozen=True)
class Items:
    """A list of `item`s, `noun` naming them in counts; `unique` refuses an item given twice."""

    item: FieldType
    what: str
    noun: str
    max_items: int
    min_items: int = 0
    unique: bool = False

    def read(self, value: Any, field: str, fail: Fail) -> tuple[Any, ...]:
        if not isinstance(value, list):
            fail(field, f"expected {self.what}, got {shown(value)}")
            return ()
        if len(value) < self.min_items:
            fail(field, f"expected {self.what}, got an empty list")
        if len(value) > self.max_items:
            fail(field, f"expected at most {self.max_items} {self.noun}, got {len(value)}")
            return ()
        items = []
        for index, item in enumerate(value):
            if self.unique and isinstance(item, str) and item in value[:index]:
                fail(f"{field}[{index}]", f"{shown(item)} is already in the list")
            items.append(self.item.read(item, f"{field}[{index}]", fail))
        return tuple(items)

    def schema(self) -> dict[str, Any]:
        schema = {"type": "array", "items": self.item.schema(), "maxItems": self.max_items}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return schema


@dataclass(frozen=True)
class Named:
    """A mapping of `name`s to `value`s, read as (name, value) pairs in the order written."""

    name: Text
    value: FieldType
    what: str
    noun: str
    max_items: int

    def read(self, value: Any, field: str, fail: Fail) -> tuple[tuple[str, Any], ...]:
        if not isinstance(value, dict):
            fail(field, f"expected {self.what}, got {shown(value)}")
            return ()
        if len(value) > self.max_items:
            fail(field, f"expected at most {self.max_items} {self.noun}, got {len(value)}")
            return ()
        pairs = []
        for key, item in value.items():
            where = f"{field}.{_key(key)}"
            name = self.name.read(key, where, fail)
            pairs.append((name, self.value.read(item, where, fail)))
        return tuple(pairs)

    def schema(self) -> dict[str, Any]:
        names = {key: value for key, value in self.name.schema().items() if key != "type"}
        return {"type": "object", "propertyNames": names,
                "additionalProperties": self.value.schema(), "maxProperties": self.max_items}


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its type, whether it must be given, its default if not, and the
    field it `needs` beside it."""

    name: str
    type: FieldType
    description: str
    required: bool = False
    default: Any = None
    needs: str | None = None

    def schema(self) -> dict[str, Any]:
        schema = {"description": self.description, **self.type.schema()}
        if self.default is not None:
            schema["default"] = list(self.default) if isinstance(self.default, tuple) \
                else self.default
        return schema


@dataclass(frozen=True)
class Record:
    """A mapping of known fields, read into a dict of their values (defaults filled in), or
    into `build(**values)`."""

    what: str
    fields: tuple[Field, ...]
    build: Callable[..., Any] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    def read(self, value: Any, field: str, fail: Fail) -> Any:
        if not isinstance(value, dict):
            fail(field, f"expected {self.what}, got {shown(value)}")
            return None
        prefix = f"{field}." if field else ""
        for key in value:
            if key not in self.names:
                fail(f"{prefix}{_key(key)}",
                     f"unknown field (expected one of: {', '.join(self.names)})")
        values = {}
        for known in self.fields:
            if known.name in value:
                values[known.name] = known.type.read(value[known.name], prefix + known.name,
                                                     fail)
                if known.needs and known.needs not in value:
                    fail(prefix + known.name,
                         f"only makes sense with {known.needs!r}: add {known.needs!r} too")
            elif known.required:
                fail(prefix + known.name, f"expected {known.type.what}, got nothing")
                values[known.name] = None
            else:
                values[known.name] = known.default
        return self.build(**values) if self.build else values

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {field.name: field.schema() for field in self.fields},
            "required": [field.name for field in self.fields if field.required],
            "additionalProperties": False,
        }
        needs = {field.name: [field.needs] for field in self.fields if field.needs}
        if needs:
            schema["dependencies"] = needs
        return schema


def _key(key: Any) -> str:
    """An unknown key as part of a field path: as written if it is a plain word."""
    if isinstance(key, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,40}", key):
        return key
    return shown(key)


# Checklists are heard a few items per response; other kinds one step per response.
DEFAULT_PER_TURN = {Kind.CHECKLIST: 3}
SECONDS = "seconds"
# Seconds to move when a step does not say: to get into position (for a massage, to find the
# point), to switch sides, and to rest between rounds. A person's pace scales them; the holds
# never change.
DEFAULT_TRANSITIONS = {
    Kind.STRETCH: {"get_ready": 5, "switch": 5, "rest": 5},
    Kind.MASSAGE: {"get_ready": 8, "switch": 5, "rest": 5},
    Kind.CHECKLIST: {"get_ready": 5, "switch": 5, "rest": 5},
}


def _defaults(name: str) -> str:
    """How the default of transition `name` reads in the schema: "5 for stretches, ..."."""
    return ", ".join(f"{seconds[name]} for {kind}s" for kind, seconds in
                     DEFAULT_TRANSITIONS.items())

SIDE_NAME = Text(30, "a side name")

STEP = Record("a mapping with 'say'", build=Step, fields=(
    Field("say", Text(800), "What the coach says for this step.", required=True),
    Field("hold", Whole(1, 600, SECONDS, noun=SECONDS),
          "Seconds of silence to hold the position, timed by the coach."),
    Field("reps", Whole(1, 20, "rounds"), "Rounds of the hold.", default=1, needs="hold"),
    Field("sides", Items(SIDE_NAME, "a list of side names", "sides",
                         max_items=4, unique=True),
          "Each round holds once per side, named as spoken: [right, left].", default=(),
          needs="hold"),
    Field("hold_up_to", Whole(1, 600, SECONDS, noun=SECONDS),
          "Where the article gives a range (half a minute to a minute), the longest hold: "
          "'longer' and 'shorter' pick between hold and this.", needs="hold"),
    Field("get_ready", Whole(0, 60, SECONDS, noun=SECONDS),
          "Seconds to get into position after the instruction, before the first hold "
          f"(default {_defaults('get_ready')}).", needs="hold"),
    Field("switch", Whole(0, 60, SECONDS, noun=SECONDS),
          f"Seconds to switch sides between holds (default {_defaults('switch')}).",
          needs="sides"),
    Field("rest", Whole(0, 120, SECONDS, noun=SECONDS),
          f"Seconds of rest between rounds (default {_defaults('rest')}).", needs="hold"),
    Field("quick", Text(200),
          "In a routine for cramps: the step said briefly, for someone with a cramp who needs "
          "relief at once (where to press, and how); relief starts at the first step that has "
          "it, with no time to get ready.", needs="hold"),
    Field("side_say", Named(SIDE_NAME, Text(800), "a mapping of side names to what to say",
                            "sides", max_items=4),
          "What to say as a side starts, by side name, when it is more than the same the "
          "other way: said the first time each side is held, instead of naming the side.",
          default=(), needs="sides"),
))

SPOKEN_RULE = "a spoken name takes letters, spaces and apostrophes only (numbers spelled out)"

ROUTINE = Record("a mapping of routine fields", fields=(
    Field("id", Text(60, "a lower-case-hyphenated id", ID_PATTERN),
          "The routine's id, lower-case words joined by hyphens; the file is named after it.",
          required=True),
    Field("name", Text(60, pattern=SPOKEN_PATTERN, rule=SPOKEN_RULE),
          "The routine's name, spoken, and matched when people ask for it.", required=True),
    Field("synonyms", Items(Text(60, pattern=SPOKEN_PATTERN, rule=SPOKEN_RULE),
                            "a list of phrases", "synonyms", max_items=20, unique=True),
          "Other things people call the routine.", default=()),
    Field("kind", Choice(Kind), "What sort of routine it is.", required=True),
    Field("summary", Text(300), "One or two sentences, spoken before the routine starts.",
          required=True),
    Field("safety", Text(400), "A safety note, spoken before the first step."),
    Field("steps", Items(STEP, "a list of steps", "steps", max_items=50, min_items=1),
          "The steps, spoken in order.", required=True),
    Field("per_turn", Whole(1, 5, "steps per turn"),
          "Steps spoken per response; "
          + ", ".join(f"{n} for {kind}s" for kind, n in DEFAULT_PER_TURN.items())
          + ", 1 for the others when left out."),
    Field("sources", Items(Text(40, "an article name"), "a list of article names",
                           "sources", max_items=10),
          "The articles the routine is written from.", default=()),
    Field("for_cramps", Flag(), "Offer this routine when someone says they have a cramp.",
          default=False),
    Field("helps_with", Items(Text(60, "a concern id", ID_PATTERN), "a list of concern ids",
                              "concerns", max_items=10, unique=True),
          "What the routine helps with (ids from concerns.yaml), in the articles' terms, the "
          "one it helps most first.", default=()),
))

CONCERN = Record("a mapping with 'name'", fields=(
    Field("name", Text(60, pattern=SPOKEN_PATTERN, rule=SPOKEN_RULE),
          "The concern as people say it ('knee pain after running'); a slot value.",
          required=True),
    Field("synonyms", Items(Text(60, pattern=SPOKEN_PATTERN, rule=SPOKEN_RULE),
                            "a list of phrases", "synonyms", max_items=30, unique=True),
          "Other ways people say it.", default=()),
    Field("see_doctor", Flag(),
          "An injury, or sharp, swollen or lasting pain: the coach says to see a doctor and "
          "suggests no routine.", default=False),
))
