"""The local simulator: words resolved like Alexa, real envelopes over HTTP, speech printed."""

from __future__ import annotations

import io
import json
import re

import pytest

from skill.alexa import intents
from skill.model.definitions import load_definitions
from skill.simulator.chat import Chat
from skill.simulator.envelopes import Device
from skill.simulator.nlu import Understanding
from skill.simulator.numbers import parse_number

from .helpers import client_sender, committed, run, serving, understood
from .wordings import canonical, wordings

MARKERS = re.compile(r"^(>>> request|<<< response \(HTTP \d+\))$", re.M)


def script(tmp_path, *lines: str):
    path = tmp_path / "script.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def exchanges(output: str) -> list[tuple[dict, dict]]:
    """(request, response) pairs from `chat --json` output."""
    decoder = json.JSONDecoder()
    blocks = [decoder.raw_decode(output, match.end() + 1)[0]
              for match in MARKERS.finditer(output)]
    return list(zip(blocks[::2], blocks[1::2], strict=True))


@pytest.fixture(scope="module")
def understanding():
    return Understanding(committed(), understood(), "amzn1.ask.skill.test")


def test_a_scripted_conversation(tmp_path):
    result = run("chat", "--script", str(script(
        tmp_path, "# comments and blank lines are skipped", "", "Alexa, open Stretch Coach",
        "the butterfly", "next", "go to step one", "how long is left", "it hurts", "no",
        "next", "ask stretch coach to start the spiral twist", "blah blah blah", "stop")))
    assert result.returncode == 0, result.stderr
    # each phrase read back as its first wording (the chat's sessions pick theirs at random)
    lines = [canonical(line) for line in result.stdout.splitlines()]
    assert lines[0] == "You: Alexa, open Stretch Coach"
    assert lines[1].startswith("Alexa: Welcome to Stretch Coach.")
    assert lines[3].startswith("Alexa: Butterfly stretch. A seated stretch")
    assert "Round 1 of 2. Hold. [5 s] 3 more seconds. [3 s] And release." in lines[5]
    assert lines[7] == ("Alexa: Step 1 of 2. Sit with the soles of your feet together, and hold "
                        "your toes with both hands. Ready to go on?")
    assert lines[9].startswith("Alexa: You're at step 1 of 2 of butterfly stretch")
    assert lines[11].startswith("Alexa: Let's stop here.")
    assert lines[13:15] == ["Alexa: Goodbye, and look after yourself.", "(the session has ended)"]
    assert lines[16].startswith("(Alexa would not send that to the skill: no session is open.")
    assert lines[18].startswith("Alexa: Spiral twist.")
    assert lines[20].startswith("Alexa: Sorry, I didn't catch that.")


def test_json_shows_each_request_and_response(tmp_path):
    result = run("chat", "--json", "--script", str(script(
        tmp_path, "open stretch coach", "start the horizontal stretch")))
    (launch, welcome), (start, intro) = exchanges(result.stdout)
    assert launch["request"]["type"] == "LaunchRequest" and launch["session"]["new"] is True
    assert start["session"]["new"] is False
    assert start["session"]["sessionId"] == launch["session"]["sessionId"]
    assert start["session"]["attributes"] == welcome["sessionAttributes"]
    routine = start["request"]["intent"]["slots"]["routine"]
    assert routine["value"] == "horizontal stretch"
    (authority,) = routine["resolutions"]["resolutionsPerAuthority"]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"]["id"] == "horizontal-stretch"
    assert intro["response"]["outputSpeech"]["ssml"].startswith("<speak>Horizontal stretch.")


def fill(sample: str, routine: str, concern: str) -> str:
    return sample.replace("{routine}", routine).replace("{number}", "two").replace(
        "{concern}", concern).replace("{time}", "nine p m")


def every_sample() -> list[tuple[str, str]]:
    pairs = []
    for intent in load_definitions().intents:
        for sample in (*intent.samples, *intent.understood):
            pairs.append((intent.name, sample))
    return pairs


def test_every_sample_of_every_intent_reaches_it_and_gets_a_sensible_answer(tmp_path, catalog):
    names = [name.lower() for routine in catalog for name in (routine.name, *routine.synonyms)]
    concerns = [name for concern in catalog.concerns if not concern.see_doctor
                for name in (concern.name, *concern.synonyms)]
    samples = every_sample()
    lines = []
    for number, (_, sample) in enumerate(samples):
        lines += ["open stretch coach", "the horizontal stretch",
                  fill(sample, names[number % len(names)], concerns[number % len(concerns)])]
    result = run("chat", "--json", "--script", str(script(tmp_path, *lines)), timeout=300)
    assert result.returncode == 0, result.stderr
    pairs = exchanges(result.stdout)
    assert len(pairs) == 3 * len(samples)
    for (intent, sample), (request, response) in zip(samples, pairs[2::3], strict=True):
        heard = request["request"]["intent"]["name"]
        assert heard == intent, f"{sample!r} reached {heard}, not {intent}"
        speech = response["response"]["outputSpeech"]["ssml"]
        assert not any(f"<speak>{wording}" in speech for wording in wordings("not_understood")), \
            sample
        # A reminder at a time is set once Alexa has asked for the permission, which this
        # simulated person has not given: the session ends for Alexa to ask.
        assert response["response"]["shouldEndSession"] is (
            intent in (intents.STOP, intents.CANCEL, intents.PAUSE, intents.INJURY)
            or "{time}" in sample), sample


