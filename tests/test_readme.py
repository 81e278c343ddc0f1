"""The README is the front door: its commands are the ones CI runs."""

from __future__ import annotations

import re

from .helpers import ROOT


def readme_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_the_readme_opens_with_a_start_and_a_test_command():
    start, test = readme_commands()[:2]
    assert start.endswith("python -m skill serve")
    assert test.endswith("python -m pytest")


def test_ci_runs_the_readmes_test_command_verbatim():
    test = readme_commands()[1]
    assert test in (ROOT / ".ci" / "run").read_text().splitlines()
