"""The skill's wording, from phrases.yaml, looked up by dotted key."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

PHRASES_FILE = Path(__file__).with_name("phrases.yaml")


class Phrases:
    def __init__(self, data: dict[str, Any]):
        self._data = data

    @classmethod
    @cache
    def load(cls, path: Path = PHRASES_FILE) -> Phrases:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def __call__(self, key: str, pick: int = 0, **params: Any) -> str:
        """Phrase `key` with `params` filled in; where it has several wordings, the `pick`th
        (counted round)."""
        template = self._find(key)
        if isinstance(template, list):
            template = template[pick % len(template)]
        return template.format(**params)

    def wordings(self, key: str) -> int:
        """How many wordings phrase `key` has."""
        template = self._find(key)
        return len(template) if isinstance(template, list) else 1

    def all_wordings(self, key: str) -> tuple[str, ...]:
        """Every wording of phrase `key`, unfilled."""
        template = self._find(key)
        return tuple(template) if isinstance(template, list) else (template,)

    def _find(self, key: str) -> Any:
        template: Any = self._data
        for part in key.split("."):
            template = template[part]
        return template

    def table(self, key: str) -> dict[Any, str]:
        """A mapping of phrases, as written."""
        return self._data[key]

    def count(self, number: int, unit: str) -> str:
        """ "1 round", "2 rounds"."""
        singular, plural = self._data["units"][unit]
        return f"{number} {singular if number == 1 else plural}"


def mid_sentence(name: str) -> str:
    return name[:1].lower() + name[1:]


def spoken_list(names: list[str], joiner: str = "and") -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {joiner} " + names[-1]
