"""Load routine YAML files into validated `Routine` objects, naming file and field on error."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .catalog import Catalog, normalize, spoken_names
from .routines import Kind, Routine, Step

ROUTINE_FIELDS = ("id", "name", "synonyms", "kind", "summary", "safety", "steps", "per_turn",
                  "sources", "for_cramps")
STEP_FIELDS = ("say", "hold", "reps", "sides", "rest")
# Checklists are heard a few items per response; other kinds one step per response.
DEFAULT_PER_TURN = {Kind.CHECKLIST: 3}
# Bounds that keep every step speakable in one response and every hold humane.
LIMITS = {
    "name": 60, "synonym": 60, "summary": 300, "safety": 400, "say": 800,
    "hold": 600, "reps": 20, "rest": 120, "sides": 4, "per_turn": 5,
}
ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# Names and synonyms are what people say, and become slot values in the interaction model.
SPOKEN_NAME = re.compile(r"[A-Za-z']+( [A-Za-z']+)*")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content: where it is and what is wrong."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else \
            f"{self.file}: {self.message}"


class ContentError(Exception):
    """The routines cannot be loaded; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def routine_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named by `paths` (files, or folders searched one level deep)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            files.append(path)
    return files


def load_catalog(paths: Iterable[Path]) -> Catalog:
    """Every routine under `paths`, or ContentError listing every problem."""
    catalog, problems = check_content(paths)
    if problems:
        raise ContentError(problems)
    return catalog


def check_content(paths: Iterable[Path]) -> tuple[Catalog, list[Problem]]:
    """The valid routines under `paths` and the problems found in the rest."""
    files = routine_files(paths)
    problems: list[Problem] = []
    if not files:
        shown = ", ".join(str(path) for path in paths) or "(no paths)"
        return Catalog(()), [Problem(shown, "", "no routine files (*.yaml) found")]
    routines = []
    for file in files:
        reader = _RoutineReader(file)
        routine = reader.read()
        problems.extend(reader.problems)
        if routine is not None:
            routines.append((file, routine))
    problems.extend(_clashes(routines))
    return Catalog(routine for _, routine in routines), problems


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _clashes(routines: list[tuple[Path, Routine]]) -> list[Problem]:
    """Ids and spoken names claimed by two routines (or twice by one)."""
    problems = []
    owners: dict[str, tuple[str, Path]] = {}
    for file, routine in routines:
        if routine.id in owners:
            problems.append(Problem(display_path(file), "id",
                                    f"duplicate id {routine.id!r}, also in "
                                    f"{display_path(owners[routine.id][1])}"))
        owners.setdefault(routine.id, (routine.id, file))
    phrases: dict[str, tuple[str, Path]] = {}
    for file, routine in routines:
        labels = ["name", *(f"synonyms[{i}]" for i in range(len(routine.synonyms))), "id"]
        for label, phrase in zip(labels, spoken_names(routine), strict=True):
            key = normalize(phrase)
            owner = phrases.setdefault(key, (routine.id, file))
            if owner[0] != routine.id:
                problems.append(Problem(display_path(file), label,
                                        f"{phrase!r} is already a name of routine {owner[0]!r} "
                                        f"({display_path(owner[1])})"))
    return problems


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice, which YAML would silently overwrite."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


