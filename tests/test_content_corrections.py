"""The shipped routines, corrected line by line against the articles (issue 17): each
correction heard where a person hears it, and every quotation in a routine file's comments
found in the article it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skill.alexa import intents
from skill.app import create_app
from skill.content.loader import load_catalog, routine_files
from skill.content.routines import Kind
from skill.settings import Settings
from skill.simulator.envelopes import Resolution, slot

from .helpers import ROOT, ROUTINES, Person, client_sender, held_seconds, sqlite_database

ARTICLES = ROOT / "tests" / "fixtures" / "articles"
SHIPPED = load_catalog([ROUTINES])


def article(number: str) -> str:
    (path,) = ARTICLES.glob(f"{number}_*.txt")
    return _plain(path.read_text(encoding="utf-8"))


def _plain(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


@pytest.fixture(scope="module")
def shipped_app(tmp_path_factory):
    """The skill with the routines it ships (whatever catalog the other tests use)."""
    return create_app(Settings(routines=(ROUTINES,), verify=False,
                               database=sqlite_database(tmp_path_factory.mktemp("shipped"))))


@pytest.fixture
def listener(shipped_app) -> Person:
    """Someone who has heard the safety note before."""
    person = Person(client_sender(shipped_app.test_client()))
    person.launch()
    person.say(intents.STOP)
    return person


def concern(person: Person, concern_id: str):
    name = SHIPPED.concern(concern_id).name
    filled = slot(intents.CONCERN_SLOT, name, Resolution(intents.CONCERN_SLOT_TYPE, concern_id,
                                                         name))
    return person.intent(intents.CONCERN, {intents.CONCERN_SLOT: filled})


# Traced: every quotation in a comment is the article's own words.

def comment_blocks(path: Path) -> list[str]:
    """The file's comments, consecutive whole-line comments joined into one block."""
    blocks, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and not stripped.startswith("# yaml-language-server"):
            current.append(stripped.lstrip("#").strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


SKILLS_OWN_WORDS = " ".join(
    (ROOT / "skill" / "voice" / "phrases.yaml").read_text(encoding="utf-8").split())
QUOTED = [(path.name, block) for path in routine_files([ROUTINES])
          for block in comment_blocks(path) if re.search(r"\b00[0-4]\b", block) and '"' in block]


@pytest.mark.parametrize(("file", "block"), QUOTED)
def test_every_quotation_in_a_comment_is_in_an_article_it_names(file, block):
    named = set(re.findall(r"\b(00[0-4])\b", block))
    for quotation in re.findall(r'"([^"]+)"', block):
        if quotation in SKILLS_OWN_WORDS:
            continue  # what the coach itself says, quoted beside the article's words
        # an elision (" ... ") leaves pieces each of which the article says
        for piece in quotation.split("..."):
            words = _plain(piece).strip().rstrip(".")
            assert any(words in article(number) for number in named), (file, quotation)


def test_the_corrections_are_traced_to_the_articles():
    quoted = " ".join(block for _, block in QUOTED)
    assert "avoid excessive fatigue" in quoted
    assert "resume exercise slowly after no pain symptoms" in quoted


# The corrections, as a person hears them.

def test_knee_care_announces_no_count_its_tips_contradict(listener):
    routine = SHIPPED.get("knee-care")
    numbers = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
    said = [numbers[word] for word in re.findall(r"[a-z]+", routine.summary.lower())
            if word in numbers]
    assert said in ([], [len(routine.steps)])
    intro = listener.start("knee care")
    assert f"There are {len(routine.steps)} tips" in intro.speech
    assert "Three habits" not in intro.speech


def test_the_massage_places_zusanli_and_yanglingquan_by_their_standard_descriptions(listener):
    listener.start("leg cramp massage")
    heard = " ".join(listener.say(intents.NEXT).speech for _ in range(4))
    assert ("Zusanli point, four finger widths below the bottom of your kneecap and one finger "
            "width to the outside of your shin bone") in heard
    assert ("Yanglingquan point, in the hollow in front of and below the small bony bump on "
            "the outside of your leg") in heard


@pytest.mark.parametrize("routine_id", [
    *(routine.id for routine in SHIPPED if routine.kind == Kind.STRETCH), "tired-legs"])
def test_the_stretches_and_tired_legs_say_not_to_overtire_yourself(listener, routine_id):
    routine = SHIPPED.get(routine_id)
    assert routine.safety and "overtire" in routine.safety
    assert routine.safety in listener.start(routine.name).speech


def test_knee_care_before_running_says_to_return_slowly_once_the_pain_has_gone(listener):
    intro = listener.start("knee care before running")
    assert "wait until the pain has gone, then return to running slowly" in intro.speech


def test_someone_with_cramps_at_night_hears_the_bedtime_stretching_tip_first(listener):
    suggested = concern(listener, "night-cramps")
    assert "cramp prevention tips" in suggested.speech
    first = listener.say(intents.YES)
    tips = first.speech.split("Tip 1. ", 1)[1]
    assert tips.startswith("If you often get cramps at night, do some stretching before bed")


def test_someone_with_pain_behind_the_knee_hears_the_hot_compress_tip_first(listener):
    suggested = concern(listener, "back-of-knee-pain")
    assert "tired legs" in suggested.speech
    first = listener.say(intents.YES)
    tips = first.speech.split("Tip 1. ", 1)[1]
    assert tips.startswith("If the back of your knee aches after hiking or climbing stairs, a "
                           "hot compress or a massage can relieve it.")


def test_the_spiral_twists_left_side_is_spelled_out_the_first_time(listener):
    listener.start("spiral twist")
    step = listener.say(intents.NEXT)
    left = ("Now the left side. Cross your left leg over your right, keeping your left leg "
            "straight. Twist your upper body, support yourself on the floor with your left "
            "hand, and bring your right elbow close to your left knee.")
    assert step.speech.count(left) == 1
    assert step.speech.index("Round 1 of 3.") < step.speech.index(left) \
        < step.speech.index("Round 2 of 3.")
    # later rounds name the side, its instruction heard already
    assert step.speech.count("Now the left side, the same the other way.") == 2
    assert held_seconds(step.ssml) == [10] * 6


def test_the_holds_rounds_and_sides_are_still_the_articles():
    numbers = {routine.id: [(step.hold, step.hold_up_to, step.reps, step.sides)
                            for step in routine.timed_steps] for routine in SHIPPED}
    assert numbers["spiral-twist"] == [(10, None, 3, ("right", "left"))]
    assert numbers["butterfly-stretch"] == [(8, None, 2, ())]
    assert numbers["horizontal-stretch"] == [(10, None, 4, ())]
    assert numbers["leg-cramp-massage"] == [(30, 60, 1, ())] * 5
