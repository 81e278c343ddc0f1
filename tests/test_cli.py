"""The command line, run as a person runs it: python -m skill ..."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import ROOT, ROUTINES
from .test_content import good, write
from .test_service import fixture


def run(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_validate_the_shipped_routines():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("9 routines OK: butterfly-stretch,")


def test_validate_prints_every_problem_and_fails(tmp_path):
    good(tmp_path)
    write(tmp_path, "broken", "id: broken\nkind: stretch\nsteps: [{say: Go, hold: eight}]\n")
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"{tmp_path}/broken.yaml: steps[0].hold: expected seconds, got 'eight'" in lines
    assert f"{tmp_path}/broken.yaml: name: expected text, got nothing" in lines
    assert lines[-1] == "3 problem(s) found"


def test_validate_a_single_file(tmp_path):
    result = run("validate", str(good(tmp_path)))
    assert result.returncode == 0 and "1 routines OK: test-stretch" in result.stdout


def test_serve_refuses_invalid_content_and_says_why(tmp_path):
    write(tmp_path, "broken", "id: broken\n")
    result = run("serve", "--port", str(free_port()),
                 env={"ALEXA_VERIFY": "0", "STRETCH_COACH_ROUTINES": str(tmp_path)})
    assert result.returncode == 1
    assert "the routines are invalid, not starting" in result.stderr
    assert "broken.yaml: summary: expected text" in result.stderr


def test_a_bad_setting_stops_the_command():
    result = run("validate", env={"ALEXA_VERIFY": "perhaps"})
    assert result.returncode == 2 and "ALEXA_VERIFY must be 1 or 0" in result.stderr


@pytest.fixture
def dev_server():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "skill", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env={**os.environ, "ALEXA_VERIFY": "0", "STRETCH_COACH_ROUTINES": str(ROUTINES)},
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
    yield url, process
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def test_serve_runs_gunicorn_and_answers_alexa(dev_server):
    url, process = dev_server
    health = json.load(urllib.request.urlopen(f"{url}/health", timeout=5))
    assert health == {"status": "ok", "routines": 9, "verify": False}
    request = urllib.request.Request(url + "/", data=json.dumps(fixture("launch_request.json"))
                                     .encode(), headers={"Content-Type": "application/json"})
    body = json.load(urllib.request.urlopen(request, timeout=5))
    assert body["response"]["outputSpeech"]["ssml"].startswith("<speak>Welcome to Stretch Coach.")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=15)
    assert "DEVELOPMENT MODE (ALEXA_VERIFY=0): requests are NOT verified" in stderr
    assert "Booting worker" in stderr
