"""The intent definitions in intents.yaml, as typed values."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DEFINITIONS_FILE = Path(__file__).with_name("intents.yaml")


@dataclass(frozen=True)
class Intent:
    name: str
    samples: tuple[str, ...] = ()
    slots: tuple[tuple[str, str], ...] = ()  # (slot name, slot type)
    understood: tuple[str, ...] = ()  # built-ins only: what Amazon's own model already knows

    @property
    def builtin(self) -> bool:
        return self.name.startswith("AMAZON.")


@dataclass(frozen=True)
class Definitions:
    invocation: str
    locales: tuple[str, ...]
    intents: tuple[Intent, ...]

    def intent(self, name: str) -> Intent:
        return next(intent for intent in self.intents if intent.name == name)


@cache
def load_definitions(path: Path = DEFINITIONS_FILE) -> Definitions:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    intents = [
        Intent(name, tuple(body.get("samples", ())), tuple((body.get("slots") or {}).items()),
               tuple(body.get("understood", ())))
        for section in ("builtin", "custom")
        for name, body in data[section].items()
    ]
    return Definitions(data["invocation"], tuple(data["locales"]), tuple(intents))