def test_slot_values_resolve_to_ids_or_say_no_match(understanding):
    heard = understanding.hear("start the butterfly", in_session=True)
    assert heard.intent == intents.START_ROUTINE
    resolution = heard.slots["routine"]["resolutions"]["resolutionsPerAuthority"][0]
    assert resolution["values"][0]["value"] == {"name": "Butterfly stretch",
                                                "id": "butterfly-stretch"}
    unknown = understanding.hear("start yoga for cats", in_session=True)
    assert unknown.slots["routine"]["value"] == "yoga for cats"
    assert unknown.slots["routine"]["resolutions"]["resolutionsPerAuthority"][0]["status"] == {
        "code": "ER_SUCCESS_NO_MATCH"}


def test_a_bare_unknown_phrase_is_a_fallback_not_a_routine(understanding):
    assert understanding.hear("yoga for cats", in_session=True).intent == intents.FALLBACK


def test_numbers_fill_amazon_number(understanding):
    heard = understanding.hear("go to step twenty one", in_session=True)
    assert heard.intent == intents.GO_TO_STEP and heard.slots["number"]["value"] == "21"
    assert understanding.hear("go to step banana", in_session=True).intent == intents.FALLBACK


def test_invocations_open_the_skill_or_ask_it_something(understanding):
    assert understanding.hear("open stretch coach", in_session=False).launch
    assert understanding.hear("Alexa, launch stretch coach!", in_session=False).launch
    one_shot = understanding.hear("ask stretch coach how long the spiral twist takes", False)
    assert one_shot.intent == intents.HOW_LONG and one_shot.new_session
    assert understanding.hear("ask stretch coach to juggle", False).intent == intents.FALLBACK
    asked = understanding.hear("tell stretch coach to start the spiral twist", False)
    assert asked.intent == intents.START_ROUTINE and asked.new_session
    assert understanding.hear("next", in_session=False).outside


@pytest.mark.parametrize(("words", "number"), [
    ("three", 3), ("twenty one", 21), ("a hundred and five", 105), ("12", 12),
    ("two three", None), ("banana", None), ("", None),
])
def test_spoken_numbers(words, number):
    assert parse_number(words) == number


def test_realtime_waits_out_every_silence(client, understanding):
    out, slept = io.StringIO(), []
    chat = Chat(understanding, client_sender(client), Device(), out, realtime=True,
                sleep=slept.append)
    chat.play(["open stretch coach", "the butterfly stretch", "next"])
    assert slept == [5, 5, 3, 5, 5, 3]  # get ready, hold (5 + 3), rest, hold
    assert "Round 2 of 2. Hold. … 3 more seconds. … And release." in out.getvalue()


def test_a_verifying_server_is_explained_not_a_crash(tmp_path, pki):
    env = {"ALEXA_TRUSTED_ROOTS": str(pki.roots_file)}
    with serving(env) as (url, _):
        result = run("chat", "--url", url + "/", "--script",
                     str(script(tmp_path, "open stretch coach")))
    assert result.returncode == 1
    assert "(the skill answered HTTP 400: request verification failed:" in result.stdout
    assert "run that server with ALEXA_VERIFY=0" in result.stdout


def test_an_unreachable_url_is_a_clear_error(tmp_path):
    result = run("chat", "--url", "http://127.0.0.1:9/", "--script",
                 str(script(tmp_path, "open stretch coach")))
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot reach the skill at http://127.0.0.1:9/")


@pytest.mark.parametrize(("arguments", "said"), [
    (["--script", "{missing}"], "argument --script: {missing}: cannot read the file"),
    (["--script", "{folder}"], "argument --script: {folder}: not a regular file (a folder)"),
    (["--url", "localhost:8080"], "argument --url: expected an http:// or https:// URL"),
    (["--locale", "fr-FR", "--script", "{script}"],
     "error: --locale: the skill speaks en-US, en-GB, en-CA, en-AU, en-IN, not 'fr-FR'"),
])
def test_a_bad_argument_is_one_line_not_a_traceback(tmp_path, arguments, said):
    places = {"missing": tmp_path / "missing.txt", "folder": tmp_path,
              "script": script(tmp_path, "open stretch coach")}
    result = run("chat", *(argument.format(**places) for argument in arguments))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert said.format(**places) in result.stderr.splitlines()[-1]
