"""The APL documents: JSON files beside this module, one per kind of view, sharing common.json.

Each file is a whole APL document but for what every document shares (theme, resources,
styles, the button layouts), which common.json holds once and load() merges in. The files
explain themselves in "description" fields, which are dropped before sending: every byte of a
document counts against Alexa's 24 KB response.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).with_name("documents")
COMMON = "common"
KINDS = ("menu", "step", "message", "completion")


def version_key(version: str) -> tuple[int, ...] | None:
    """"1.4" as (1, 4), "2024.2" as (2024, 2); None for anything that is not a version."""
    parts = version.split(".") if isinstance(version, str) else []
    # isascii: "²" and other Unicode digits pass isdigit() but not int().
    if not 1 <= len(parts) <= 3 or not all(
            part.isascii() and part.isdigit() and len(part) < 6 for part in parts):
        return None
    return tuple(int(part) for part in parts)


def _read(name: str) -> dict[str, Any]:
    return json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))


def _undescribed(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _undescribed(value) for key, value in node.items() if key != "description"}
    if isinstance(node, list):
        return [_undescribed(item) for item in node]
    return node


@cache
def _merged(kind: str) -> str:
    common, own = _read(COMMON), _read(kind)
    document = {"type": own.pop("type"), "version": own.pop("version"), **common, **own}
    document["layouts"] = {**common.get("layouts", {}), **own.get("layouts", {})}
    return json.dumps(_undescribed(document), separators=(",", ":"), ensure_ascii=False)


def load(kind: str) -> dict[str, Any]:
    """The document for `kind`, common parts merged in (its own layouts win a name clash).

    A fresh copy each time: whoever sends it may change it without changing the next one."""
    return json.loads(_merged(kind))


@cache
def minimum_version() -> str:
    """The highest version any document declares: a device must support at least that."""
    return max((_read(kind)["version"] for kind in KINDS), key=version_key)
