"""Every question survives a miss: a fallback, "help", "what?" or "say that again" asks the same
question again (briefly the first time, with the things to say from the second miss on), and
the answer that follows still answers it. Conversations over HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from skill.alexa import intents
from skill.simulator.envelopes import Resolution, slot
from skill.voice.phrases import mid_sentence

from .conversing import checklist, ranged_massage, stretch_with_sides
from .helpers import Person


def concern(person: Person, words: str, concern_id: str):
    filled = slot(intents.CONCERN_SLOT, words, Resolution(intents.CONCERN_SLOT_TYPE, concern_id,
                                                          words))
    return person.intent(intents.CONCERN, {intents.CONCERN_SLOT: filled})


def go_to(person: Person, number: str | None):
    return person.intent(intents.GO_TO_STEP,
                         {intents.NUMBER_SLOT: slot(intents.NUMBER_SLOT, number)})


def question(speech: str) -> str:
    """The question a response ends with: its last sentence."""
    return re.split(r"(?<=[.!?]) ", speech)[-1]


@dataclass(frozen=True)
class Pending:
    """A way to be asked one kind of question, and an answer to it and what that answer
    starts with."""

    ask: Callable[[Person, object], object]
    answer: Callable[[Person], object]
    heard: Callable[[object], str]
    choices: str  # what a second miss offers


def relief(person, fixture_catalog):
    person.launch()
    return person.say(intents.PAIN)


def suggestion(person, fixture_catalog):
    found = next(c for c in fixture_catalog.concerns
                 if not c.see_doctor and fixture_catalog.helping_with(c))
    person.launch()
    return concern(person, found.name, found.id)


def another(person, fixture_catalog):
    tips = checklist(fixture_catalog)
    turn = person.start(tips.name)
    for _ in tips.steps:
        if turn.speech.endswith("Would you like another routine?"):
            return turn
        turn = person.say(intents.NEXT)
    raise AssertionError(f"{tips.name} never ends: {turn.speech}")


def which_routine(person, fixture_catalog):
    return person.launch()


def which_step(person, fixture_catalog):
    routine, _ = ranged_massage(fixture_catalog)
    person.start(routine.name)
    return go_to(person, "?")


def ready(person, fixture_catalog):
    routine, index = stretch_with_sides(fixture_catalog)
    return person.start(routine.name)


def resume(person, fixture_catalog):
    person.start(checklist(fixture_catalog).name)
    person.say(intents.STOP)
    return person.launch()


def delete(person, fixture_catalog):
    person.launch()
    return person.say(intents.DELETE_PROGRESS)


PENDING = {
    "relief": Pending(relief, lambda p: p.say(intents.YES),
                      lambda c: ranged_massage(c)[0].name, "Say yes to try it, or no to finish."),
    "suggestion": Pending(suggestion, lambda p: p.say(intents.YES), lambda c: next(
        c.helping_with(x) for x in c.concerns if not x.see_doctor and c.helping_with(x))[0].name,
        "Say yes to start it, or no for something else."),
    "another": Pending(another, lambda p: p.say(intents.YES), lambda c: "Pick from",
                       "Say yes for another routine, or no to finish."),
    "which routine": Pending(which_routine, lambda p: p.start(checklist_name(p)),
                             lambda c: checklist(c).name, "You can say a routine name, like"),
    "which step": Pending(which_step, lambda p: go_to(p, "3"), lambda c: "Step 3 of",
                          "Say a step number, like two."),
    "ready to go on": Pending(ready, lambda p: p.say(intents.YES), lambda c: "Step 2 of",
                              "Say next to go on, repeat to hear that again, or stop to finish."),
    "resume": Pending(resume, lambda p: p.say(intents.YES),
                      lambda c: f"Picking up {mid_sentence(checklist(c).name)}",
                      "Say resume to carry on, or name another routine."),
    "delete": Pending(delete, lambda p: p.say(intents.NO), lambda c: "All right, I've kept",
                      "Say yes to delete your progress, or no to keep it."),
}
CATALOG: dict = {}


def checklist_name(person) -> str:
    return checklist(CATALOG["catalog"]).name


@pytest.fixture(autouse=True)
def _catalog(fixture_catalog):
    CATALOG["catalog"] = fixture_catalog


MISSES = {
    "a fallback": [intents.FALLBACK],
    "help": [intents.HELP],
    "what?": [intents.REPEAT],
    "two fallbacks": [intents.FALLBACK, intents.FALLBACK],
    "help, what? and a fallback": [intents.HELP, intents.REPEAT, intents.FALLBACK],
    "an intent this version does not know": ["GoToTheMoonIntent"],
}


@pytest.mark.parametrize("misses", MISSES.values(), ids=MISSES.keys())
@pytest.mark.parametrize("kind", PENDING.values(), ids=PENDING.keys())
def test_a_question_survives_misses_and_is_still_answered(person, fixture_catalog, kind, misses):
    asked = kind.ask(person, fixture_catalog)
    same = question(asked.speech)
    for intent in misses:
        again = person.say(intent)
        assert again.speech.endswith(same) and again.speech.count("?") == 1
        assert not again.ends_session and again.reprompt.endswith(same)
    answered = kind.answer(person)
    assert answered.speech.startswith(kind.heard(fixture_catalog)), answered.speech


@pytest.mark.parametrize("kind", PENDING.values(), ids=PENDING.keys())
def test_the_first_miss_is_short_and_the_second_offers_what_to_say(person, fixture_catalog, kind):
    asked = kind.ask(person, fixture_catalog)
    first = person.say(intents.FALLBACK)
    assert first.speech.startswith("Sorry, I didn't catch that.")
    assert kind.choices not in first.speech
    assert len(first.speech.split()) <= max(30, len(asked.speech.split()))
    second = person.say(intents.FALLBACK)
    assert second.speech.startswith(f"Sorry, I still didn't catch that. {kind.choices}")
    assert second.speech.endswith(question(asked.speech))


@pytest.mark.parametrize("kind", ["relief", "suggestion", "resume", "delete"])
def test_help_explains_the_choices_of_an_offer(person, fixture_catalog, kind):
    asked = PENDING[kind].ask(person, fixture_catalog)
    helped = person.say(intents.HELP)
    assert re.search(r"\bSay (yes|no)\b", helped.speech)
    assert helped.speech.endswith(question(asked.speech))


def test_what_before_a_relief_offer_says_the_offer_again(person, fixture_catalog):
    massage, _ = ranged_massage(fixture_catalog)
    relief(person, fixture_catalog)
    again = person.say(intents.REPEAT)
    name = mid_sentence(massage.name)
    assert again.speech == (f"If it's a cramp, I can talk you through {name}, which may help "
                            "ease it. Would you like to try it?")


def test_what_after_a_step_repeats_the_step_not_the_question(person, fixture_catalog):
    routine, _ = stretch_with_sides(fixture_catalog)
    step = person.start(routine.name)
    assert person.say(intents.REPEAT).ssml.endswith(step.ssml[step.ssml.index("Step 1"):])


def test_the_misses_counted_are_bounded_and_tampering_is_stale(person):
    person.launch()
    for _ in range(4):
        turn = person.say(intents.FALLBACK)
    assert turn.attributes["misses"] == 2
    person._session["attributes"] = {**turn.attributes, "misses": 3}
    assert person.say(intents.NEXT).speech.startswith("You haven't started a routine yet.")
