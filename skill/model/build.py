"""Generate the interaction model JSON for each locale, and check committed copies."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from ..alexa.intents import CONCERN_SLOT_TYPE, ROUTINE_SLOT_TYPE
from ..content.catalog import Catalog
from ..content.loader import display_path
from ..content.routines import Concern, Routine
from .definitions import Definitions
from .package import model_path


def build_model(definitions: Definitions, catalog: Catalog) -> dict[str, Any]:
    """The model in the shape the developer console's JSON editor and the ASK CLI accept."""
    intents = []
    for intent in definitions.intents:
        entry: dict[str, Any] = {"name": intent.name}
        if intent.slots:
            entry["slots"] = [{"name": name, "type": kind} for name, kind in intent.slots]
        entry["samples"] = list(intent.samples)
        intents.append(entry)
    return {"interactionModel": {"languageModel": {
        "invocationName": definitions.invocation,
        "intents": intents,
        "types": [{"name": ROUTINE_SLOT_TYPE, "values": _values(catalog.routines)},
                  {"name": CONCERN_SLOT_TYPE, "values": _values(catalog.concerns)}],
    }}}


def _values(named: tuple[Routine | Concern, ...]) -> list[dict[str, Any]]:
    """Slot values resolved to ids: each with its name and synonyms."""
    return [{"id": item.id, "name": {"value": item.name, "synonyms": list(item.synonyms)}}
            for item in named]


def model_text(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def model_files(model: dict[str, Any], locales: tuple[str, ...], package: Path
                ) -> dict[Path, str]:
    """Each locale's file in the skill package and its contents (the same model: every locale
    is English)."""
    text = model_text(model)
    return {model_path(package, locale): text for locale in locales}


def stale_files(expected: dict[Path, str]) -> list[str]:
    """What differs between the committed files and `expected`, one entry per file."""
    differences = []
    for path, text in expected.items():
        if not path.is_file():
            differences.append(f"{display_path(path)}: missing")
            continue
        committed = path.read_text(encoding="utf-8")
        if committed != text:
            diff = difflib.unified_diff(committed.splitlines(), text.splitlines(),
                                        "committed", "generated", n=0, lineterm="")
            shown = "\n".join(list(diff)[2:14])
            differences.append(f"{display_path(path)}: stale\n{shown}")
    return differences
