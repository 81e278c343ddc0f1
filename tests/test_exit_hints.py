"""How people are told to come back: "Alexa, open stretch coach", which every device passes on
(some newer ones no longer pass "Alexa, ask <skill> to ..." to a skill that is not published),
and whose welcome offers to carry on. One-shots still work where devices pass them."""

from __future__ import annotations

import re

import yaml

from skill.alexa import intents
from skill.voice.phrases import PHRASES_FILE, mid_sentence

from .conversing import checklist

OPEN = "Alexa, open stretch coach."


def every_phrase(node) -> list[str]:
    if isinstance(node, dict):
        return [text for value in node.values() for text in every_phrase(value)]
    if isinstance(node, list):
        return [text for value in node for text in every_phrase(value)]
    return [node] if isinstance(node, str) else []


def test_nothing_the_skill_says_tells_people_to_ask_or_tell_it():
    phrases = every_phrase(yaml.safe_load(PHRASES_FILE.read_text()))
    assert not [p for p in phrases if re.search(r"\b(ask|tell) stretch coach\b", p, re.I)]
    assert [p for p in phrases if OPEN in p]


def test_pause_says_open_and_opening_offers_to_carry_on(person, fixture_catalog):
    tips = checklist(fixture_catalog)
    person.start(tips.name)
    paused = person.say(intents.PAUSE)
    assert paused.speech.endswith(f"When you're ready, say: {OPEN}") and paused.ends_session
    welcome = person.launch()
    assert welcome.speech.startswith("Welcome back. Last time you stopped at")
    assert welcome.speech.endswith("Would you like to carry on where you left off?")
    assert person.say(intents.YES).speech.startswith(f"Picking up {mid_sentence(tips.name)}")


def test_stop_says_open_and_the_one_shot_resume_still_works(person, fixture_catalog):
    tips = checklist(fixture_catalog)
    person.start(tips.name)
    stopped = person.say(intents.STOP)
    assert f"to carry on later, say: {OPEN}" in stopped.speech
    resumed = person.say(intents.RESUME)  # "Alexa, ask stretch coach to resume", a new session
    assert resumed.speech.startswith(f"Picking up {mid_sentence(tips.name)}")