class _RoutineReader:
    """Reads one routine file, collecting every problem rather than stopping at the first."""

    def __init__(self, file: Path):
        self.file = file
        self.shown = display_path(file)
        self.problems: list[Problem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.shown, field, message))

    def read(self) -> Routine | None:
        data = self._parse()
        if data is None:
            return None
        if not isinstance(data, dict):
            self.fail("", f"expected a mapping of routine fields, got {_shown(data)}")
            return None
        self._unknown(data, ROUTINE_FIELDS, "")
        routine_id = self._id(data)
        kind = self._kind(data)
        fields = {
            "name": self._spoken(self._text(data, "name", LIMITS["name"]), "name"),
            "synonyms": self._synonyms(data),
            "summary": self._text(data, "summary", LIMITS["summary"]),
            "safety": self._text(data, "safety", LIMITS["safety"], required=False),
            "steps": self._steps(data),
            "per_turn": self._count(data, "per_turn", "steps per turn", LIMITS["per_turn"],
                                    DEFAULT_PER_TURN.get(kind, 1), ""),
            "sources": self._sources(data),
            "for_cramps": self._flag(data, "for_cramps"),
        }
        if self.problems:
            return None
        return Routine(id=routine_id, kind=kind, **fields)

    def _parse(self) -> Any:
        try:
            text = self.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.fail("", f"cannot read the file: {error}")
            return None
        try:
            return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            reason = getattr(error, "problem", None) or str(error)
            self.fail("", f"{where}not valid YAML: {reason}")
            return None

    def _unknown(self, data: dict, known: tuple[str, ...], prefix: str) -> None:
        for key in data:
            if key not in known:
                self.fail(f"{prefix}{key}", f"unknown field (expected one of: {', '.join(known)})")

    def _id(self, data: dict) -> str:
        value = data.get("id")
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            self.fail("id", f"expected a lower-case-hyphenated id, got {_shown(value)}")
            return ""
        if value != self.file.stem:
            self.fail("id", f"{value!r} does not match the file name {self.file.stem!r}")
        return value

    def _kind(self, data: dict) -> Kind:
        value = data.get("kind")
        try:
            return Kind(value)
        except ValueError:
            choices = ", ".join(kind.value for kind in Kind)
            self.fail("kind", f"expected one of {choices}, got {_shown(value)}")
            return Kind.STRETCH

    def _text(self, data: dict, key: str, limit: int, *, required: bool = True,
              field: str | None = None) -> str | None:
        field = field or key
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"expected text, got {_shown(value)}")
            return ""
        if len(value) > limit:
            self.fail(field, f"too long to speak well: {len(value)} characters, at most {limit}")
        return " ".join(value.split())

    def _synonyms(self, data: dict) -> tuple[str, ...]:
        value = data.get("synonyms", [])
        if not isinstance(value, list):
            self.fail("synonyms", f"expected a list of phrases, got {_shown(value)}")
            return ()
        synonyms = []
        seen = {normalize(str(data.get("name", "")))}
        for index, item in enumerate(value):
            field = f"synonyms[{index}]"
            phrase = self._spoken(
                self._text({"item": item}, "item", LIMITS["synonym"], field=field), field)
            if not phrase:
                continue
            key = normalize(phrase)
            if not key:
                self.fail(field, f"{phrase!r} has no words left once filler words are dropped")
            elif key in seen:
                self.fail(field, f"duplicate synonym {phrase!r}")
            seen.add(key)
            synonyms.append(phrase)
        return tuple(synonyms)

    def _spoken(self, phrase: str | None, field: str) -> str | None:
        if phrase and not SPOKEN_NAME.fullmatch(phrase):
            self.fail(field, f"{phrase!r}: a spoken name takes letters, spaces and apostrophes "
                             "only (numbers spelled out)")
            return None
        return phrase

    def _flag(self, data: dict, key: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_shown(value)}")
            return False
        return value

    def _sources(self, data: dict) -> tuple[str, ...]:
        value = data.get("sources", [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail("sources", f"expected a list of article names, got {_shown(value)}")
            return ()
        return tuple(value)

    def _steps(self, data: dict) -> tuple[Step, ...]:
        value = data.get("steps")
        if not isinstance(value, list) or not value:
            self.fail("steps", f"expected a list of steps, got {_shown(value)}")
            return ()
        return tuple(self._step(item, f"steps[{index}]") for index, item in enumerate(value))

    def _step(self, data: Any, field: str) -> Step:
        if not isinstance(data, dict):
            self.fail(field, f"expected a mapping with 'say', got {_shown(data)}")
            return Step(say="")
        self._unknown(data, STEP_FIELDS, f"{field}.")
        say = self._text(data, "say", LIMITS["say"], field=f"{field}.say") or ""
        hold = self._seconds(data, "hold", field, minimum=1)
        for key in ("reps", "sides", "rest"):
            if key in data and "hold" not in data:
                self.fail(f"{field}.{key}", "only makes sense with a hold: add 'hold' seconds")
        return Step(
            say=say,
            hold=hold,
            reps=self._count(data, "reps", "rounds", LIMITS["reps"], 1, f"{field}."),
            sides=self._sides(data, field),
            rest=self._seconds(data, "rest", field, minimum=0) or 0,
        )

    def _seconds(self, data: dict, key: str, field: str, minimum: int) -> int | None:
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{field}.{key}", f"expected seconds, got {_shown(value)}")
            return None
        if not minimum <= value <= LIMITS[key]:
            self.fail(f"{field}.{key}",
                      f"expected {minimum} to {LIMITS[key]} seconds, got {value}")
            return None
        return value

    def _count(self, data: dict, key: str, what: str, limit: int, default: int,
               prefix: str) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{prefix}{key}", f"expected a number of {what}, got {_shown(value)}")
            return default
        if not 1 <= value <= limit:
            self.fail(f"{prefix}{key}", f"expected 1 to {limit} {what}, got {value}")
            return default
        return value

    def _sides(self, data: dict, field: str) -> tuple[str, ...]:
        value = data.get("sides", [])
        names = value if isinstance(value, list) else None
        if names is None or not all(isinstance(n, str) and n.strip() for n in names):
            self.fail(f"{field}.sides", f"expected a list of side names, got {_shown(value)}")
            return ()
        if len(set(names)) != len(names) or len(names) > LIMITS["sides"]:
            self.fail(f"{field}.sides",
                      f"expected up to {LIMITS['sides']} different side names, got {names}")
        return tuple(name.strip() for name in names)
