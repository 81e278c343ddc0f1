"""Load routine YAML files into validated `Routine` objects, naming file and field on error."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import Catalog, normalize, spoken_names
from .fields import CONCERN, DEFAULT_PER_TURN, DEFAULT_TRANSITIONS, ID_PATTERN, ROUTINE, shown
from .routines import Concern, Kind, Routine, Step
from .turns import turn_starts
from .yamlfile import YamlFileError, read_yaml

# Beside the routines, the one file that is not a routine: what people say is bothering them.
CONCERNS_FILE = "concerns.yaml"


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
    """The routine files named by `paths` (files, or folders searched one level deep)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            files.append(path)
    return [file for file in files if file.name != CONCERNS_FILE]


def concern_files(paths: Iterable[Path]) -> list[Path]:
    """The concerns.yaml beside the routines `paths` name: in each folder named, or in the
    folder of each file named."""
    folders = dict.fromkeys(path if path.is_dir() else path.parent for path in paths)
    return [folder / CONCERNS_FILE for folder in folders if (folder / CONCERNS_FILE).exists()]


def load_catalog(paths: Iterable[Path]) -> Catalog:
    """Every routine under `paths`, or ContentError listing every problem."""
    catalog, problems = check_content(paths)
    if problems:
        raise ContentError(problems)
    return catalog


def check_content(paths: Iterable[Path]) -> tuple[Catalog, list[Problem]]:
    """The valid routines under `paths` and the problems found in the rest."""
    paths = list(paths)
    files = routine_files(paths)
    problems: list[Problem] = []
    if not files:
        named = ", ".join(str(path) for path in paths) or "(no paths)"
        return Catalog(()), [Problem(named, "", "no routine files (*.yaml) found")]
    concerns: list[tuple[Path, Concern]] = []
    for file in concern_files(paths):
        reader = _ConcernsReader(file)
        concerns.extend((file, concern) for concern in reader.read())
        problems.extend(reader.problems)
    routines = []
    for file in files:
        reader = _RoutineReader(file)
        routine = reader.read()
        problems.extend(reader.problems)
        if routine is not None:
            routines.append((file, routine))
    problems.extend(_clashes(routines))
    problems.extend(_concern_problems(routines, concerns, {p for p in paths if p.is_dir()}))
    catalog = Catalog((routine for _, routine in routines), _reachable(concerns, routines))
    return catalog, problems


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


def _concern_problems(routines: list[tuple[Path, Routine]], concerns: list[tuple[Path, Concern]],
                      whole: set[Path]) -> list[Problem]:
    """Concerns named twice, routines helping with concerns nobody defined, and concerns no
    routine helps with (unless they are for a doctor) where the `whole` folder was loaded."""
    problems = []
    defined: dict[str, Path] = {}
    phrases: dict[str, str] = {}
    for file, concern in concerns:
        if concern.id in defined:
            problems.append(Problem(display_path(file), concern.id,
                                    f"concern {concern.id!r} is also defined in "
                                    f"{display_path(defined[concern.id])}"))
        defined.setdefault(concern.id, file)
        for label, phrase in [("name", concern.name), *(
                (f"synonyms[{i}]", synonym) for i, synonym in enumerate(concern.synonyms))]:
            owner = phrases.setdefault(normalize(phrase), concern.id)
            if owner != concern.id:
                problems.append(Problem(display_path(file), f"{concern.id}.{label}",
                                        f"{phrase!r} is already a name of concern {owner!r}"))
    helped = set()
    for file, routine in routines:
        for index, concern in enumerate(routine.helps_with):
            helped.add(concern)
            if concern not in defined:
                where = ", ".join(display_path(f) for f in dict.fromkeys(defined.values()))
                problems.append(Problem(display_path(file), f"helps_with[{index}]",
                                        f"no concern {concern!r} in "
                                        f"{where or CONCERNS_FILE + ' (there is none)'}"))
    for file, concern in concerns:
        if concern.id not in helped and not concern.see_doctor and file.parent in whole:
            problems.append(Problem(display_path(file), concern.id,
                                    "no routine helps with it: name it in a routine's "
                                    "helps_with, or mark it see_doctor"))
    return problems


def _reachable(concerns: list[tuple[Path, Concern]],
               routines: list[tuple[Path, Routine]]) -> list[Concern]:
    """The concerns a loaded routine helps with, or that are for a doctor: with routine files
    picked one by one, the others have nothing to offer."""
    helped = {concern for _, routine in routines for concern in routine.helps_with}
    return [concern for _, concern in concerns if concern.id in helped or concern.see_doctor]


