"""The HTTP service: real Alexa JSON in, clear 4xx for anything else, no tracebacks out."""

from __future__ import annotations

import copy
import json

import pytest

from skill.coach import conversation
from skill.settings import Settings

from .helpers import ROUTINES, fixture, make_app


def post(client, body, **kwargs):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post("/", data=data, content_type="application/json", **kwargs)


def assert_clear_error(response, status: int, words: str) -> None:
    assert response.status_code == status
    assert response.is_json
    assert words in response.get_json()["error"]
    assert b"Traceback" not in response.data


def test_health_says_up_and_counts_routines(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "routines": 4, "verify": False}


def test_a_real_launch_request(fresh_client):
    client = fresh_client
    response = post(client, fixture("launch_request.json"))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["version"] == "1.0"
    assert body["response"]["outputSpeech"]["type"] == "SSML"
    assert body["response"]["outputSpeech"]["ssml"].startswith("<speak>Welcome to Stretch Coach.")
    assert body["response"]["shouldEndSession"] is False
    assert body["sessionAttributes"] == {"v": 2, "asked": "choose", "turn": 1}


def test_a_real_intent_request_with_entity_resolution(fresh_client):
    client = fresh_client
    body = post(client, fixture("intent_request.json")).get_json()
    assert body["response"]["outputSpeech"]["ssml"].startswith("<speak>Butterfly stretch.")
    assert body["sessionAttributes"] == {
        "v": 2, "asked": "next", "routine": "butterfly-stretch", "step": 0, "part": 0,
        "turn": 1}


@pytest.mark.parametrize(("body", "words"), [
    (b"", "the request body is empty"),
    (b"   ", "the request body is empty"),
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    (b"[1, 2]", "expected a JSON object"),
    (b'"hello"', "expected a JSON object"),
    (b"{}", "'version' is missing"),
])
def test_bodies_that_are_not_envelopes_get_400(client, body, words):
    assert_clear_error(post(client, body), 400, words)


@pytest.mark.parametrize(("path", "value", "words"), [
    ("request", None, "'request' is missing"),
    ("request", [], "'request' must be an object"),
    ("request.type", None, "'request.type' is missing"),
    ("request.type", 7, "'request.type' must be a string"),
    ("request.requestId", None, "'request.requestId' is missing"),
    ("request.timestamp", None, "'request.timestamp' is missing"),
    ("context", None, "'context' is missing"),
    ("context.System.application.applicationId", None, "applicationId' is missing"),
    ("session", "yes", "'session' must be an object"),
    ("request.intent", "StartRoutineIntent", "'request.intent' must be an object"),
    ("request.intent.name", None, "needs 'request.intent.name'"),
    ("request.timestamp", "yesterday-ish", "'request.timestamp' must be an ISO 8601 time"),
    ("request.timestamp", "2026-11-22T18:21:44", "with a zone"),
])
def test_envelopes_missing_what_alexa_always_sends_get_400(client, path, value, words):
    envelope = copy.deepcopy(fixture("intent_request.json"))
    *parents, last = path.split(".")
    target = envelope
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    assert_clear_error(post(client, envelope), 400, words)


def test_a_system_request_without_words_gets_an_empty_response(client):
    envelope = fixture("launch_request.json")
    envelope["request"] = {
        "type": "System.ExceptionEncountered", "requestId": "amzn1.echo-api.request.x",
        "timestamp": "2026-11-22T18:21:40Z", "locale": "en-US",
        "error": {"type": "INVALID_RESPONSE", "message": "oops"},
        "cause": {"requestId": "amzn1.echo-api.request.y"},
    }
    response = post(client, envelope)
    assert response.status_code == 200
    assert "outputSpeech" not in response.get_json()["response"]


def test_oversized_bodies_are_refused(client):
    response = post(client, b"{" + b" " * (200 * 1024) + b"}")
    assert_clear_error(response, 413, "larger than 131072 bytes")


def test_wrong_method_and_path_are_clear_json_errors(client):
    assert_clear_error(client.get("/"), 405, "method")
    assert_clear_error(client.get("/nowhere"), 404, "URL")


def test_a_failure_in_a_handler_is_a_spoken_apology_keeping_the_place(monkeypatch, person, caplog):
    person.start("butterfly")

    def broken(*args, **kwargs):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(conversation.Coach, "start", broken)
    turn = person.start("spiral twist")
    assert turn.status == 200
    assert turn.speech == "Sorry, something went wrong on my side. What would you like to do?"
    assert not turn.ends_session and turn.reprompt
    assert turn.attributes["routine"] == "butterfly-stretch"
    assert "Traceback" not in json.dumps(turn.body)
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.getMessage().startswith("request amzn1.echo-api.request.")
    assert "the database fell over" in caplog.text


def test_a_failure_outside_the_skill_is_a_500_without_a_traceback(monkeypatch, client):
    import skill.app

    def broken(body):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(skill.app, "parse_envelope", broken)
    response = post(client, fixture("launch_request.json"))
    assert_clear_error(response, 500, "internal error")
    assert b"secret internals" not in response.data


def test_the_app_refuses_invalid_content(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\n")
    with pytest.raises(Exception, match="bad.yaml: name: expected text"):
        make_app(tmp_path, tmp_path)


def test_settings_come_from_the_environment():
    settings = Settings.from_env({
        "ALEXA_VERIFY": "0", "ALEXA_SKILL_ID": "amzn1.ask.skill.a, amzn1.ask.skill.b",
        "STRETCH_COACH_ROUTINES": str(ROUTINES), "STRETCH_COACH_MAX_BODY_BYTES": "1000",
    })
    assert settings.verify is False
    assert settings.skill_ids == {"amzn1.ask.skill.a", "amzn1.ask.skill.b"}
    assert settings.routines == (ROUTINES,) and settings.max_body_bytes == 1000
    assert Settings.from_env({}).verify is True


@pytest.mark.parametrize(("name", "value"), [
    ("ALEXA_VERIFY", "maybe"), ("STRETCH_COACH_MAX_BODY_BYTES", "-5"), ("PORT", "abc"),
    ("WEB_CONCURRENCY", "0"),
])
def test_bad_settings_are_named(name, value):
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: value})
