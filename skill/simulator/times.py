"""Spoken times as Alexa fills AMAZON.TIME: "HH:MM" on a 24-hour clock, the hour alone taken as
said ("nine" is "09:00", "nine p m" is "21:00"), or MO, AF, EV or NI for a part of the day."""

from __future__ import annotations

from .numbers import parse_number

PARTS = {
    "MO": ("morning", "the morning", "this morning", "in the morning"),
    "AF": ("afternoon", "the afternoon", "this afternoon", "in the afternoon"),
    "EV": ("evening", "the evening", "this evening", "in the evening"),
    "NI": ("night", "the night", "tonight", "at night", "in the night"),
}
PART_OF = {words: part for part, phrases in PARTS.items() for words in phrases}
# Words after a time that say which half of the day it is in.
HALVES = (("a m", "am"), ("am", "am"), ("in the morning", "am"), ("p m", "pm"), ("pm", "pm"),
          ("in the afternoon", "pm"), ("in the evening", "pm"), ("at night", "pm"),
          ("tonight", "pm"))
NAMED = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0)}
PAST = {"half past": 30, "quarter past": 15}


def parse_time(words: str) -> str | None:
    """The AMAZON.TIME value `words` say, or None if they say no time."""
    words = " ".join(words.replace(".", " ").replace("o'clock", " ").split())
    if words in PART_OF:
        return PART_OF[words]
    half = None
    for suffix, which in HALVES:
        if words.endswith(f" {suffix}"):
            words, half = words[:-len(suffix) - 1], which
            break
    clock = _clock(words)
    if clock is None:
        return None
    hour, minute = clock
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def _clock(words: str) -> tuple[int, int] | None:
    if words in NAMED:
        return NAMED[words]
    for lead, minutes in PAST.items():
        if words.startswith(f"{lead} "):
            hour = _hour(words[len(lead) + 1:])
            return (hour, minutes) if hour is not None else None
    if words.startswith("quarter to "):
        hour = _hour(words[len("quarter to "):])
        return ((hour - 1) % 24, 45) if hour is not None else None
    parts = words.split()
    for split in range(1, len(parts) + 1):  # "nine thirty", "twenty one fifteen", "nine"
        hour = _hour(" ".join(parts[:split]))
        minute = _minute(" ".join(parts[split:]))
        if hour is not None and minute is not None:
            return hour, minute
    return None


def _hour(words: str) -> int | None:
    number = parse_number(words) if words else None
    return number if number is not None and number < 24 else None


def _minute(words: str) -> int | None:
    if not words:
        return 0
    if words.startswith("oh "):  # "nine oh five"
        number = parse_number(words[3:])
        return number if number is not None and number < 10 else None
    number = parse_number(words)
    return number if number is not None and 10 <= number < 60 else None
