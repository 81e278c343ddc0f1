"""A short sound from the Alexa Skills Kit Sound Library marks the end of a long hold, unless
the person says "no sounds" (remembered); never more audio in a response than Alexa plays."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from skill.alexa import intents
from skill.app import create_app
from skill.content.routines import Kind
from skill.settings import Settings
from skill.voice import sounds
from skill.voice.ssml import heard

from .helpers import Person, client_sender, held_seconds, sqlite_database, write


@pytest.fixture
def catalog(fixture_catalog):
    """The routines the person talks about: the tests' own, as the skill under test serves."""
    return fixture_catalog



def audio(ssml: str) -> list[str]:
    return [element.get("src") for element in ElementTree.fromstring(ssml).iter("audio")]


@pytest.fixture
def massage(catalog):
    return next(routine for routine in catalog if routine.kind == Kind.MASSAGE)


def first_hold(person: Person, routine):
    turn = person.start(routine.name)
    while not held_seconds(turn.ssml):
        turn = person.say(intents.NEXT)
    return turn


def test_a_long_hold_ends_with_the_sound_then_the_release(person, massage):
    turn = first_hold(person, massage)
    assert audio(turn.ssml) == [sounds.END_OF_HOLD]
    ending = turn.ssml.split(sounds.audio(sounds.END_OF_HOLD), 1)[1]
    assert heard(f"<speak>{ending}")[0].startswith("And ease off.")
    assert held_seconds(turn.ssml) == [massage.timed_steps[0].hold]  # the sound changes no hold


def test_short_holds_play_no_sound(person, catalog):
    for routine in catalog:
        if all(step.hold and step.hold < 13 for step in routine.timed_steps) \
                and routine.timed_steps:
            assert not audio(first_hold(person, routine).ssml), routine.id


def test_no_sounds_is_said_remembered_and_undone(app, person, massage):
    off = person.intent(intents.SOUNDS_OFF)
    assert off.speech.startswith("All right, no sounds from now on.")
    assert not audio(first_hold(person, massage).ssml)
    person.say(intents.STOP)
    person.launch()  # another session: remembered
    assert not audio(first_hold(person, massage).ssml)
    assert person.intent(intents.SOUNDS_OFF).speech.startswith("The sounds are already off.")
    on = person.intent(intents.SOUNDS_ON)
    assert on.speech.startswith("All right, a sound will mark the end of each long hold.")
    assert audio(first_hold(person, massage).ssml) == [sounds.END_OF_HOLD]


def test_only_confirmed_sounds_can_be_played():
    with pytest.raises(ValueError, match="not a confirmed"):
        sounds.audio("soundbank://soundlibrary/made/up_01")
    assert sounds.audio(sounds.END_OF_HOLD) == f'<audio src="{sounds.END_OF_HOLD}"/>'


def test_a_step_with_many_long_holds_plays_at_most_five_sounds_a_response(tmp_path):
    write(tmp_path, "long-rounds", """\
        id: long-rounds
        name: Long rounds
        kind: stretch
        summary: Many long holds.
        steps:
          - say: Hold on each side.
            hold: 20
            reps: 8
            sides: [right, left]
    """)
    app = create_app(Settings(routines=(tmp_path,), verify=False,
                              database=sqlite_database(tmp_path)))
    someone = Person(client_sender(app.test_client()))
    turns = [someone.start("long rounds")]
    while turns[-1].attributes.get("asked") != "another":
        turns.append(someone.say(intents.NEXT))
    played = [len(audio(turn.ssml)) for turn in turns]
    assert max(played) <= sounds.MAX_AUDIO_TAGS
    assert sum(played) == 16  # every hold still ends with its sound
    assert sum((held_seconds(turn.ssml) for turn in turns), []) == [20] * 16
