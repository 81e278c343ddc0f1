"""Amazon's rules for an interaction model, and ours, as a list of problems."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REQUIRED_BUILTINS = (
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
)
MIN_CUSTOM_SAMPLES = 10
# From Amazon's invocation name requirements.
LAUNCH_WORDS = {"run", "start", "play", "resume", "use", "launch", "ask", "open", "tell", "load",
                "begin", "enable"}
CONNECTING_WORDS = {"to", "from", "in", "using", "with", "about", "for", "that", "by", "if",
                    "and", "whether"}
WAKE_WORDS = {"alexa", "amazon", "echo", "computer", "skill", "app"}
SPOKEN = re.compile(r"[a-z' ]+")
SLOT = re.compile(r"\{([A-Za-z_]+)\}")


def normalize(sample: str) -> str:
    return " ".join(sample.lower().split())


def invocation_problems(name: str) -> list[str]:
    problems = []
    words = name.split()
    if not re.fullmatch(r"[a-z][a-z' .]*", name):
        problems.append(f"invocation name {name!r}: only lower-case letters, spaces, "
                        "apostrophes and periods")
    if len(words) < 2:
        problems.append(f"invocation name {name!r}: needs at least two words")
    for word in words:
        if word in LAUNCH_WORDS | CONNECTING_WORDS | WAKE_WORDS:
            problems.append(f"invocation name {name!r}: may not contain {word!r}")
    return problems


def sample_problems(intent: str, samples: Iterable[str], slots: set[str]) -> list[str]:
    problems = []
    used: set[str] = set()
    for sample in samples:
        named = set(SLOT.findall(sample))
        used |= named
        words = SLOT.sub("x", sample)
        if not SPOKEN.fullmatch(words) or words != words.strip() or "  " in words:
            problems.append(f"{intent}: sample {sample!r}: only lower-case words, apostrophes "
                            "and single spaces (numbers spelled out)")
        for slot in named - slots:
            problems.append(f"{intent}: sample {sample!r} names undeclared slot {{{slot}}}")
    for slot in slots - used:
        problems.append(f"{intent}: slot {slot!r} appears in no sample")
    return problems


def model_problems(model: dict[str, Any], understood: dict[str, Iterable[str]]) -> list[str]:
    """Everything wrong with `model`; `understood` are the simulator's built-in phrases."""
    language = model["interactionModel"]["languageModel"]
    problems = invocation_problems(language["invocationName"])
    types = {kind["name"]: kind for kind in language.get("types", [])}
    names = [intent["name"] for intent in language["intents"]]
    problems += [f"missing built-in intent {name}" for name in REQUIRED_BUILTINS
                 if name not in names]
    owners: dict[str, str] = {}
    for intent in language["intents"]:
        name, samples = intent["name"], intent.get("samples", [])
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        if not name.startswith("AMAZON.") and len(samples) < MIN_CUSTOM_SAMPLES:
            problems.append(f"{name}: {len(samples)} samples, at least {MIN_CUSTOM_SAMPLES}")
        problems += sample_problems(name, samples, set(slots))
        for slot, kind in slots.items():
            if not kind.startswith("AMAZON.") and kind not in types:
                problems.append(f"{name}: slot {slot!r} has undefined type {kind!r}")
        for sample in [*samples, *understood.get(name, ())]:
            owner = owners.setdefault(normalize(sample), name)
            if owner != name:
                problems.append(f"sample {sample!r} is in both {owner} and {name}")
    for kind in types.values():
        problems += _value_problems(kind)
    return problems + _bare_slot_problems(language["intents"], types, owners)


def _bare_slot_problems(intents: list[dict[str, Any]], types: dict[str, Any],
                        owners: dict[str, str]) -> list[str]:
    """A sample that is only a slot ("{routine}") makes every value a sample of its intent."""
    problems = []
    for intent in intents:
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            bare = SLOT.fullmatch(sample)
            kind = types.get(slots.get(bare.group(1), "")) if bare else None
            for value in (kind or {}).get("values", []):
                for phrase in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                    owner = owners.get(normalize(phrase), intent["name"])
                    if owner != intent["name"]:
                        problems.append(f"{kind['name']} value {phrase!r} is also a sample "
                                        f"of {owner}")
    return problems


def _value_problems(kind: dict[str, Any]) -> list[str]:
    problems = []
    seen: dict[str, str] = {}
    for value in kind["values"]:
        for phrase in [value["name"]["value"], *value["name"].get("synonyms", [])]:
            if not SPOKEN.fullmatch(phrase.lower()):
                problems.append(f"{kind['name']}: value {phrase!r}: letters, spaces and "
                                "apostrophes only")
            owner = seen.setdefault(normalize(phrase), value["id"])
            if owner != value["id"]:
                problems.append(f"{kind['name']}: {phrase!r} names both {owner} and {value['id']}")
    return problems
