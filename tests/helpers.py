"""Helpers the tests share: paths, Alexa sessions, routine files, the CLI and servers."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

from flask import Flask

from skill.alexa import intents
from skill.app import create_app
from skill.model.definitions import load_definitions
from skill.settings import DatabaseUrl, Settings
from skill.simulator.envelopes import Resolution, Session, slot
from skill.voice.ssml import MAX_SSML_CHARS, heard

from .clocks import SteadyClock
from .wordings import Heard

ROOT = Path(__file__).resolve().parents[1]
# The shipped routines, for the few tests that check them.
ROUTINES = ROOT / "routines"
FIXTURES = ROOT / "tests" / "fixtures"
# The tests' own catalog: a plain stretch, a stretch with sides, a massage whose holds are a
# range, a checklist, and the concerns they help with. The skill under test runs on it, so no
# test changes when routines/ does.
FIXTURE_ROUTINES = FIXTURES / "routines"
PACKAGE = ROOT / "interaction_model"
MODELS = PACKAGE / "interactionModels" / "custom"
SERVER_SETTINGS = {"HOST", "PORT", "WEB_CONCURRENCY", "LOG_LEVEL"}


class Person(Session):
    """Someone talking to the skill: one method per thing they can say."""

    def start(self, words: str | None, resolved_id: str | None = None, no_match: bool = False):
        resolution = None
        if resolved_id or no_match:
            resolution = Resolution(intents.ROUTINE_SLOT_TYPE, resolved_id, resolved_id)
        filled = slot(intents.ROUTINE_SLOT, words, resolution)
        return self.intent(intents.START_ROUTINE, {intents.ROUTINE_SLOT: filled})

    def say(self, intent: str):
        return self.intent(intent)

    def request(self, request):
        turn = super().request(request)
        return Heard(turn.status, turn.body)

    def event(self, request):
        turn = super().event(request)
        return Heard(turn.status, turn.body)


# Rules the validator applies that a JSON Schema cannot state: they compare a file with its
# name or with other files, phrases with each other as spoken, or one field with another.
VALIDATOR_ONLY = ("does not match the file name", "duplicate synonym", "has no words left",
                  "expected more than hold", "no concern", "in sides (")


def sqlite_url(folder: Path) -> str:
    """A database for one test (or session) of tests, in a folder of its own."""
    return f"sqlite:///{folder / 'stretch-coach.sqlite3'}"


def sqlite_database(folder: Path) -> DatabaseUrl:
    """The same, as Settings take it."""
    return DatabaseUrl.parse(sqlite_url(folder))


def make_app(folder: Path, routines: Path = FIXTURE_ROUTINES, **settings: Any) -> Flask:
    """The skill in development mode (requests not verified) on `routines`, the tests' catalog
    unless told, remembering people in a SQLite database in `folder`; `settings` as Settings
    takes them. Its clock starts on a Monday morning (clocks.py), so what depends on the hour
    does not depend on when the tests run."""
    return create_app(Settings(routines=(routines,), verify=False,
                               database=sqlite_database(folder), **settings),
                      clock=SteadyClock())


def client_sender(client):
    def send(envelope):
        response = client.post("/", json=envelope)
        return response.status_code, response.get_json()
    return send


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


GOOD = """\
    id: {id}
    name: {name}
    synonyms: [{synonym}]
    kind: stretch
    summary: A test routine.
    steps:
      - say: Get ready.
      - say: Stretch.
        hold: 8
        reps: 2
