"""`python -m skill build-model`: write or check the skill package (manifest and models)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..content.loader import ContentError, display_path, load_catalog
from ..untrusted import shown
from .build import build_model, model_files, stale_files
from .definitions import Definitions, load_definitions
from .manifest import (
    CERTIFICATES,
    PLACEHOLDER,
    Endpoint,
    build_manifest,
    committed_endpoint,
    default_certificate,
    host,
    manifest_text,
)
from .manifest_rules import manifest_problems
from .package import manifest_path, package_folder
from .publishing import PublishingError, load_publishing
from .rules import model_problems


def build_package(routines: Sequence[Path], package: Path | None, check: bool,
                  uri: str | None, certificate: str | None) -> int:
    """Exit status: 0 written or current, 1 invalid or stale, 2 a bad option."""
    package = package or package_folder()
    if uri is not None and (problem := uri_problem(uri)):
        print(f"error: --endpoint: {problem}", file=sys.stderr)
        return 2
    try:
        catalog = load_catalog(routines)
        publishing = load_publishing()
    except ContentError as error:
        print(f"error: the routines are invalid:\n{error}", file=sys.stderr)
        return 1
    except PublishingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    definitions = load_definitions()
    model = build_model(definitions, catalog)
    endpoint = choose_endpoint(package, uri, certificate)
    manifest = build_manifest(publishing, definitions.locales, endpoint)
    problems = package_problems(definitions, model, manifest)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    files = {manifest_path(package): manifest_text(manifest),
             **model_files(model, definitions.locales, package)}
    return check_files(files) if check else write_files(files, endpoint)


def package_problems(definitions: Definitions, model: dict[str, Any],
                     manifest: dict[str, Any]) -> list[str]:
    """Amazon's rules for the model (every locale has the same one) and for the manifest."""
    understood = {intent.name: intent.understood for intent in definitions.intents}
    return [*(f"model: {problem}" for problem in model_problems(model, understood)),
            *(f"skill.json: {problem}" for problem in manifest_problems(
                manifest, dict.fromkeys(definitions.locales, model)))]


def uri_problem(uri: str) -> str | None:
    if not host(uri):
        return f"expected an https:// address, got {shown(uri)}"
    parts = urlsplit(uri)
    if parts.username or parts.password or parts.query or parts.fragment or " " in uri:
        return f"expected an address without credentials, query or fragment, got {shown(uri)}"
    return None


def choose_endpoint(package: Path, uri: str | None, certificate: str | None) -> Endpoint:
    """The options, else what the committed skill.json says, else the placeholder."""
    try:
        current = committed_endpoint(manifest_path(package).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        current = None
    current = current or PLACEHOLDER
    if uri is None:
        kind = CERTIFICATES[certificate] if certificate else current.certificate
        return Endpoint(current.uri, kind)
    return Endpoint(uri, CERTIFICATES[certificate] if certificate else default_certificate(uri))


def check_files(files: dict[Path, str]) -> int:
    stale = stale_files(files)
    for difference in stale:
        print(difference, file=sys.stderr)
    if stale:
        print("run `python -m skill build-model` and commit the result", file=sys.stderr)
        return 1
    print(f"the skill package is current: skill.json and {len(files) - 1} model files")
    return 0


def write_files(files: dict[Path, str], endpoint: Endpoint) -> int:
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {display_path(path)}")
    if endpoint.placeholder:
        print(f"note: the endpoint is the placeholder {endpoint.uri}; before `ask deploy`, run "
              "build-model --endpoint https://<your-address>/", file=sys.stderr)
    return 0
