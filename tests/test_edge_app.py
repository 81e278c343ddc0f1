"""The app's edge: bodies that are not JSON or not envelopes get a 400 in the service's own words,
naming the field where it can; nothing a client sends is echoed at length; one log line each."""

from __future__ import annotations

import copy
import json
import logging
import re
import tempfile
from pathlib import Path

import pytest

from skill.alexa.envelope import MAX_DEPTH, BadRequest, depth, parse_envelope

from .helpers import fixture, make_app
from .pki import SKILL_ID, body_for, post, signed

PYTHON_WORDS = re.compile(r"object has no attribute|not iterable|indices must be|<class |"
                          r"discriminator|Traceback|sys\.|Exceeds the limit|Errno")


def send(client, body: bytes | dict):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/", data=data, content_type="application/json")


def assert_400(response, words: str) -> str:
    assert response.status_code == 400, response.data
    message = response.get_json()["error"]
    assert words in message
    assert not PYTHON_WORDS.search(message)
    return message


@pytest.mark.parametrize(("body", "words"), [
    (b"[" * 1000, f"nested more than {MAX_DEPTH} levels deep"),
    (b'{"a":' * 5000 + b"1" + b"}" * 5000, f"nested more than {MAX_DEPTH} levels deep"),
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), f"nested more than {MAX_DEPTH} levels"),
    (b'{"version": NaN}', "NaN is not a JSON number"),
    (b'{"version": -Infinity}', "-Infinity is not a JSON number"),
    (b'{"version": 1e999}', "the number '1e999' is out of range"),
    (b'{"version": ' + b"9" * 5000 + b"}", "a number has too many digits"),
    (b'{"version": "1.0",}', "not valid JSON: Expecting property name enclosed in double quotes"
                             " at line 1, column 19"),
    (b'{"version": "\xff"}', "not valid JSON: it is not UTF-8 text"),
])
def test_bodies_that_are_not_json_say_why_in_plain_words(client, body, words):
    assert_400(send(client, body), words)


def test_json_just_within_the_depth_limit_is_read():
    assert depth([[[]]]) == 3 and depth({"a": [1, {"b": {}}]}) == 4 and depth(7) == 0
    nested = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    with pytest.raises(BadRequest, match="expected a JSON object"):
        parse_envelope(nested)


def at(envelope: dict, path: str, value) -> dict:
    changed = copy.deepcopy(envelope)
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target[key]
    target[last] = value
    return changed


@pytest.mark.parametrize(("path", "value", "words"), [
    ("request.intent.slots", [], "'request.intent.slots' must be an object"),
    ("request.intent.slots", "routine", "'request.intent.slots' must be an object"),
    ("request.intent.slots.routine", 7, "'request.intent.slots.routine' must be an object"),
    ("request.intent.slots.routine.resolutions.resolutionsPerAuthority", "x",
     "'request.intent.slots.routine.resolutions.resolutionsPerAuthority' must be a list"),
    ("request.intent.confirmationStatus", "MAYBE",
     "'request.intent.confirmationStatus' is not one of the values Alexa sends: got 'MAYBE'"),
    ("request.dialogState", "WHAT", "'request.dialogState' is not one of the values"),
    ("request.type", "Alexa.Bogus", "'request.type' is not a type this skill knows: "
                                    "got 'Alexa.Bogus'"),
    ("session.user", "someone", "'session.user' must be an object"),
    ("session.application", 7, "'session.application' must be an object"),
    ("context.System.device", 5, "'context.System.device' must be an object"),
])
def test_envelopes_the_sdk_cannot_read_name_the_field(client, path, value, words):
    envelope = at(fixture("intent_request.json"), path, value)
    message = assert_400(send(client, envelope), words)
    assert message.startswith("not an Alexa request envelope: ")