"""


def write(folder: Path, routine_id: str, text: str) -> Path:
    path = folder / f"{routine_id}.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def good(folder: Path, routine_id: str = "test-stretch", name: str = "Test stretch",
         synonym: str = "testing") -> Path:
    return write(folder, routine_id, GOOD.format(id=routine_id, name=name, synonym=synonym))


# Answers: speech where a person waits for it, a short 4xx for what is not a request.

# A person waits on an answer to these: a 200 must speak. Nothing else may: Alexa takes no
# response to a session ending (custom-skills/request-types-reference.html, SessionEndedRequest)
# and the skill has no words for the other events. A touch speaks when it names a button, and
# Alexa's answer to the skill's consent request ("AskFor") opens a session the skill speaks in.
SPOKEN_TO = frozenset({intents.LAUNCH_REQUEST, intents.INTENT_REQUEST})
TOUCH = "Alexa.Presentation.APL.UserEvent"
APOLOGY = "Sorry, something went wrong"


def speaks_to(envelope: object) -> bool | None:
    """Whether a 200 to `envelope` must speak (True), must not (False) or may (None)."""
    request = envelope.get("request") if isinstance(envelope, dict) else None
    kind = request.get("type") if isinstance(request, dict) else None
    if kind == TOUCH:
        return None
    if kind == intents.CONNECTIONS_RESPONSE:
        return request.get("name") == "AskFor"
    return isinstance(kind, str) and kind in SPOKEN_TO


def assert_short_4xx(status: int, body: dict | None) -> None:
    """A client error with a short message, or none (when the server closed the connection)."""
    assert 400 <= status < 500, (status, body)
    assert body is None or (set(body) == {"error"} and len(body["error"]) <= 500), body


def assert_sound(status: int, body: dict | None, speaks: bool | None = True) -> None:
    """A 200 that speaks exactly where `speaks` says it must (None: either way) in well-formed
    SSML within Alexa's limit, with a reprompt if the session stays open and no apology for a
    crash; or a short 4xx. Never a 5xx, and never silence where a person waits."""
    assert status < 500, body
    if status != 200:
        return assert_short_4xx(status, body)
    json.dumps(body, allow_nan=False)  # valid JSON, as Alexa reads it
    response = body["response"]
    spoken = response.get("outputSpeech")
    reprompt = response.get("reprompt", {}).get("outputSpeech")
    if speaks is not None:
        assert bool(spoken) is speaks, (f"expected {'speech' if speaks else 'silence'}", body)
    if not spoken:
        assert not reprompt, body
    for speech in (spoken, reprompt):
        if speech:
            assert ElementTree.fromstring(speech["ssml"]).tag == "speak"
            words = "".join(p for p in heard(speech["ssml"]) if isinstance(p, str))
            assert words.strip(), f"no words in {speech['ssml']!r}"
            assert len(speech["ssml"]) < MAX_SSML_CHARS
            assert APOLOGY not in speech["ssml"]
    if response.get("shouldEndSession") is False:
        assert reprompt and reprompt["ssml"], body
    return None


def walk(person: Person, routine) -> list:
    """Every turn of `routine`, from its start to "another routine?", saying next between."""
    turns = [person.start(routine.name)]
    while not turns[-1].speech.endswith("Would you like another routine?"):
        assert len(turns) <= 2 * len(routine.steps), (routine.id, turns[-1].speech)
        turns.append(person.say(intents.NEXT))
    return turns


def break_lengths(ssml: str) -> list[float]:
    """Seconds of each <break> in `ssml`, in order."""
    return [float(s) for s in re.findall(r'<break time="(\d+(?:\.\d+)?)s"/>', ssml)]


# What starts and ends a hold, as a person hears it (stretches, then massage).
HOLD_MARKS = re.compile(r"(Hold\.|Start now\.)|(And release\.|And ease off\.)")


def held_seconds(ssml: str) -> list[float]:
    """Seconds of each hold heard in `ssml`: the silence between "Hold." (or "Start now.") and
    "And release." (or "And ease off."), cues inside it included."""
    holds: list[float] = []
    holding = None
    for piece in heard(ssml):
        if isinstance(piece, float):
            if holding is not None:
                holding += piece
            continue
        for match in HOLD_MARKS.finditer(piece):
            if match.group(1):
                holding = 0.0
            elif holding is not None:
                holds.append(holding)
                holding = None
    return holds


def moving_seconds(ssml: str) -> float:
    """Seconds of silence heard outside the holds: getting ready, switching sides, resting."""
    return sum(p for p in heard(ssml) if isinstance(p, float)) - sum(held_seconds(ssml))


def hold_silences(speech: str) -> list[float]:
    """Seconds of each silence heard, in order."""
    return [float(s) for s in re.findall(r"\[(\d+(?:\.\d+)?) s\]", speech)]


def clean_env(**env: str) -> dict[str, str]:
    """This process's environment without the skill's settings, plus `env`; the database is a
    throw-away one unless `env` names one."""
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("ALEXA_", "STRETCH_COACH_", "SKILL_"))
                 and k not in SERVER_SETTINGS}
    database = sqlite_url(Path(tempfile.mkdtemp(prefix="stretch-coach-")))
    return {**inherited, "SKILL_DATABASE_URL": database, **env}


def run(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill", *args], capture_output=True, text=True,
                          cwd=ROOT, env=clean_env(**(env or {})), timeout=timeout,
                          stdin=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(env: dict[str, str], routines: Path = ROUTINES):
    """`python -m skill serve` on `routines` on a free port; yields its URL and process, stops
    it after."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "skill", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=clean_env(STRETCH_COACH_ROUTINES=str(routines), **env),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
            break
        except OSError:
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
    try:
        yield url, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)


def http_post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url + "/", data=body, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    return process.communicate(timeout=15)[1]


def committed(locale: str = "en-US") -> dict:
    return json.loads((MODELS / f"{locale}.json").read_text())


def understood() -> dict:
    return {intent.name: intent.understood for intent in load_definitions().intents}


# Raw HTTP, for what urllib will not send: slow, broken, chunked or hostile requests.

def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def head(body: bytes | None = None, *headers: str, method: str = "POST") -> bytes:
    """A request head; with `body`, a Content-Length for it."""
    lines = [f"{method} / HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             *headers]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunked(*chunks: bytes) -> bytes:
    """`chunks` in chunked transfer coding, with the last chunk."""
    return b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"


def exchange(url: str, data: bytes, timeout: float = 10,
             then_close: bool = False) -> tuple[int, dict | None]:
    """Send `data` as it is (then close the sending side, if asked), and read one response:
    its status and JSON body (None if none)."""
    with socket.create_connection(("127.0.0.1", port_of(url)), timeout=timeout) as sock:
        sock.sendall(data)
        if then_close:
            sock.shutdown(socket.SHUT_WR)
        return read_response(sock)


def read_response(sock: socket.socket) -> tuple[int, dict | None]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    body = response.read()
    return response.status, json.loads(body) if body else None


def connect(url: str, data: bytes = b"") -> socket.socket:
    """A connection that sent `data` and then nothing more."""
    sock = socket.create_connection(("127.0.0.1", port_of(url)), timeout=10)
    sock.sendall(data)
    return sock


def drain(process: subprocess.Popen) -> list[str]:
    """Collect a server's stderr as it comes, so a chatty log never fills the pipe and blocks
    it; the list grows line by line."""
    import threading

    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True).start()
    return lines
