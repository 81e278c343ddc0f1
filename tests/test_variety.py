"""Varied and short: each recurring phrase has several wordings, picked predictably from the
session and turn and never the same in two turns running; a first launch and a turn of tips
fit in one breath; praise only once something was done."""

from __future__ import annotations

import itertools
import re

import pytest

from skill.alexa import intents
from skill.coach.replies import Line, Reply
from skill.coach.state import Question, State
from skill.content.routines import Kind
from skill.content.turns import TURN_WORDS
from skill.voice.speech import Speech
from skill.voice.ssml import to_plain
from skill.voice.variety import Variety, next_turn

from .helpers import Person
from .wordings import PHRASES, canonical, picked, wordings


@pytest.fixture
def catalog(fixture_catalog):
    """The routines the person talks about: the tests' own, as the skill under test serves."""
    return fixture_catalog


# The phrases said again and again: each has three or four wordings.
RECURRING = ["ask.choose", "ask.next", "ask.continue", "ask.another", "ask.resume", "ask.suggest",
             "ask.anything", "ask.relief", "welcome_again", "welcome_back", "praise", "no_rush",
             "not_understood", "goodbye", "take_your_time", "menu", "resuming", "kept",
             "fresh_start", "no_problem", "need_routine"]
FIRST_LAUNCH_WORDS = 40


def words(speech: str) -> int:
    """Words said, silences ("[5 s]") left out."""
    return len(re.sub(r"\[\d+(?:\.\d+)? s\]", " ", speech).split())


def sentences(speech: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.?!])\s+", speech) if part.strip()]


# Picking a wording.

def test_a_wording_is_picked_from_the_session_and_the_turn():
    variety = Variety("amzn1.echo-api.session.1", 7)
    assert variety.pick("ask.next", 4) == Variety("amzn1.echo-api.session.1", 7).pick("ask.next", 4)
    assert {Variety(f"session-{n}", 1).pick("ask.next", 4) for n in range(40)} == {0, 1, 2, 3}


@pytest.mark.parametrize("count", [2, 3, 4])
def test_consecutive_turns_never_pick_the_same_wording(count):
    for seed, turn in itertools.product(("a", "b", "amzn1.echo-api.session.x"), range(30)):
        variety, following = Variety(seed, turn), Variety(seed, next_turn(turn))
        assert variety.pick("ask.next", count) != following.pick("ask.next", count)


def test_one_wording_is_always_the_one():
    assert Variety("anything", 42).pick("close", 1) == 0


@pytest.mark.parametrize("key", RECURRING)
def test_each_recurring_phrase_has_three_or_four_wordings(key):
    assert 3 <= PHRASES.wordings(key) <= 4
    fields = {frozenset(re.findall(r"\{(\w+)\}", wording)) for wording in
              PHRASES.all_wordings(key)}
    assert len(fields) == 1, f"{key}: every wording fills the same fields"


def test_no_sentence_is_a_wording_of_two_phrases():
    """Each wording reads back as its own phrase's first wording, never another's."""
    for key in RECURRING:
        first = PHRASES.all_wordings(key)[0]
        for wording in PHRASES.all_wordings(key):
            filled = wording.replace("{name}", "butterfly stretch").replace(
                "{position}", "step 2 of 3").replace("{kinds}", "3 stretches")
            expected = first.replace("{name}", "butterfly stretch").replace(
                "{position}", "step 2 of 3").replace("{kinds}", "3 stretches")
            assert canonical(filled) == expected, (key, wording)


# Heard in a conversation.

def conversation(person: Person, routine_names: list[str]) -> list:
    turns = [person.launch()]
    for name in routine_names:
        turns.append(person.start(name))
        while turns[-1].attributes.get("asked") != Question.ANOTHER:
            turns.append(person.say(intents.NEXT))
        turns.append(person.say(intents.HELP))
        turns.append(person.say(intents.YES))
    turns += [person.say(intents.FALLBACK), person.say(intents.FALLBACK),
              person.say(intents.WAIT), person.say(intents.NO), person.say(intents.STOP)]
    return turns


