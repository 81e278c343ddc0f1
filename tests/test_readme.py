"""The README is the front door: its commands are the ones CI runs, its conversation is what the
skill says, and it stays short (the manual is docs/)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request

from .helpers import ROOT, clean_env, fixture, free_port, http_post, run, stop
from .wordings import canonical

README = (ROOT / "README.md").read_text()
# The issue that split the manual out of the README: "at most about 150 lines".
MAX_LINES = 150


def readme_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def readme_conversation() -> list[tuple[str, str]]:
    """(what the person says, what Alexa answers) from the README's `chat` transcript, each
    answer's wrapped lines joined again."""
    block = re.search(r"```\n\$ \S+ -m skill chat\n(.*?)```", README, re.S).group(1)
    turns: list[list[str]] = []
    for line in block.splitlines():
        if line.startswith("You: "):
            turns.append([line.removeprefix("You: "), ""])
        elif line.startswith("Alexa: "):
            turns[-1][1] = line.removeprefix("Alexa: ")
        else:
            turns[-1][1] += " " + line.strip()
    return [(said, heard) for said, heard in turns]


def test_the_readme_opens_with_a_start_and_a_test_command():
    start, test = readme_commands()[:2]
    assert start.endswith("python -m skill serve")
    assert test.endswith("python -m pytest")


def test_the_start_command_needs_no_database_set_up(tmp_path):
    """`serve` with every setting left to its default, in a folder with nothing in it."""
    port = free_port()
    env = {key: value for key, value in clean_env(ALEXA_VERIFY="0").items()
           if key != "SKILL_DATABASE_URL"}
    process = subprocess.Popen([sys.executable, "-m", "skill", "serve", "--port", str(port)],
                               cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
    try:
        while process.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        assert process.poll() is None, process.communicate()
        status, body = http_post(url, json.dumps(fixture("launch_request.json")).encode())
        assert status == 200 and "Welcome" in json.dumps(body), body
    finally:
        stop(process)
    assert (tmp_path / "data").is_dir()


def test_ci_runs_the_readmes_test_command_verbatim():
    test = readme_commands()[1]
    assert test in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_readmes_conversation_is_what_the_skill_says(tmp_path):
    conversation = readme_conversation()
    assert len(conversation) >= 3
    script = tmp_path / "script.txt"
    script.write_text("".join(f"{said}\n" for said, _ in conversation))
    result = run("chat", "--script", str(script))
    assert result.returncode == 0, result.stderr
    # each phrase read back as its first wording, as the README gives it
    answers = [canonical(line.removeprefix("Alexa: ")) for line in result.stdout.splitlines()
               if line.startswith("Alexa: ")]
    assert len(answers) == len(conversation)
    for (said, shown), answer in zip(conversation, answers, strict=True):
        # "..." in the README stands for words left out; the rest is verbatim, in order.
        pattern = ".*".join(re.escape(part.strip()) for part in shown.split("..."))
        assert re.fullmatch(pattern, answer), f"after {said!r} the skill says:\n{answer}"


def test_the_readme_stays_a_front_door():
    assert len(README.splitlines()) <= MAX_LINES
