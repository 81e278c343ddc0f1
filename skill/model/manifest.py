"""The skill manifest (skill.json) from publishing.yaml, the model's locales and the endpoint."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..alexa.intents import REMINDERS_PERMISSION
from .publishing import ANSWERS, URLS, Publishing, manifest_name

MANIFEST_VERSION = "1.0"
# What the skill asks the person to allow, by voice or with a card in the Alexa app: its own
# reminders (skill/alexa/consent.py). Alexa asks only for permissions the manifest declares.
PERMISSIONS = (REMINDERS_PERMISSION,)
# The events the skill acts on, and what would go wrong without them.
SUBSCRIPTIONS = {
    # The skill keeps progress per person; disabling the skill must delete it.
    "SKILL_DISABLED": "the skill could not delete a person's data when they disable it",
    # A reminder deleted in the Alexa app: its stored id is dropped too.
    "REMINDER_DELETED": "the id of a reminder deleted in the Alexa app would stay stored",
}
CERTIFICATES = {"trusted": "Trusted", "wildcard": "Wildcard"}
# Tunnels serve every address under one wildcard certificate (*.ngrok-free.app, ...).
TUNNEL_DOMAINS = ("ngrok-free.app", "ngrok-free.dev", "ngrok.app", "ngrok.dev", "ngrok.io",
                  "trycloudflare.com", "loca.lt")
# The viewports Amazon's "Configure Your Skill with the APL Interface" lists: Echo Spot, the
# Echo Show sizes, and Fire TV.
APL_VIEWPORTS = (
    {"mode": "HUB", "shape": "ROUND",
     "minWidth": 100, "maxWidth": 599, "minHeight": 100, "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE",
     "minWidth": 960, "maxWidth": 1279, "minHeight": 600, "maxHeight": 959},
    {"mode": "HUB", "shape": "RECTANGLE",
     "minWidth": 1280, "maxWidth": 1920, "minHeight": 600, "maxHeight": 1279},
    {"mode": "TV", "shape": "RECTANGLE",
     "minWidth": 960, "maxWidth": 960, "minHeight": 540, "maxHeight": 540},
)


@dataclass(frozen=True)
class Endpoint:
    """Where Alexa sends requests, and which certificate option the console would ask for."""

    uri: str
    certificate: str  # "Trusted" or "Wildcard", as the manifest spells them

    @property
    def placeholder(self) -> bool:
        return self.uri == PLACEHOLDER.uri

    def as_manifest(self) -> dict[str, str]:
        return {"uri": self.uri, "sslCertificateType": self.certificate}


# Until `build-model --endpoint` names a real one (example.com is reserved for examples).
PLACEHOLDER = Endpoint("https://stretch-coach.example.com/", "Trusted")


def host(uri: str) -> str | None:
    """The host of an https:// address, or None for anything else (malformed ones included)."""
    try:
        parts = urlsplit(uri)
        return parts.hostname if parts.scheme == "https" else None
    except ValueError:
        return None


def is_tunnel(uri: str) -> bool:
    name = host(uri) or ""
    return any(name == domain or name.endswith(f".{domain}") for domain in TUNNEL_DOMAINS)


def default_certificate(uri: str) -> str:
    return CERTIFICATES["wildcard" if is_tunnel(uri) else "trusted"]


def committed_endpoint(manifest_text: str) -> Endpoint | None:
    """The endpoint in an existing skill.json, so rebuilding keeps it; None if there is none."""
    try:
        endpoint = json.loads(manifest_text)["manifest"]["apis"]["custom"]["endpoint"]
        uri, certificate = endpoint["uri"], endpoint["sslCertificateType"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(uri, str) or not host(uri) or certificate not in CERTIFICATES.values():
        return None
    return Endpoint(uri, certificate)


def build_manifest(publishing: Publishing, locales: tuple[str, ...],
                   endpoint: Endpoint) -> dict[str, Any]:
    """The manifest in the shape `ask deploy` uploads (the skill package's skill.json)."""
    text = {
        "name": publishing.name,
        "summary": publishing.summary,
        "description": f"{publishing.description}\n{publishing.disclaimer}",
        "examplePhrases": list(publishing.example_phrases),
        "keywords": list(publishing.keywords),
    }
    custom: dict[str, Any] = {"endpoint": endpoint.as_manifest()}
    if publishing.screens:
        custom["interfaces"] = [{"type": "ALEXA_PRESENTATION_APL",
                                 "supportedViewports": [dict(view) for view in APL_VIEWPORTS]}]
    return {"manifest": {
        "manifestVersion": MANIFEST_VERSION,
        "publishingInformation": {
            "locales": {locale: dict(text) for locale in locales},
            "isAvailableWorldwide": publishing.available_worldwide,
            "testingInstructions": publishing.testing_instructions,
            "category": publishing.category,
        },
        "privacyAndCompliance": _privacy(publishing, locales),
        "permissions": [{"name": name} for name in PERMISSIONS],
        "apis": {"custom": custom},
        "events": {
            "endpoint": endpoint.as_manifest(),
            "subscriptions": [{"eventName": name} for name in SUBSCRIPTIONS],
        },
    }}


def _privacy(publishing: Publishing, locales: tuple[str, ...]) -> dict[str, Any]:
    answers = publishing.privacy
    privacy: dict[str, Any] = {manifest_name(key): getattr(answers, key) for key in ANSWERS}
    urls = {manifest_name(key): getattr(answers, key) for key in URLS if getattr(answers, key)}
    if urls:
        privacy["locales"] = {locale: dict(urls) for locale in locales}
    return privacy


def manifest_text(manifest: dict[str, Any]) -> str:
    """JSON exactly as the ASK CLI writes skill.json back after a deploy (JSON.stringify with
    two spaces, no final newline), so a deploy leaves the committed file unchanged."""
    return json.dumps(manifest, indent=2, ensure_ascii=False)
