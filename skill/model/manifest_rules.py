"""What certification checks in a manifest that its schema cannot, as a list of problems.

Amazon's schema (ask-smapi-model, used by the tests) says which fields exist and their types;
these rules say what the values must be for this skill to pass: example phrases that the
model understands, the health disclaimer, privacy answers that agree with each other and with
the permissions, the same locales as the models, an endpoint Alexa accepts, and the
subscription that lets the skill delete a person's data.
"""

from __future__ import annotations

import re
from typing import Any

from ..untrusted import shown
from .manifest import CERTIFICATES, PERMISSIONS, SUBSCRIPTIONS, host, is_tunnel
from .publishing import ANSWERS as PRIVACY_ANSWERS
from .publishing import manifest_name
from .rules import CONNECTING_WORDS, SLOT

MAX_EXAMPLE_PHRASES = 3
WAKE = "Alexa, "
# Amazon's "Understand How Users Invoke Custom Skills": the words that open a skill by name,
# alone ("Alexa, open ...") or with a request ("Alexa, ask ... to ...").
OPENING_WORDS = ("ask", "tell", "open", "launch", "start", "begin", "load", "run", "use")
# Alexa's policy for skills that give health information or tips: the store description says
# the skill is no substitute for professional medical advice.
DISCLAIMER = "not a substitute for professional medical advice"
ANSWERS = tuple(manifest_name(field) for field in PRIVACY_ANSWERS)
# Permissions that hand the skill something identifying a person.
PERSONAL_PERMISSIONS = re.compile(r"alexa::?(profile|devices:all:address|devices:all:geolocation"
                                  r"|devices:all:coarse_location|person_id|raw_person_id|"
                                  r"customer_id)")


def manifest_problems(manifest: Any, models: dict[str, Any]) -> list[str]:
    """Everything wrong with `manifest`, given each locale's interaction model."""
    body = _get(manifest, "manifest")
    if not isinstance(body, dict):
        return ["skill.json: no manifest object"]
    return [*_locale_problems(body, models), *_privacy_problems(body),
            *_permission_problems(body), *_endpoint_problems(body), *_event_problems(body)]


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _locale_problems(body: dict, models: dict[str, Any]) -> list[str]:
    published = _get(body, "publishingInformation", "locales")
    if not isinstance(published, dict) or not published:
        return ["publishingInformation.locales: none"]
    problems = [f"locale {locale}: has a model but no publishing information"
                for locale in models if locale not in published]
    problems += [f"locale {locale}: has publishing information but no model"
                 for locale in published if locale not in models]
    for locale, text in published.items():
        where = f"publishingInformation.locales.{locale}"
        for key in ("name", "summary", "description"):
            if not isinstance(_get(text, key), str) or not _get(text, key).strip():
                problems.append(f"{where}.{key}: missing")
        description = _get(text, "description")
        if isinstance(description, str) and DISCLAIMER not in " ".join(description.lower().split()):
            problems.append(f"{where}.description: no health disclaimer (must say the skill is "
                            f"{DISCLAIMER!r})")
        if locale in models:
            problems += _phrase_problems(where, _get(text, "examplePhrases"), models[locale])
    return problems


def _phrase_problems(where: str, phrases: Any, model: Any) -> list[str]:
    if not isinstance(phrases, list) or not 1 <= len(phrases) <= MAX_EXAMPLE_PHRASES:
        return [f"{where}.examplePhrases: between 1 and {MAX_EXAMPLE_PHRASES} phrases"]
    problems = []
    texts = [phrase for phrase in phrases if isinstance(phrase, str)]
    if len(set(texts)) != len(texts):
        problems.append(f"{where}.examplePhrases: a phrase is given twice")
    for phrase in phrases:
        if not isinstance(phrase, str) or not _understood(phrase, model):
            problems.append(f"{where}.examplePhrases: {shown(phrase)} is not \"Alexa, <launch "
                            "word> <invocation name>\" followed by nothing or by one of the "
                            "model's sample utterances with real slot values")
    return problems


def _understood(phrase: str, model: Any) -> bool:
    """Whether `phrase` opens the skill, or opens it with one of the model's samples."""
    language = _get(model, "interactionModel", "languageModel") or {}
    invocation = language.get("invocationName", "")
    if not phrase.startswith(WAKE) or not invocation:
        return False
    words = " ".join(re.sub(r"[.!?]$", "", phrase[len(WAKE):]).lower().split())
    opening = re.match(rf"(?:{'|'.join(OPENING_WORDS)}) {re.escape(invocation)}(?: |$)", words)
    if not opening:
        return False
    rest = words[opening.end():]
    if not rest:
        return True
    connector, _, after = rest.partition(" ")
    utterances = [rest, after] if connector in CONNECTING_WORDS else [rest]
    return any(_sample_pattern(sample, intent, language).fullmatch(utterance)
               for intent in language.get("intents", [])
               for sample in intent.get("samples", [])
               for utterance in utterances)