def test_a_field_inside_a_list_is_named_with_its_index(client):
    envelope = fixture("intent_request.json")
    routine = envelope["request"]["intent"]["slots"]["routine"]
    routine["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] = "ER_WHATEVER"
    assert_400(send(client, envelope), "'request.intent.slots.routine.resolutions."
                                       "resolutionsPerAuthority[0].status.code' is not one of")


def test_a_client_value_in_an_error_is_quoted_and_cut_short(client):
    envelope = at(fixture("intent_request.json"), "request.type", "X" * 100_000 + "\x00")
    response = send(client, envelope)
    message = assert_400(response, "is not a type this skill knows: got 'XXXX")
    assert len(response.data) < 500 and "\x00" not in message


def test_a_forged_request_with_a_huge_skill_id_gets_a_short_answer_and_log_line(
        verified_app, pki, caplog):
    body = body_for(skill_id="amzn1.ask.skill." + "A" * 60_000)
    response = post(verified_app, body, signed(pki, body))
    assert_400(response, "request verification failed: skill id: ")
    assert len(response.data) < 1000
    (line,) = [r.getMessage() for r in caplog.records if r.name == "skill.app"]
    assert len(line) < 1000 and "request rejected: skill id" in line


# The request log: one line per POST, whatever became of it.

def request_lines(caplog) -> list[dict[str, str]]:
    """The fields of each request line logged: key=value pairs after 'POST / <status> <ms> ms'."""
    lines = []
    for record in caplog.records:
        match = re.fullmatch(r"POST / (\d{3}) ([\d.]+) ms (.*)", record.getMessage())
        if record.name == "skill.app" and match:
            fields = dict(re.findall(r"(\w+)=('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|-)",
                                     match.group(3)))
            lines.append({"status": match.group(1), "ms": match.group(2),
                          "level": record.levelname, **fields})
    return lines


def test_a_request_is_logged_with_its_id_type_intent_status_latency_and_user(client, caplog):
    caplog.set_level(logging.INFO, "skill.app")
    send(client, fixture("intent_request.json"))
    (line,) = request_lines(caplog)
    assert line == {
        "status": "200", "ms": line["ms"], "level": "INFO",
        "request": "'amzn1.echo-api.request.7f3c1a0e-2b5d-4e88-a1c9-3d6e0f2b8c47'",
        "type": "'IntentRequest'", "intent": "'StartRoutineIntent'",
        "user": "'amzn1.ask.account.AEXAMPLEUSERID'",
    }
    assert float(line["ms"]) > 0


def test_the_log_line_holds_nothing_personal_but_the_opaque_user_id(client, caplog):
    caplog.set_level(logging.INFO, "skill.app")
    envelope = fixture("intent_request.json")
    send(client, envelope)
    (record,) = [r for r in caplog.records if r.name == "skill.app"]
    text = record.getMessage()
    for private in ("butterfly", "Butterfly", "asked", "choose", "deviceId", "apiAccessToken",
                    envelope["context"]["System"]["apiAccessToken"], "sessionId"):
        assert private not in text


def test_refused_requests_are_logged_as_warnings_with_the_reason(client, caplog):
    send(client, b"{nope")
    send(client, at(fixture("launch_request.json"), "request.type", "Bogus"))
    first, second = request_lines(caplog)
    assert first == {"status": "400", "ms": first["ms"], "level": "WARNING", "request": "-",
                     "type": "-", "intent": "-", "user": "-",
                     "error": "'the request body is not valid JSON: Expecting property name "
                              "enclosed in double quotes at line 1, column 2'"}
    assert second["type"] == "'Bogus'" and "is not a type this skill knows" in second["error"]


def test_a_request_that_is_too_large_is_logged_too(client, caplog):
    client.post("/", data=b" " * 200_000, content_type="application/json")
    (line,) = request_lines(caplog)
    assert line["status"] == "413" and "larger than 131072 bytes" in line["error"]


def test_log_lines_stay_short_whatever_the_client_sends(client, caplog):
    caplog.set_level(logging.INFO, "skill.app")
    huge = "\x1b[31m" + "Z" * 50_000
    envelope = fixture("intent_request.json")
    envelope["request"]["requestId"] = huge
    envelope["request"]["intent"]["name"] = huge
    envelope["context"]["System"]["user"]["userId"] = huge
    send(client, envelope)
    (record,) = [r for r in caplog.records if r.name == "skill.app"]
    assert len(record.getMessage()) < 600 and "\x1b" not in record.getMessage()


def test_a_skill_id_check_failure_in_development_mode_is_a_400_naming_the_check(pki):
    app = make_app(Path(tempfile.mkdtemp()), skill_ids=frozenset({SKILL_ID}))
    response = post(app, body_for(skill_id="amzn1.ask.skill.other"), {})
    assert_400(response, "request verification failed: skill id")


def test_keys_that_name_python_attributes_are_ignored_not_obeyed(fresh_client):
    client = fresh_client
    envelope = fixture("launch_request.json")
    envelope["__dict__"] = {}
    envelope["request"]["object_type"] = "IntentRequest"
    envelope["request"]["__class__"] = "x"
    envelope["context"]["System"]["to_dict"] = 5
    response = send(client, envelope)
    assert response.status_code == 200
    assert response.get_json()["response"]["outputSpeech"]["ssml"].startswith(
        "<speak>Welcome to Stretch Coach.")