def varied_sentences(speech: str) -> set[str]:
    """The sentences of `speech` that are a wording of a phrase with several."""
    said = set(sentences(speech))
    return {sentence for key in RECURRING for wording in PHRASES.all_wordings(key)
            for sentence in said if _is_wording(sentence, wording)}


def _is_wording(sentence: str, wording: str) -> bool:
    pattern = re.escape(wording)
    for field in set(re.findall(r"\{(\w+)\}", wording)):
        pattern = pattern.replace(re.escape("{" + field + "}"), ".+?")
    return re.fullmatch(pattern, sentence) is not None


def test_two_turns_in_a_row_never_repeat_a_phrase(person, fixture_routines):
    turns = conversation(person, fixture_routines)
    assert len(turns) > 15
    for earlier, later in itertools.pairwise(turns):
        if earlier.ends_session:
            continue  # a new session: nothing said before it is remembered
        repeated = varied_sentences(earlier.spoken) & varied_sentences(later.spoken)
        assert not repeated, (earlier.spoken, later.spoken)


def test_the_turn_after_the_one_repeated_never_repeats_it_either(person, fixture_routines):
    person.start(fixture_routines[0])
    step = person.say(intents.NEXT)
    again = person.say(intents.REPEAT)
    assert again.ssml == step.ssml  # "repeat" is said again word for word
    after = person.say(intents.NO)
    assert not varied_sentences(again.spoken) & varied_sentences(after.spoken)


def test_a_test_can_say_which_wording_a_turn_picks(person, fixture_routines):
    person.start(fixture_routines[0])
    turn = person.say(intents.NEXT)
    session = person._session["sessionId"]
    number = turn.attributes["turn"]
    key = f"ask.{turn.attributes['asked']}"
    assert turn.spoken.endswith(picked(key, session, number))


# One breath.

def test_a_first_launch_is_at_most_about_forty_words(newcomer):
    launches = []
    for _ in range(12):  # a new session each time: a spread of wordings
        newcomer.close()
        launches.append(newcomer.launch().spoken)
    assert all(words(launch) <= FIRST_LAUNCH_WORDS for launch in launches), launches


def test_every_wording_of_a_first_launch_fits(shipped_catalog):
    speech = Speech(shipped_catalog)
    lines = (Line("welcome"), Line("safety_note"), Line("menu"))
    for turn in range(12):
        reply = Reply(lines, Question.CHOOSE, State(turn=turn))
        spoken, _ = speech.render(reply, "some session")
        assert words(to_plain(spoken)) <= FIRST_LAUNCH_WORDS


def test_every_turn_of_tips_is_at_most_about_sixty_words(person, catalog):
    checklists = [routine for routine in catalog if routine.kind == Kind.CHECKLIST]
    assert checklists
    for routine in checklists:
        turn = person.start(routine.name)
        counted = [words(turn.spoken)]
        while turn.attributes.get("asked") != Question.ANOTHER:
            turn = person.say(intents.NEXT)
            counted.append(words(turn.spoken))
        assert max(counted) <= TURN_WORDS, (routine.id, counted)


# Praise for what was done.

def test_praise_only_once_holds_were_done(person, catalog):
    praise = wordings("praise")
    for routine in catalog:
        turn = person.start(routine.name)
        while turn.attributes.get("asked") != Question.ANOTHER:
            assert not any(word in turn.spoken for word in praise)
            turn = person.say(intents.NEXT)
        praised = any(word in turn.spoken for word in praise)
        assert praised == bool(routine.timed_steps), routine.id
        after = person.intent(intents.HOW_LONG)
        assert not any(word in after.spoken for word in praise)


@pytest.fixture
def fixture_routines(catalog) -> list[str]:
    """A stretch with sides, a massage and a checklist, by name, whatever the catalog."""
    kinds = {}
    for routine in catalog:
        kinds.setdefault(routine.kind, routine.name)
    return [kinds[kind] for kind in (Kind.STRETCH, Kind.MASSAGE, Kind.CHECKLIST) if kind in kinds]