def _sample_pattern(sample: str, intent: dict, language: dict) -> re.Pattern[str]:
    """`sample` with each slot replaced by the names and synonyms of its custom type."""
    types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
    values = {kind["name"]: kind.get("values", []) for kind in language.get("types", [])}
    pattern, end = "", 0
    for slot in SLOT.finditer(sample):
        names = [name for value in values.get(types.get(slot.group(1), ""), [])
                 for name in [value["name"]["value"], *value["name"].get("synonyms", [])]]
        # Built-in types (AMAZON.NUMBER) have no values here: such a phrase never matches.
        choices = "|".join(re.escape(name.lower()) for name in names) or "(?!)"
        pattern += f"{re.escape(sample[end:slot.start()])}(?:{choices})"
        end = slot.end()
    return re.compile(pattern + re.escape(sample[end:]))


def _privacy_problems(body: dict) -> list[str]:
    privacy = _get(body, "privacyAndCompliance")
    if not isinstance(privacy, dict):
        return ["privacyAndCompliance: missing"]
    problems = [f"privacyAndCompliance.{key}: must be answered true or false" for key in ANSWERS
                if not isinstance(privacy.get(key), bool)]
    if privacy.get("isExportCompliant") is False:
        problems.append("privacyAndCompliance.isExportCompliant: Amazon certifies only skills "
                        "whose developer certifies export compliance")
    if privacy.get("isChildDirected") is True:
        problems += [f"privacyAndCompliance.{key}: a skill directed at children may not "
                     f"{what}" for key, what in (("containsAds", "contain ads"),
                                                 ("usesPersonalInfo", "collect personal "
                                                  "information"))
                     if privacy.get(key) is True]
    permissions = body.get("permissions", [])
    if not isinstance(permissions, list):
        problems.append("permissions: expected a list of {\"name\": ...}")
        permissions = []
    permissions = [_get(item, "name") for item in permissions]
    personal = [name for name in permissions
                if isinstance(name, str) and PERSONAL_PERMISSIONS.match(name)]
    if personal and privacy.get("usesPersonalInfo") is not True:
        problems.append(f"privacyAndCompliance.usesPersonalInfo: must be true, the skill asks "
                        f"for {', '.join(personal)}")
    if privacy.get("usesPersonalInfo") is True or privacy.get("isChildDirected") is True:
        published = _get(body, "publishingInformation", "locales")
        for locale in published if isinstance(published, dict) else ():
            url = _get(privacy, "locales", locale, "privacyPolicyUrl")
            if not isinstance(url, str) or not url.startswith("https://"):
                problems.append(f"privacyAndCompliance.locales.{locale}.privacyPolicyUrl: "
                                "required when the skill collects personal information or is "
                                "directed at children")
    return problems


def _permission_problems(body: dict) -> list[str]:
    permissions = body.get("permissions")
    declared = {_get(item, "name") for item in permissions} \
        if isinstance(permissions, list) else set()
    return [f"permissions: no {name}: the skill asks people for it, and Alexa asks only for "
            "declared permissions" for name in PERMISSIONS if name not in declared]


def _endpoint_problems(body: dict) -> list[str]:
    endpoint = _get(body, "apis", "custom", "endpoint")
    if not isinstance(endpoint, dict):
        return ["apis.custom.endpoint: missing"]
    uri, certificate = endpoint.get("uri"), endpoint.get("sslCertificateType")
    problems = []
    if not isinstance(uri, str) or not host(uri):
        problems.append(f"apis.custom.endpoint.uri: {shown(uri)} is not an https:// address")
    if certificate not in CERTIFICATES.values():
        problems.append(f"apis.custom.endpoint.sslCertificateType: {shown(certificate)}, expected "
                        f"{' or '.join(CERTIFICATES.values())}")
    elif isinstance(uri, str) and is_tunnel(uri) and certificate != CERTIFICATES["wildcard"]:
        problems.append(f"apis.custom.endpoint.sslCertificateType: {uri} is a tunnel's address, "
                        "served under a wildcard certificate: use Wildcard")
    return problems


def _event_problems(body: dict) -> list[str]:
    events = _get(body, "events")
    names = {_get(item, "eventName") for item in _get(events, "subscriptions") or []}
    problems = [f"events.subscriptions: no {name}: {why}"
                for name, why in SUBSCRIPTIONS.items() if name not in names]
    if _get(events, "endpoint") != _get(body, "apis", "custom", "endpoint"):
        problems.append("events.endpoint: must be the skill's own endpoint "
                        "(apis.custom.endpoint), which handles the events")
    return problems
