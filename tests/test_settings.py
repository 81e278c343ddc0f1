"""Settings from the environment: every bad value is one line naming the variable and what it
accepts; never a traceback, never a default silently taken instead."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

import certifi
import pytest

from skill.settings import DatabaseKind, DatabaseUrl, Settings, SettingsError

from .helpers import ROOT, ROUTINES, clean_env, run


def error_for(name: str, value: str) -> str:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({name: value})
    message = str(raised.value)
    assert "\n" not in message and message.startswith(name), message
    return message


@pytest.mark.parametrize(("name", "value", "accepts"), [
    ("PORT", "²", "a whole number from 1 to 65535, got '²'"),
    ("PORT", "٨٠٨٠", "a whole number from 1 to 65535"),  # Arabic-Indic digits pass isdigit()
    ("PORT", "99999", "a whole number from 1 to 65535, got '99999'"),
    ("PORT", "0", "from 1 to 65535"),
    ("PORT", "80.5", "from 1 to 65535"),
    ("PORT", "9" * 5000, "from 1 to 65535, got '99999"),
    ("WEB_CONCURRENCY", "100000", "a whole number from 1 to 64, got '100000'"),
    ("WEB_CONCURRENCY", "-2", "from 1 to 64"),
    ("STRETCH_COACH_MAX_BODY_BYTES", "10", "a whole number from 512 to 16777216"),
    ("STRETCH_COACH_MAX_BODY_BYTES", "1e9", "from 512 to 16777216"),
    ("LOG_LEVEL", "LOUD", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'"),
    ("HOST", "::1::2", "an IP address (127.0.0.1, 0.0.0.0, ::1, ::) or a host name"),
    ("HOST", "exa mple", "or a host name, got 'exa mple'"),
    ("HOST", "[localhost]", "or a host name"),
    ("HOST", "-bad-.example", "or a host name"),
    ("ALEXA_VERIFY", "perhaps", "1 or 0 (or true/false, yes/no, on/off), got 'perhaps'"),
    ("STRETCH_COACH_RESUME_HOURS", "0", "a whole number from 1 to 720, got '0'"),
    ("STRETCH_COACH_RESUME_HOURS", "721", "from 1 to 720"),
    ("STRETCH_COACH_RESUME_HOURS", "72h", "from 1 to 720"),
    ("STRETCH_COACH_TIME_ZONE", "Mars/Olympus_Mons", "an IANA time zone such as UTC or "
                                                     "Europe/Paris, got 'Mars/Olympus_Mons'"),
    ("STRETCH_COACH_TIME_ZONE", "../../etc/passwd", "an IANA time zone"),
    ("STRETCH_COACH_TIME_ZONE", "/etc/localtime", "an IANA time zone"),
    ("STRETCH_COACH_TIME_ZONE", "America", "an IANA time zone"),  # a folder of zones
    ("STRETCH_COACH_TIME_ZONE", "utc", "an IANA time zone"),
    ("STRETCH_COACH_TIME_ZONE", "a" * 5000, "an IANA time zone"),
    ("SKILL_DATABASE_URL", "mysql://root:hunter2@db/skill",
     "sqlite:///relative/path, sqlite:////absolute/path or postgresql://"),
    ("SKILL_DATABASE_URL", "data/skill.sqlite3", "must be sqlite:///"),
    ("SKILL_DATABASE_URL", "sqlite://", "got no file name"),
    ("SKILL_DATABASE_URL", "sqlite:///", "got no file name"),
    ("SKILL_DATABASE_URL", "sqlite:///data/", "got no file name"),
    ("SKILL_DATABASE_URL", "sqlite:///:memory:", "an in-memory database is not shared"),
    ("SKILL_DATABASE_URL", "postgresql://u:secret@host:99999/db",
     "the port in the postgresql:// URL must be a number from 1 to 65535"),
    ("ALEXA_CERT_CACHE_DIR", "/no/such/folder", "an existing folder, got '/no/such/folder'"),
])
def test_a_bad_value_is_named_with_what_is_accepted(name, value, accepts):
    assert accepts in error_for(name, value)


def test_a_database_password_is_never_shown():
    for url in ("mysql://root:hunter2@db/skill", "postgresql://u:hunter2@host:99999/db"):
        assert "hunter2" not in error_for("SKILL_DATABASE_URL", url)
    database = DatabaseUrl.parse("postgresql://coach:hunter2@db.internal:5432/coach")
    assert "hunter2" not in repr(database) and "hunter2" not in repr(Settings(database=database))
    assert "coach:***@db.internal" in repr(database)
    as_parameter = DatabaseUrl.parse("postgresql://coach@db/coach?sslmode=require&password=hunter2")
    assert str(as_parameter) == "postgresql://coach@db/coach?sslmode=require&password=***"


@pytest.mark.parametrize(("content", "says"), [
    (None, "No such file or directory"),
    ("folder", "not a regular file (a folder)"),
    (b"", "is empty"),
    (b"\n\n", "is empty"),
    (b"just some text\n", "holds no certificate that can be read"),
    (b"-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n",
     "holds no certificate that can be read"),
])
def test_trusted_roots_must_be_a_pem_file_of_certificates(tmp_path, content, says):
    path = tmp_path / "roots.pem"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    message = error_for("ALEXA_TRUSTED_ROOTS", str(path))
    assert message.startswith("ALEXA_TRUSTED_ROOTS must be a PEM file of root certificates; ")
    assert says in message


def test_trusted_roots_that_are_a_pipe_are_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "roots.pem")
    assert "not a regular file (a named pipe)" in error_for(
        "ALEXA_TRUSTED_ROOTS", str(tmp_path / "roots.pem"))


def test_good_values_are_read():
    settings = Settings.from_env({
        "PORT": "08080", "WEB_CONCURRENCY": "3", "LOG_LEVEL": "debug", "HOST": "0.0.0.0",
        "ALEXA_TRUSTED_ROOTS": certifi.where(), "ALEXA_CERT_CACHE_DIR": str(ROUTINES),
        "STRETCH_COACH_RESUME_HOURS": "24", "STRETCH_COACH_TIME_ZONE": "Europe/Paris",
        "SKILL_DATABASE_URL": "postgres://coach@db.internal/coach",
    })
    assert (settings.port, settings.workers, settings.log_level, settings.host) == \
        (8080, 3, "DEBUG", "0.0.0.0")
    assert settings.trusted_roots == Path(certifi.where())
    assert settings.resume_hours == 24 and settings.time_zone == ZoneInfo("Europe/Paris")
    assert settings.database.kind is DatabaseKind.POSTGRESQL
    assert settings.database.url == "postgres://coach@db.internal/coach"
    assert settings.database.sqlite_path is None


def test_the_defaults_need_nothing_set():
    for settings in (Settings.from_env({}), Settings(routines=(ROUTINES,), verify=False)):
        assert settings.database.url == "sqlite:///data/stretch-coach.sqlite3"
        assert settings.database.kind is DatabaseKind.SQLITE
        assert settings.database.sqlite_path == Path("data/stretch-coach.sqlite3")
        assert settings.resume_hours == 72 and settings.time_zone == ZoneInfo("UTC")
        assert settings.workers == min(os.cpu_count(), 64) and settings.host == "127.0.0.1"


def test_sqlite_paths_are_relative_or_absolute_as_in_sqlalchemy():
    assert DatabaseUrl.parse("sqlite:///data/x.sqlite3").sqlite_path == Path("data/x.sqlite3")
    assert DatabaseUrl.parse("sqlite:////var/lib/coach/x.sqlite3").sqlite_path == \
        Path("/var/lib/coach/x.sqlite3")


@pytest.mark.parametrize(("value", "host"), [
    ("::1", "[::1]"), ("[::1]", "[::1]"), ("::", "[::]"), ("127.0.0.1", "127.0.0.1"),
    ("localhost", "localhost"), ("coach.example.org", "coach.example.org"),
])
def test_hosts_are_kept_as_written_in_a_url(value, host):
    assert Settings.from_env({"HOST": value}).host == host


@pytest.mark.parametrize(("env", "line"), [
    ({"PORT": "²"}, "error: PORT must be a whole number from 1 to 65535, got '²'"),
    ({"LOG_LEVEL": "LOUD"},
     "error: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'"),
    ({"ALEXA_TRUSTED_ROOTS": str(ROUTINES)},
     f"error: ALEXA_TRUSTED_ROOTS must be a PEM file of root certificates; '{ROUTINES}': "
     "not a regular file (a folder)"),
    ({"WEB_CONCURRENCY": "100000"},
     "error: WEB_CONCURRENCY must be a whole number from 1 to 64, got '100000'"),
])
def test_the_command_line_prints_one_line_and_stops(env, line):
    result = run("serve", env=env)
    assert result.returncode == 2 and result.stderr == line + "\n" and result.stdout == ""


def test_command_line_options_are_read_like_the_settings():
    result = run("serve", "--port", "99999")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].endswith(
        "argument --port: --port must be a whole number from 1 to 65535, got '99999'")
    result = run("serve", "--host", "::1::2")
    assert result.returncode == 2 and "argument --host: --host must be an IP address" in \
        result.stderr


def free_ipv6_port() -> int:
    with socket.socket(socket.AF_INET6) as sock:
        sock.bind(("::1", 0))
        return sock.getsockname()[1]


def test_host_ipv6_loopback_is_served():
    port = free_ipv6_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "skill", "serve", "--workers", "1"], cwd=ROOT,
        env=clean_env(HOST="::1", PORT=str(port), ALEXA_VERIFY="0"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        deadline, health = time.monotonic() + 30, None
        while health is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://[::1]:{port}/health", timeout=1) as answer:
                    health = json.load(answer)
            except OSError:
                assert process.poll() is None, process.communicate()
                time.sleep(0.1)
        assert health and health["status"] == "ok"
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=15)
    assert f"on http://[::1]:{port} with 1 workers" in stderr
