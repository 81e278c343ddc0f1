"""Spoken numbers ("twenty one", "3") as integers, as Alexa fills AMAZON.NUMBER."""

from __future__ import annotations

UNITS = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {word: value * 10 for value, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}


def parse_number(words: str) -> int | None:
    """The number `words` say (up to 999), or None if they say something else."""
    words = words.strip().replace("-", " ")
    if words.isdigit():
        return int(words)
    hundreds, rest, last = 0, 0, None  # last: what the previous word was
    for word in words.split():
        if word == "a" and last is None:  # "a hundred"
            rest, last = 1, "unit"
        elif word == "hundred" and last == "unit" and not hundreds:
            hundreds, rest, last = rest * 100, 0, "hundred"
        elif word == "and" and last == "hundred":
            last = "and"
        elif word in TENS and last in (None, "hundred", "and"):
            rest, last = TENS[word], "ten"
        elif word in UNITS and (last in (None, "hundred", "and") or
                                (last == "ten" and UNITS[word] < 10)):
            rest, last = rest + UNITS[word], "unit"
        else:
            return None
    return hundreds + rest if last not in (None, "and") else None
