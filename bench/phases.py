"""Where a verified request's time goes, in-process: the skill against bare Flask, by phase.

    python bench/phases.py [--requests 3000] [--rounds 5]

Calls each app's WSGI entry directly (no server, no test client) with the same signed
"repeat" mid-routine requests bench/speed.py sends, the skill verifying them in full and
logging its line as `serve` does (to /dev/null here). Prints the CPU time a request of each
app, medians of alternating rounds, then the skill's time split by phase, timed by wrapping
each phase's function (about 0.1 µs a wrapper).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bare import create as create_bare  # noqa: E402
from bench.speed import raw_requests  # noqa: E402
from skill import logs  # noqa: E402
from skill.app import create_app  # noqa: E402
from skill.settings import Settings  # noqa: E402
from tests.pki import NOW, SKILL_ID, AlexaLikePKI  # noqa: E402

Environ = tuple[dict[str, Any], bytes]


def environs(pki: AlexaLikePKI, count: int) -> list[Environ]:
    """WSGI environs (without their input) and bodies of `count` signed requests."""
    found = []
    for raw in raw_requests(pki, "repeat", count).split(b"\0")[:-1]:
        head, body = raw.split(b"\r\n\r\n", 1)
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "SCRIPT_NAME": "",
                   "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080",
                   "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
                   "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.errors": sys.stderr,
                   "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False}
        for line in head.decode().split("\r\n")[1:]:
            name, value = line.split(": ", 1)
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
        found.append((environ, body))
    return found


def per_request(app: Callable, requests: list[Environ]) -> float:
    """CPU µs a request, answering each of `requests` in turn."""
    def started(status: str, headers: list, exc_info: Any = None) -> None:
        if not status.startswith("200"):
            raise SystemExit(f"a request was answered {status}")

    begun = time.thread_time()
    for environ, body in requests:
        answer = app({**environ, "wsgi.input": io.BytesIO(body)}, started)
        b"".join(answer)
        getattr(answer, "close", lambda: None)()
    return (time.thread_time() - begun) / len(requests) * 1e6


@contextmanager
def timed(phases: dict[str, tuple[Any, str]], spent: dict[str, float]) -> Iterator[None]:
    """Each phase's function (an attribute of an object) wrapped to add its time to `spent`."""
    originals = {}
    for label, (owner, name) in phases.items():
        original = originals[label] = getattr(owner, name)

        def wrapper(*args, _original=original, _label=label, **kwargs):
            begun = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.perf_counter() - begun
        setattr(owner, name, wrapper)
    try:
        yield
    finally:
        for label, (owner, name) in phases.items():
            setattr(owner, name, originals[label])


def skill_phases(app) -> dict[str, tuple[Any, str]]:
    """The phases of a request through the skill, outermost first (indented: inside the one
    above)."""
    import skill.alexa.handlers as handlers
    import skill.app as module
    from skill.voice.speech import Speech

    parts = app.extensions["stretch_coach"]
    skill = parts["skill"]
    return {
        "read the body": (module, "read_body"),
        "parse and check the envelope": (module, "parse_envelope"),
        "verify (skill id, time, signature)": (parts["verification"], "verify"),
        "  of which the signature": (parts["verification"].verifiers[-1], "verify"),
        "answer": (module, "answer"),
        "  read the SDK's model": (skill.serializer, "from_data"),
        "  SDK dispatch and the handler": (skill, "invoke"),
        "    speech": (Speech, "render"),
        "    card and screen": (handlers, "show"),
        "  write the SDK's model": (skill.serializer, "serialize"),
        "log the request's line": (module, "log_request"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-phases-"))
    (work / "pki").mkdir()
    pki = AlexaLikePKI(work / "pki", NOW)
    # The line `serve` writes, written where nobody reads it.
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    logs.configure("INFO")
    skill = create_app(Settings.from_env({
        "ALEXA_VERIFY": "1", "ALEXA_SKILL_ID": SKILL_ID, "LOG_LEVEL": "INFO",
        "ALEXA_TRUSTED_ROOTS": str(pki.roots_file), "ALEXA_CERT_CACHE_DIR": str(pki.cache_dir),
        "SKILL_DATABASE_URL": f"sqlite:///{work}/skill.sqlite3"}))
    requests = environs(pki, args.requests)
    bare = create_bare(len(skill.test_client().post(
        "/", data=requests[0][1], headers={k[5:].replace("_", "-"): v for k, v in
                                           requests[0][0].items() if k.startswith("HTTP_")},
        content_type="application/json").data))
    warm = requests[:min(300, len(requests))]
    per_request(skill, warm), per_request(bare, warm)
    rounds: dict[str, list[float]] = {"skill": [], "bare": []}
    for _ in range(args.rounds):
        rounds["skill"].append(per_request(skill, requests))
        rounds["bare"].append(per_request(bare, requests))
    spent = dict.fromkeys(skill_phases(skill), 0.0)
    with timed(skill_phases(skill), spent):
        per_request(skill, requests)
    skill_us, bare_us = (statistics.median(rounds[name]) for name in ("skill", "bare"))
    print(f"CPU µs a request, in-process, medians of {args.rounds} rounds of "
          f"{len(requests)} signed 'repeat' requests:")
    print(f"  bare Flask {bare_us:6.0f}\n  skill      {skill_us:6.0f}   "
          f"({skill_us - bare_us:.0f} more)\n\nthe skill's phases, µs a request:")
    for label, seconds in spent.items():
        print(f"  {label:40}{seconds / len(requests) * 1e6:6.1f}")


if __name__ == "__main__":
    main()
