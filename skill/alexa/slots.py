"""Slot values, read defensively: any shape a client sends gives a value or nothing, no error."""

from __future__ import annotations

import re
from typing import Any

from ask_sdk_core.handler_input import HandlerInput

from ..coach.bedtime import Bedtime, HeardTime, PartOfDay
from ..content.catalog import Catalog
from ..content.routines import Concern, Routine
from ..voice.ssml import speakable
from . import intents

RESOLVED = "ER_SUCCESS_MATCH"
# What a person says to name something is a few words; more is not worth reading.
MAX_HEARD_CHARS = 200
# Steps are counted in ones and tens; a number longer than this is no step.
MAX_NUMBER_DIGITS = 4
# AMAZON.TIME: "HH:MM" on a 24-hour clock (Alexa sends "09:00" for "nine" alone), or a part of
# the day: MO, AF, EV or NI. ASCII digits only: int() would read other scripts' digits too.
CLOCK_VALUE = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})", re.ASCII)
PARTS_OF_DAY = {part.value: part for part in PartOfDay}


def _slot(handler_input: HandlerInput, name: str) -> Any:
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    slots = getattr(intent, "slots", None)
    return slots.get(name) if isinstance(slots, dict) else None


def heard(handler_input: HandlerInput, name: str) -> str:
    """The words heard for slot `name`, cut short and cleaned; "" if none."""
    value = getattr(_slot(handler_input, name), "value", None)
    return speakable(value[:MAX_HEARD_CHARS]) if isinstance(value, str) else ""


def resolved_id(handler_input: HandlerInput, name: str) -> str | None:
    """The id entity resolution matched for slot `name`, if any authority matched one."""
    resolutions = getattr(_slot(handler_input, name), "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or ():
        code = getattr(getattr(authority, "status", None), "code", None)
        if getattr(code, "value", None) != RESOLVED:
            continue
        for wrapper in getattr(authority, "values", None) or ():
            value_id = getattr(getattr(wrapper, "value", None), "id", None)
            if isinstance(value_id, str):
                return value_id
    return None


def routine_slot(handler_input: HandlerInput, catalog: Catalog) -> tuple[Routine | None, str]:
    """The routine the slot names (its resolved id if Alexa sent one, else the words heard),
    and the words heard."""
    words = heard(handler_input, intents.ROUTINE_SLOT)
    found = resolved_id(handler_input, intents.ROUTINE_SLOT)
    routine = catalog.get(found) if found else None
    return routine or catalog.match(words), words


def concern_slot(handler_input: HandlerInput, catalog: Catalog) -> tuple[Concern | None, str]:
    """The concern the slot names, as for routines, and the words heard."""
    words = heard(handler_input, intents.CONCERN_SLOT)
    found = resolved_id(handler_input, intents.CONCERN_SLOT)
    concern = catalog.concern(found) if found else None
    return concern or catalog.match_concern(words), words


def number_slot(handler_input: HandlerInput) -> int | None:
    """AMAZON.NUMBER arrives as ASCII digits, or as "?" when Alexa heard no number."""
    value = heard(handler_input, intents.NUMBER_SLOT)
    if value.isascii() and value.isdigit() and len(value) <= MAX_NUMBER_DIGITS:
        return int(value)
    return None


def time_slot(handler_input: HandlerInput) -> HeardTime:
    """What AMAZON.TIME heard: a clock time, a part of the day, or nothing (Alexa sends "?"
    for a time it could not make out)."""
    value = getattr(_slot(handler_input, intents.TIME_SLOT), "value", None)
    if not isinstance(value, str) or len(value) > 8:
        return HeardTime()
    found = CLOCK_VALUE.fullmatch(value.strip())
    if found and int(found["hour"]) < 24 and int(found["minute"]) < 60:
        return HeardTime(clock=Bedtime(int(found["hour"]), int(found["minute"])))
    return HeardTime(part=PARTS_OF_DAY.get(value.strip()))


def hour_slot(handler_input: HandlerInput) -> HeardTime:
    """A bare number given when a time was asked for ("nine"), which Alexa may hear as a step
    number: that hour, on the hour."""
    number = number_slot(handler_input)
    return HeardTime(clock=Bedtime(number)) if number is not None and number < 24 \
        else HeardTime()
