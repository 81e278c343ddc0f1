"""SSML text: escaping, silences, and reading SSML back as plain text with silences shown."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from xml.sax.saxutils import escape

from ..content.timing import break_chunks

# Alexa refuses output speech of 8,000 characters or more, tags included ("The text string
# must be less than 8000 characters": developer.amazon.com/en-US/docs/alexa/custom-skills/
# best-practice-text-response.html; the response format in the custom skill JSON reference
# says the same of outputSpeech, and that a whole response may not exceed 24 kilobytes, which
# tests/test_limits.py holds every response to, a hands-free run shown on a screen included).
MAX_SSML_CHARS = 8000
SPEAK_TAGS = len("<speak></speak>")
# Characters SSML (XML 1.0) cannot carry or a voice cannot say: controls, lone surrogates,
# U+FFFE and U+FFFF. Tabs and line breaks become spaces like any other whitespace.
_UNSPEAKABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Said back, what was heard keeps its words (letters and digits in any script, apostrophes,
# hyphens) and nothing else.
_NOT_A_WORD = re.compile(r"[^\w' -]")
# Words heard and said back ("I don't know a routine called ...") are kept this short.
MAX_SPOKEN_BACK = 60


def text(words: str) -> str:
    """Plain words as SSML text: markup characters escaped."""
    return escape(words)


def speakable(words: str) -> str:
    """`words` with every character SSML cannot carry dropped and whitespace collapsed."""
    return " ".join(_UNSPEAKABLE.sub(" ", words).split())


def spoken_back(words: str, limit: int = MAX_SPOKEN_BACK) -> str:
    """What someone said, fit to say back to them: words only (no punctuation that could turn
    a sentence into a second question), and cut at a word if long."""
    clean = " ".join(_NOT_A_WORD.sub(" ", speakable(words)).split())
    if len(clean) <= limit:
        return clean
    return clean[:limit].rsplit(" ", 1)[0] if " " in clean[:limit] else clean[:limit]


def silence(seconds: int) -> str:
    """`seconds` of silence as breaks of at most Alexa's ten seconds each."""
    return "".join(f'<break time="{chunk}s"/>' for chunk in break_chunks(seconds))


def join(*fragments: str) -> str:
    return " ".join(fragment for fragment in fragments if fragment)


def speak(inner: str) -> str:
    return f"<speak>{inner}</speak>"


_BREAK_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")


def break_seconds(element: ElementTree.Element) -> float:
    match = _BREAK_SECONDS.match(element.get("time", ""))
    if not match:
        return 0.0
    value = float(match.group(1))
    return value / 1000 if match.group(2) == "ms" else value


def heard(ssml: str) -> list[str | float]:
    """What a listener hears, in order: text, and seconds of silence (adjacent breaks summed)."""
    root = ElementTree.fromstring(ssml)
    pieces: list[str | float] = []

    def walk(element: ElementTree.Element) -> None:
        if element.tag == "break":
            seconds = break_seconds(element)
            if pieces and isinstance(pieces[-1], float):
                pieces[-1] += seconds
            else:
                pieces.append(seconds)
        elif element.text:
            pieces.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                pieces.append(child.tail)

    walk(root)
    return [" ".join(p.split()) if isinstance(p, str) else p for p in pieces
            if not isinstance(p, str) or p.strip()]


def to_plain(ssml: str) -> str:
    """What a listener hears, as text: silences become "[8 s]"."""
    return " ".join(f"[{piece:g} s]" if isinstance(piece, float) else piece
                    for piece in heard(ssml))
