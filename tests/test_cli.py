"""The command line, run as a person runs it: python -m skill ..."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from .conftest import ROOT, ROUTINES
from .pki import body_for, signed
from .test_content import good, write
from .test_service import fixture


def clean_env(**env: str) -> dict[str, str]:
    """This process's environment without the skill's settings, plus `env`."""
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("ALEXA_", "STRETCH_COACH_"))}
    return {**inherited, **env}


def run(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill", *args], capture_output=True, text=True,
                          cwd=ROOT, env=clean_env(**(env or {})), timeout=timeout,
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


def test_a_bad_port_is_named_not_a_traceback():
    result = run("serve", env={"PORT": "abc"})
    assert result.returncode == 2
    assert result.stderr == "error: PORT must be a positive whole number, got 'abc'\n"


@contextlib.contextmanager
def serving(env: dict[str, str]):
    """`python -m skill serve` on a free port; yields its URL and process, stops it after."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "skill", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=clean_env(STRETCH_COACH_ROUTINES=str(ROUTINES), **env),
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


def post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, dict]:
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


def test_serve_in_development_mode_runs_gunicorn_and_answers_alexa():
    with serving({"ALEXA_VERIFY": "0"}) as (url, process):
        health = json.load(urllib.request.urlopen(f"{url}/health", timeout=5))
        assert health == {"status": "ok", "routines": 9, "verify": False}
        status, body = post(url, json.dumps(fixture("launch_request.json")).encode())
        assert status == 200
        assert body["response"]["outputSpeech"]["ssml"].startswith("<speak>Welcome to Stretch")
        stderr = stop(process)
    assert "DEVELOPMENT MODE (ALEXA_VERIFY=0): requests are NOT verified" in stderr
    assert "Booting worker" in stderr


def test_serve_verifies_by_default(pki):
    env = {"ALEXA_TRUSTED_ROOTS": str(pki.roots_file), "ALEXA_CERT_CACHE_DIR": str(pki.cache_dir)}
    with serving(env) as (url, process):
        unsigned = body_for()
        assert post(url, unsigned)[0] == 400
        status, body = post(url, unsigned, signed(pki, unsigned))
        assert status == 200 and body["response"]["outputSpeech"]
        stderr = stop(process)
    assert "DEVELOPMENT MODE" not in stderr
    assert "ALEXA_SKILL_ID is not set, so requests for ANY skill id are accepted" in stderr
    assert "request rejected: SignatureCertChainUrl: header is missing" in stderr
