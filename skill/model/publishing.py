"""publishing.yaml (store text, privacy answers, switches) as typed values, or every problem."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.loader import display_path
from ..content.yamlfile import YamlFileError, read_yaml
from ..untrusted import shown

PUBLISHING_FILE = Path(__file__).with_name("publishing.yaml")
TEXTS = ("name", "summary", "description", "disclaimer", "testing_instructions")
LISTS = ("example_phrases", "keywords")
FLAGS = ("available_worldwide", "screens")
ANSWERS = ("allows_purchases", "uses_personal_info", "is_child_directed", "is_export_compliant",
           "contains_ads")
URLS = ("privacy_policy_url", "terms_of_use_url")


def manifest_name(field: str) -> str:
    """A privacy field's name in skill.json: allows_purchases is allowsPurchases."""
    first, *rest = field.split("_")
    return first + "".join(word.capitalize() for word in rest)

FIELDS = (*TEXTS, *LISTS, "category", *FLAGS, "privacy")
CATEGORY = re.compile(r"[A-Z][A-Z_]*")
URL = re.compile(r"https://[^\s/?#@]+\.[^\s/?#@]+(?:[/?#]\S*)?")


class PublishingError(Exception):
    """publishing.yaml cannot be used; the message names the file and each bad field."""


@dataclass(frozen=True)
class Privacy:
    allows_purchases: bool
    uses_personal_info: bool
    is_child_directed: bool
    is_export_compliant: bool
    contains_ads: bool
    privacy_policy_url: str | None = None
    terms_of_use_url: str | None = None


@dataclass(frozen=True)
class Publishing:
    name: str
    summary: str
    description: str
    disclaimer: str
    testing_instructions: str
    example_phrases: tuple[str, ...]
    keywords: tuple[str, ...]
    category: str
    available_worldwide: bool
    screens: bool
    privacy: Privacy


def load_publishing(path: Path = PUBLISHING_FILE) -> Publishing:
    return _Reader(path).read()


class _Reader:
    """Reads publishing.yaml, collecting every problem before giving up."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(f"{display_path(self.path)}: {field}: {message}")

    def read(self) -> Publishing:
        data = self._mapping(self._parse(), FIELDS, "")
        privacy = self._mapping(data.get("privacy"), (*ANSWERS, *URLS), "privacy.")
        fields: dict[str, Any] = {key: self._text(data, key, key) for key in TEXTS}
        fields |= {key: self._texts(data, key) for key in LISTS}
        fields |= {key: self._flag(data, key, key) for key in FLAGS}
        fields["category"] = self._category(data)
        answers = {key: self._flag(privacy, key, f"privacy.{key}") for key in ANSWERS}
        urls = {key: self._url(privacy, key) for key in URLS}
        if self.problems:
            raise PublishingError("\n".join(self.problems))
        return Publishing(**fields, privacy=Privacy(**answers, **urls))

    def _parse(self) -> Any:
        # The routine files' reader: any text gives values or a one-line reason, never raises.
        try:
            return read_yaml(self.path, "publishing")
        except YamlFileError as error:
            raise PublishingError(f"{display_path(self.path)}: {error}") from None

    def _mapping(self, value: Any, known: tuple[str, ...], prefix: str) -> dict:
        if not isinstance(value, dict):
            self.fail(prefix.rstrip(".") or "(top)", f"expected a mapping of {', '.join(known)}")
            return {}
        for key in value:
            if key not in known:
                self.fail(f"{prefix}{key}", f"unknown field (expected one of: {', '.join(known)})")
        return value

    def _text(self, data: dict, key: str, field: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"expected text, got {shown(value)}")
            return ""
        return value.strip()

    def _texts(self, data: dict, key: str) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.fail(key, f"expected a list of text, got {shown(value)}")
            return ()
        return tuple(self._text({key: item}, key, f"{key}[{index}]")
                     for index, item in enumerate(value))

    def _flag(self, data: dict, key: str, field: str) -> bool:
        value = data.get(key)
        if not isinstance(value, bool):
            self.fail(field, f"expected true or false, got {shown(value)}")
            return False
        return value

    def _category(self, data: dict) -> str:
        value = data.get("category")
        if not isinstance(value, str) or not CATEGORY.fullmatch(value):
            self.fail("category", f"expected one of Amazon's category names (HEALTH_AND_FITNESS), "
                                  f"got {shown(value)}")
            return ""
        return value

    def _url(self, data: dict, key: str) -> str | None:
        value = data.get(key)
        if value is not None and not (isinstance(value, str) and URL.fullmatch(value)):
            self.fail(f"privacy.{key}", f"expected an https:// address or null, got {shown(value)}")
            return None
        return value