# What _FileReader.yaml() gives for a file it could not read (the problem already recorded).
_UNREAD = object()


class _FileReader:
    """Reading one content file: its name as shown, and every problem found in it collected
    rather than stopping at the first."""

    def __init__(self, file: Path):
        self.file = file
        self.shown = display_path(file)
        self.problems: list[Problem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.shown, field, message))

    def yaml(self) -> Any:
        """The file's parsed YAML, or _UNREAD if it cannot be read."""
        try:
            return read_yaml(self.file)
        except YamlFileError as error:
            self.fail("", str(error))
            return _UNREAD


class _ConcernsReader(_FileReader):
    """Reads concerns.yaml: concern ids, each with its name, synonyms and whether it is for a
    doctor."""

    def read(self) -> list[Concern]:
        data = self.yaml()
        if data is _UNREAD:
            return []
        if not isinstance(data, dict) or not data:
            self.fail("", f"expected a mapping of concern ids to concerns, got {shown(data)}")
            return []
        concerns = []
        for key, body in data.items():
            if not isinstance(key, str) or not re.fullmatch(ID_PATTERN, key):
                self.fail(shown(key), "a concern id is lower-case words joined by hyphens")
                continue
            values = CONCERN.read(body, key, self.fail)
            if values is not None:
                concerns.append(Concern(id=key, **values))
        return [] if self.problems else concerns


class _RoutineReader(_FileReader):
    """Reads one routine file."""

    def read(self) -> Routine | None:
        data = self.yaml()
        if data is _UNREAD:
            return None
        if data is None:
            self.fail("", "no routine in the file: it is empty, null or only comments")
            return None
        values = ROUTINE.read(data, "", self.fail)
        if values is None:
            return None
        self._id_names_the_file(values["id"])
        self._synonyms_are_distinct(values["name"], data.get("synonyms"), values["synonyms"])
        if values["per_turn"] is None and values["kind"] is not None:
            values["per_turn"] = DEFAULT_PER_TURN.get(values["kind"], 1)
        if values["kind"] is not None and values["steps"]:
            values["steps"] = tuple(self._timed_in_full(step, values["kind"], f"steps[{index}]")
                                    for index, step in enumerate(values["steps"]))
        if self.problems:
            return None
        routine = Routine(**values)
        return dataclasses.replace(routine, turns=turn_starts(routine))

    def _timed_in_full(self, step: Step | None, kind: Kind, field: str) -> Step | None:
        """`step` with the kind's time to move wherever it gives none, its range checked."""
        if step is None:
            return None
        if step.hold_up_to is not None and step.hold is not None and \
                step.hold_up_to <= step.hold:
            self.fail(f"{field}.hold_up_to", f"expected more than hold ({step.hold} seconds), "
                                             f"got {step.hold_up_to}")
        for side, _ in step.side_say:
            if side and side not in step.sides:
                self.fail(f"{field}.side_say.{side}",
                          f"no side {side!r} in sides ({', '.join(step.sides) or 'none'})")
        given = {name: getattr(step, name) for name in DEFAULT_TRANSITIONS[kind]}
        filled = {name: DEFAULT_TRANSITIONS[kind][name] if value is None else value
                  for name, value in given.items()}
        return dataclasses.replace(step, **filled)

    def _id_names_the_file(self, routine_id: str | None) -> None:
        if routine_id and routine_id != self.file.stem:
            self.fail("id", f"{routine_id!r} does not match the file name {self.file.stem!r}")

    def _synonyms_are_distinct(self, name: str | None, written: Any,
                               synonyms: tuple[str, ...]) -> None:
        """No synonym repeats the name or another synonym once case and filler words go."""
        if not synonyms:  # none, or the list as a whole was wrong
            return
        seen = {normalize(name or "")}
        for index, (raw, phrase) in enumerate(zip(written, synonyms, strict=True)):
            if not phrase or raw in written[:index]:
                continue  # "" where an item was wrong: the field table has said what is wrong
            key = normalize(phrase)
            if not key:
                self.fail(f"synonyms[{index}]",
                          f"{shown(raw)} has no words left once filler words are dropped")
            elif key in seen:
                self.fail(f"synonyms[{index}]", f"duplicate synonym {shown(raw)}")
            seen.add(key)
