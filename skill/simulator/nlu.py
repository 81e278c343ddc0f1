"""Typed words to requests, the way Alexa resolves them against the interaction model.

A small stand-in for Alexa's language understanding: invocation phrases open the skill,
sample utterances (with slots) pick the intent, slot values resolve through names and
synonyms to ids (numbers and times as Alexa converts them), and anything else in a session is
AMAZON.FallbackIntent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..alexa import intents
from .envelopes import Resolution, slot
from .numbers import parse_number
from .times import parse_time

LAUNCH_VERBS = ("open", "launch", "start", "begin", "load", "use", "run")
ONE_SHOT_VERBS = ("ask", "tell", *LAUNCH_VERBS)
CONNECTORS = ("to", "for", "about", "that", "if", "whether", "and")
# Built-in slot types whose values Alexa converts: words in, the value it sends out (None:
# the words are not one, and the sample does not match).
BUILT_IN_VALUES = {"AMAZON.NUMBER": parse_number, "AMAZON.TIME": parse_time}


def normalize(utterance: str) -> str:
    """Lower case, punctuation other than apostrophes dropped, "Alexa," dropped."""
    words = re.sub(r"[^a-z0-9' ]+", " ", utterance.lower().replace("’", "'")).split()
    if words[:1] == ["alexa"]:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Heard:
    """What Alexa makes of an utterance: open the skill, an intent with slots, or neither."""

    launch: bool = False
    intent: str | None = None
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_session: bool = False

    @property
    def outside(self) -> bool:
        return not self.launch and self.intent is None


@dataclass(frozen=True)
class _Sample:
    intent: str
    text: str
    pattern: re.Pattern[str]
    slot_types: dict[str, str]
    literal_words: int

    @property
    def bare_slot(self) -> bool:
        return self.literal_words == 0


class Understanding:
    """Resolves utterances against one interaction model."""

    def __init__(self, model: dict[str, Any], understood: dict[str, tuple[str, ...]],
                 application_id: str):
        language = model["interactionModel"]["languageModel"]
        self.invocation = language["invocationName"]
        self.application_id = application_id
        self.values = {kind["name"]: kind["values"] for kind in language.get("types", [])}
        self.samples = [
            self._compile(intent, text)
            for intent in language["intents"]
            for text in [*intent.get("samples", []), *understood.get(intent["name"], ())]
        ]

    def hear(self, utterance: str, in_session: bool) -> Heard:
        words = normalize(utterance)
        invocation = re.escape(self.invocation)
        if re.fullmatch(rf"(?:{'|'.join(LAUNCH_VERBS)}) {invocation}", words):
            return Heard(launch=True)
        one_shot = re.fullmatch(rf"(?:{'|'.join(ONE_SHOT_VERBS)}) {invocation} "
                                rf"(?:(?:{'|'.join(CONNECTORS)}) )?(?P<rest>.+)", words)
        if one_shot:
            heard = self._intent(one_shot.group("rest"))
            return Heard(intent=heard.intent or intents.FALLBACK, slots=heard.slots,
                         new_session=True)
        if not in_session:
            return Heard()
        heard = self._intent(words)
        return heard if heard.intent else Heard(intent=intents.FALLBACK)

    def _intent(self, words: str) -> Heard:
        best: tuple[tuple[int, int], Heard] | None = None
        for sample in self.samples:
            match = sample.pattern.fullmatch(words)
            if not match:
                continue
            filled = self._slots(sample, match)
            if filled is None:
                continue
            slots, resolved = filled
            if sample.bare_slot and not resolved:
                continue  # "{routine}" alone only catches real routine names
            score = (int(resolved), sample.literal_words)
            if best is None or score > best[0]:
                best = (score, Heard(intent=sample.intent, slots=slots))
        return best[1] if best else Heard()

    def _slots(self, sample: _Sample, match: re.Match[str]):
        """Alexa-shaped slots for `match`, and whether every custom slot resolved; None if a
        built-in slot cannot take the words (a number that is not a number, or a time)."""
        slots, resolved = {}, True
        for name, kind in sample.slot_types.items():
            words = match.groupdict().get(name)
            if words is None:
                slots[name] = slot(name, None)
            elif kind in BUILT_IN_VALUES:
                value = BUILT_IN_VALUES[kind](words)
                if value is None:
                    return None
                slots[name] = slot(name, str(value))
            else:
                value = self._resolve(kind, words)
                resolved = resolved and value is not None
                resolution = Resolution(kind, *(value or (None, None)))
                slots[name] = slot(name, words, resolution, self.application_id)
        return slots, resolved

    def _resolve(self, kind: str, words: str) -> tuple[str, str] | None:
        """Entity resolution: the value whose name or a synonym is exactly these words."""
        for value in self.values.get(kind, []):
            names = [value["name"]["value"], *value["name"].get("synonyms", [])]
            if words in (normalize(name) for name in names):
                return value["id"], value["name"]["value"]
        return None

    @staticmethod
    def _compile(intent: dict[str, Any], text: str) -> _Sample:
        types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        pattern = ""
        for piece in re.split(r"(\{[A-Za-z_]+\})", text):
            name = piece[1:-1] if piece.startswith("{") else None
            pattern += f"(?P<{name}>.+?)" if name else re.escape(piece)
        literal = len(re.sub(r"\{[A-Za-z_]+\}", " ", text).split())
        return _Sample(intent["name"], text, re.compile(pattern), types, literal)
