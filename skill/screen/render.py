"""A view as an Alexa.Presentation.APL.RenderDocument directive, for devices that can show it."""

from __future__ import annotations

from typing import Any

from . import datasources, documents
from .views import View

DIRECTIVE = "Alexa.Presentation.APL.RenderDocument"
INTERFACE = "Alexa.Presentation.APL"
TOKEN_PREFIX = "stretch-coach-"


def supports(max_version: str) -> bool:
    """Whether a device whose APL runtime.maxVersion is `max_version` can show our documents."""
    device = documents.version_key(max_version)
    return device is not None and device >= documents.version_key(documents.minimum_version())


def render(view: View, max_version: str) -> dict[str, Any] | None:
    """The RenderDocument directive showing `view`, or None if the device's APL is too old."""
    if not supports(max_version):
        return None
    kind, data = datasources.build(view)
    return {"type": DIRECTIVE, "token": TOKEN_PREFIX + kind,
            "document": documents.load(kind), "datasources": data}
