"""Every response is valid SSML within Alexa's limits; a step too long for one is split."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest

from skill.alexa import intents
from skill.voice.sounds import MAX_AUDIO_SECONDS, MAX_AUDIO_TAGS, SOUND_SECONDS, SOUNDS
from skill.voice.ssml import MAX_SSML_CHARS, break_seconds

from .helpers import Person, client_sender, held_seconds, make_app, moving_seconds, walk, write

MAX_RESPONSE_BYTES = 24 * 1024
ALLOWED_TAGS = {"speak", "break", "audio"}


def assert_within_limits(turn) -> None:
    body = json.dumps(turn.body).encode()
    assert len(body) < MAX_RESPONSE_BYTES
    for ssml in (turn.ssml, turn.response.get("reprompt", {}).get("outputSpeech", {}).get("ssml")):
        if not ssml:
            continue
        assert len(ssml) < MAX_SSML_CHARS
        root = ElementTree.fromstring(ssml)
        assert root.tag == "speak"
        for element in root.iter():
            assert element.tag in ALLOWED_TAGS
            if element.tag == "break":
                assert 0 < break_seconds(element) <= 10
            if element.tag == "audio":  # only the sounds listed, each confirmed by Amazon
                assert element.get("src") in SOUNDS and not list(element)
        played = len(root.findall(".//audio"))
        assert played <= MAX_AUDIO_TAGS
        assert played * SOUND_SECONDS <= MAX_AUDIO_SECONDS


def test_every_response_of_every_shipped_routine_is_within_limits(shipped_person,
                                                                 shipped_catalog):
    person = shipped_person
    turns = [person.launch(), person.say(intents.HELP), person.say(intents.FALLBACK)]
    for routine in shipped_catalog:
        turns += walk(person, routine)
        turns += [person.say(intents.HELP), person.say(intents.REPEAT),
                  person.say(intents.PAUSE), person.say(intents.PREVIOUS)]
    for turn in turns:
        assert turn.status == 200
        assert_within_limits(turn)


@pytest.fixture
def marathon(tmp_path):
    """A routine whose one step holds far more silence than one response can carry."""
    write(tmp_path, "marathon", """\
        id: marathon
        name: Marathon hold
        kind: stretch
        summary: Far too long.
        safety: Only a test.
        steps:
          - say: Get comfortable.
          - say: Hold on each side, for a long time.
            hold: 600
            reps: 20
            rest: 120
            sides: [right, left, front, back]
    """)
    return Person(client_sender(make_app(tmp_path, tmp_path).test_client()))


def test_a_step_too_long_for_one_response_is_split_across_responses(marathon):
    marathon.start("marathon")
    parts = [marathon.say(intents.NEXT)]
    while parts[-1].speech.endswith("Ready to carry on?"):
        parts.append(marathon.say(intents.NEXT))
    assert len(parts) > 10
    for turn in parts:
        assert_within_limits(turn)
    spoken = " ".join(turn.speech for turn in parts)
    ssml = "<speak>" + " ".join(turn.ssml[7:-8] for turn in parts) + "</speak>"
    assert held_seconds(ssml) == [600] * 20 * 4
    # get ready; switch sides three times a round; rest between rounds
    assert moving_seconds(ssml) == 5 + 20 * 3 * 5 + 19 * 120
    assert spoken.count("Round ") == 20 and spoken.count("all done") == 1
    assert parts[-1].speech.endswith("Would you like another routine?")


def test_repeat_and_previous_work_on_parts_of_a_split_step(marathon):
    marathon.start("marathon")
    first = marathon.say(intents.NEXT)
    second = marathon.say(intents.NEXT)
    assert marathon.say(intents.REPEAT).ssml == second.ssml
    assert marathon.say(intents.PREVIOUS).speech == first.speech
    assert marathon.say(intents.YES).speech == second.speech
