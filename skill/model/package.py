"""The ASK CLI skill package: where the manifest and each locale's model live inside it.

`ask deploy` uploads the folder that ask-resources.json names as skillMetadata.src, laid out
as Amazon's skill package format requires: skill.json at the top, the models under
interactionModels/custom/. Everything in the folder is uploaded, so nothing else goes in it.
"""

from __future__ import annotations

from pathlib import Path

from ..settings import bundled

PACKAGE = "interaction_model"  # at the top of the source tree, and inside the installed wheel
MANIFEST = "skill.json"
MODELS = Path("interactionModels", "custom")


def package_folder() -> Path:
    return bundled(PACKAGE)


def manifest_path(package: Path) -> Path:
    return package / MANIFEST


def model_path(package: Path, locale: str) -> Path:
    return package / MODELS / f"{locale}.json"
