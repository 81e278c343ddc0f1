"""Whatever a client puts in a conversation's slots and session attributes, the answer is a
200 with well-formed speech within Alexa's limits (and a reprompt if the session stays open),
or a plain 4xx: never a 5xx, an apology for a crash, or invalid JSON."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa import intents
from skill.coach.state import ATTRIBUTE_TYPES, Question
from skill.model.definitions import load_definitions
from skill.simulator.envelopes import Device, event_request, intent_request, launch_request, slot

from .helpers import assert_sound, speaks_to

HOSTILE = settings(max_examples=60, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


def send(client, envelope: dict) -> tuple[int, dict]:
    response = client.post("/", data=json.dumps(envelope), content_type="application/json")
    return response.status_code, response.get_json()


# Every request type, with or without a session.

@pytest.mark.parametrize("request_body", [
    launch_request(), intent_request(intents.NEXT), intent_request(intents.START_ROUTINE),
    event_request("SessionEndedRequest", {"reason": "USER_INITIATED"}),
    event_request("Alexa.Presentation.APL.UserEvent", {"arguments": [intents.NEXT]}),
    event_request("AlexaSkillEvent.SkillDisabled"), event_request("AudioPlayer.PlaybackFailed"),
    event_request("System.ExceptionEncountered"), event_request("CanFulfillIntentRequest"),
], ids=lambda request: request["type"])
@pytest.mark.parametrize("with_session", [True, False])
def test_every_request_type_with_or_without_a_session_gets_a_valid_response(
        client, request_body, with_session):
    session = {"new": True, "sessionId": "amzn1.echo-api.session.x"} if with_session else None
    envelope = Device().envelope(request_body, session)
    status, body = send(client, envelope)
    assert status == 200, body
    assert_sound(status, body, speaks_to(envelope))


# What was heard, spoken back.

@pytest.mark.parametrize("words", [
    "yoga\x00for\x07cats", "cats \ud800 dogs", "\ufffe\uffff", "<speak>&amp;</speak>", "x" * 10_000,
    "what?", "\u202e\u200bmirror", "la" * 5000 + " end",
])
def test_whatever_was_heard_is_said_back_as_well_formed_bounded_speech(person, words):
    person.launch()
    turn = person.start(words)
    assert_sound(turn.status, turn.body)
    assert turn.speech.count("?") == 1


# Session attributes.

@pytest.mark.parametrize("attributes", [
    {"v": 2, "asked": "next", "routine": "spiral-twist", "step": 0, "part": 0,
     "evil": {"a": [1] * 1000}, "__proto__": 1},
    {"v": 2, "routine": "spiral-twist", "step": 1e999 if False else 10**30, "part": 0},
    {"v": 2, "routine": "x" * 100_000, "step": 0, "part": 0},
    {"v": 2, "pace": -1, "hold": 99},
    {"v": 2, "concern": "no-such-concern", "choice": 0, "asked": "suggest"},
    [1, 2, 3], "attributes", None, {"v": True},
])
def test_odd_session_attributes_are_dropped_and_the_reply_is_sound(person, attributes):
    person.launch()
    person._session["attributes"] = attributes
    turn = person.say(intents.NEXT)
    assert turn.status == 200
    assert_sound(turn.status, turn.body)
    assert set(turn.attributes) <= set(ATTRIBUTE_TYPES)


# Odd slot shapes.

@pytest.mark.parametrize("routine_slot", [
    {"name": "routine", "value": "butterfly", "resolutions": {"resolutionsPerAuthority": [None]}},
    {"name": "routine", "value": "butterfly",
     "resolutions": {"resolutionsPerAuthority": [{"status": {"code": "ER_SUCCESS_MATCH"},
                                                  "values": [{}]}]}},
    {"name": "routine", "value": "butterfly",
     "resolutions": {"resolutionsPerAuthority": [{"status": {"code": "ER_SUCCESS_MATCH"},
                                                  "values": [{"value": None}]}]}},
    {"name": "routine", "value": None, "resolutions": {}},
    {"name": "routine"},
])
def test_odd_routine_slots_are_read_without_an_apology(person, routine_slot):
    turn = person.intent(intents.START_ROUTINE, {"routine": routine_slot})
    assert_sound(turn.status, turn.body)


@pytest.mark.parametrize("number", ["²", "9" * 5000, "-3", "2.5", "", "?", " 4 ", "٣"])
def test_odd_numbers_are_read_without_an_apology(person, number):
    person.start("leg cramp massage")
    turn = person.intent(intents.GO_TO_STEP, {intents.NUMBER_SLOT: slot(intents.NUMBER_SLOT,
                                                                        number)})
    assert_sound(turn.status, turn.body)
    assert turn.speech.count("?") == 1


# Property tests: any slot value, any session attributes.

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                      children, max_size=4),
    max_leaves=20)
INTENTS = st.sampled_from([intents.START_ROUTINE, intents.CONCERN, intents.GO_TO_STEP,
                           intents.HOW_LONG, intents.NEXT, intents.YES, intents.NO])
SLOT_NAMES = st.sampled_from([intents.ROUTINE_SLOT, intents.CONCERN_SLOT, intents.NUMBER_SLOT])


@HOSTILE
@given(intent=INTENTS, name=SLOT_NAMES, value=JSON_VALUES, text=st.text(max_size=300))
def test_any_slot_gets_a_sound_reply(person, intent, name, value, text):
    filled = {"name": name, "value": text, "resolutions": value}
    status, body = person.send(person.device.envelope(
        intent_request(intent, {name: filled}), {"new": False, "sessionId": "s"}))
    assert_sound(status, body)


@HOSTILE
@given(attributes=st.dictionaries(
    st.sampled_from(["v", "asked", "routine", "step", "part", "offer", "offer_step", "concern",
                     "choice", "pace", "hold", "other"]),
    JSON_VALUES | st.sampled_from([2, "next", "spiral-twist", "sore-legs", 0, 1]), max_size=8),
    intent=INTENTS)
def test_any_session_attributes_get_a_sound_reply(person, attributes, intent):
    envelope = person.device.envelope(intent_request(intent),
                                      {"new": False, "sessionId": "s", "attributes": attributes})
    status, body = person.send(envelope)
    assert status == 200
    assert_sound(status, body)
    assert all(not isinstance(value, float) or math.isfinite(value)
               for value in (body.get("sessionAttributes") or {}).values())


SUBJECTS = {"place": {"routine": "spiral-twist", "step": 1, "part": 0},
            "offer": {"offer": "spiral-twist", "offer_step": 0},
            "suggestion": {"concern": "sore-legs", "choice": 0}}


@pytest.mark.parametrize("asked", [None, *(question.value for question in Question)])
def test_every_question_with_or_without_its_subject_gets_a_sound_answer_to_any_intent(
        person, asked):
    for count in range(len(SUBJECTS) + 1):
        for subjects in itertools.combinations(SUBJECTS, count):
            attributes = {"v": 2, **({"asked": asked} if asked else {})}
            for subject in subjects:
                attributes.update(SUBJECTS[subject])
            for intent in INTENT_NAMES:
                status, body = person.send(person.device.envelope(
                    intent_request(intent), {"new": False, "sessionId": "s",
                                             "attributes": attributes}))
                assert_sound(status, body)


INTENT_NAMES = [intent.name for intent in load_definitions().intents]
