"""Client values shown in logs and error bodies: quoted, escaped and cut short.

Anything a client sends can be huge or hold control characters; it is never written out as is.
"""

from __future__ import annotations

import re
from typing import Any

# Long enough to recognise a skill id or a URL, short enough that a flood cannot fill a log.
SHOWN_CHARS = 80


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """`value` as a quoted, escaped representation of at most about `limit` characters."""
    text = value if isinstance(value, str) else _describe(value)
    if len(text) > limit:
        return repr(text[:limit]) + f"... ({len(text)} characters)"
    return repr(text)


_TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,120}")


def token(value: Any) -> str:
    """An identifier (a request id, an intent name) bare if it looks like one, else shown()."""
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else shown(value)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return str(value)


def clip(text: str, limit: int = 500) -> str:
    """A message (which may embed client values) cut to at most `limit` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
