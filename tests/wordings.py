"""The skill's phrases as a test hears them: every wording of a phrase, and speech with each
wording read back as the phrase's first, for tests that care what is said, not which of its
wordings (voice/variety.py picks one by session and turn)."""

from __future__ import annotations

import re
from functools import cache

from skill.simulator.envelopes import Turn
from skill.voice.phrases import Phrases
from skill.voice.variety import Variety

PHRASES = Phrases.load()
FIELD = re.compile(r"\{(\w+)\}")


def wordings(key: str, **params: str) -> tuple[str, ...]:
    """Every wording of phrase `key`, filled in with `params`."""
    return tuple(PHRASES(key, pick, **params) for pick in range(PHRASES.wordings(key)))


def picked(key: str, seed: str, turn: int, **params: str) -> str:
    """The wording of `key` the response numbered `turn` in session `seed` says."""
    return PHRASES(key, Variety(seed, turn).pick(key, PHRASES.wordings(key)), **params)


@cache
def _varied() -> tuple[tuple[re.Pattern, str], ...]:
    """Each wording of every phrase that has several, as a pattern (its fields matching any
    words), and the first wording's template it reads back as."""
    found = []

    def walk(node, key):
        if isinstance(node, dict):
            for name, child in node.items():
                walk(child, f"{key}.{name}" if key else str(name))
        elif isinstance(node, list) and key != "units" and not key.startswith("units."):
            for wording in node[1:]:
                found.append((key, wording, node[0]))

    walk(PHRASES._data, "")
    patterns = []
    for _, wording, first in found:
        names = FIELD.findall(wording)
        pattern = re.escape(wording)
        for name in dict.fromkeys(names):  # a field is words within the sentence
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^.?!]+?)", 1)
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P={name})")
        # a phrase starts a sentence
        patterns.append((re.compile(r"(?:(?<=^)|(?<=[.?!:;\]] ))" + pattern), first))
    # wordings without fields first (a field matches any words), then longest first, so a
    # wording inside a longer one is not read back first
    return tuple(sorted(patterns, key=lambda item: ("(?P" in item[0].pattern,
                                                    -len(item[0].pattern))))


def canonical(speech: str) -> str:
    """`speech` with every phrase worded as its first wording."""
    for pattern, first in _varied():
        speech = pattern.sub(lambda match, first=first: first.format(**match.groupdict()),
                             speech)
    return speech


def says(speech: str, key: str, **params: str) -> bool:
    """Whether `speech` says phrase `key`, in any of its wordings."""
    return any(wording in speech for wording in wordings(key, **params))


def ends_with(speech: str, key: str, **params: str) -> bool:
    return any(speech.endswith(wording) for wording in wordings(key, **params))


class Heard(Turn):
    """A response as most tests read it: `speech` with every phrase in its first wording (which
    wording a turn picks is tested on its own), `spoken` word for word as said."""

    @property
    def speech(self) -> str:
        return canonical(super().speech)

    @property
    def reprompt(self) -> str:
        return canonical(super().reprompt)

    @property
    def spoken(self) -> str:
        return super().speech
