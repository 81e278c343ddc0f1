"""The command line, run as a person runs it: python -m skill ..."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from skill.content.loader import routine_files

from .helpers import (
    FIXTURE_ROUTINES,
    ROOT,
    ROUTINES,
    clean_env,
    fixture,
    free_port,
    good,
    http_post,
    run,
    serving,
    stop,
    write,
)
from .pki import body_for, signed


def test_validate_checks_the_configured_routines_by_default():
    result = run("validate", env={"STRETCH_COACH_ROUTINES": str(FIXTURE_ROUTINES)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("4 routines OK: butterfly-stretch, cramp-prevention, "
                             "leg-cramp-massage, spiral-twist\n")


def test_the_shipped_routines_are_valid():
    result = run("validate")
    shipped = routine_files([ROUTINES])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{len(shipped)} routines OK: ")


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
    assert result.stderr == "error: PORT must be a whole number from 1 to 65535, got 'abc'\n"


def test_serve_in_development_mode_runs_gunicorn_and_answers_alexa():
    with serving({"ALEXA_VERIFY": "0"}, FIXTURE_ROUTINES) as (url, process):
        health = json.load(urllib.request.urlopen(f"{url}/health", timeout=5))
        assert health == {"status": "ok", "routines": 4, "verify": False}
        status, body = http_post(url, json.dumps(fixture("launch_request.json")).encode())
        assert status == 200
        assert body["response"]["outputSpeech"]["ssml"].startswith("<speak>Welcome to Stretch")
        stderr = stop(process)
    assert "DEVELOPMENT MODE (ALEXA_VERIFY=0): requests are NOT verified" in stderr
    assert "Booting worker" in stderr


def test_serve_verifies_by_default(pki):
    env = {"ALEXA_TRUSTED_ROOTS": str(pki.roots_file), "ALEXA_CERT_CACHE_DIR": str(pki.cache_dir)}
    with serving(env, FIXTURE_ROUTINES) as (url, process):
        unsigned = body_for()
        assert http_post(url, unsigned)[0] == 400
        status, body = http_post(url, unsigned, signed(pki, unsigned))
        assert status == 200 and body["response"]["outputSpeech"]
        stderr = stop(process)
    assert "DEVELOPMENT MODE" not in stderr
    assert "ALEXA_SKILL_ID is not set, so requests for ANY skill id are accepted" in stderr
    assert "request rejected: SignatureCertChainUrl: header is missing" in stderr


def test_help_does_not_wait_on_the_environment():
    result = run("--help", env={"PORT": "abc"})
    assert result.returncode == 0 and "usage: python -m skill" in result.stdout


def test_routine_schema_makes_the_folder_it_is_given(tmp_path):
    result = run("routine-schema", "--out", str(tmp_path / "new" / "folder"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new" / "folder" / "routine.schema.json").is_file()


def test_serve_help_states_the_defaults_serve_uses(capsys):
    from skill.cli import parser
    from skill.settings import Settings

    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    defaults = Settings()
    assert f"--host HOST default: HOST, else {defaults.host}" in shown
    assert f"--port PORT default: PORT, else {defaults.port}" in shown
    # Settings().workers is one per CPU, at most 64 (test_settings.py holds it to that).
    assert "--workers WORKERS default: WEB_CONCURRENCY, else one per CPU (at most 64)" in shown


def test_chat_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    script = tmp_path / "script.txt"  # answers well past a pipe's 64 KiB buffer
    script.write_text("open stretch coach\n" + "list routines\n" * 400)
    chat = subprocess.Popen([sys.executable, "-m", "skill", "chat", "--script", str(script)],
                            cwd=ROOT, env=clean_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert chat.stdout.readline().startswith("You: ")
    chat.stdout.close()  # as `| head -1` does
    assert chat.wait(timeout=60) == 1
    assert chat.stderr.read() == ""
