"""bench/scale.py at a small size, so the benchmark cannot rot: it fills the database, asks
every kind of person every kind of request, and erases what they asked to forget. Its figures
are for reading, not asserting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .helpers import ROOT

OPERATIONS = ("launch", "progress", "next", "finish", "delete")


@pytest.mark.parametrize(("database", "title"), [("sqlite", "SQLite"),
                                                 ("postgresql", "PostgreSQL")])
def test_the_scale_benchmark_runs_at_a_small_size(request, database, title):
    env = dict(os.environ)
    if database == "postgresql":
        env["STRETCH_COACH_TEST_POSTGRES"] = request.getfixturevalue("postgres_server")
    ran = subprocess.run(
        [sys.executable, "bench/scale.py", "--people", "300", "--subjects", "2",
         "--requests", "4", "--databases", database], cwd=ROOT, capture_output=True, text=True,
        timeout=300, env=env)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.split(f"\n{title}, ", 1)[1].splitlines()
    assert lines[0].startswith("300 people")
    for operation in OPERATIONS:
        row = next(line for line in lines if line.strip().startswith(operation))
        assert len(row.split("/")) == 5, row  # p50 / p99 for each kind of person
    assert sum("batches: p50" in line for line in lines) == 3
