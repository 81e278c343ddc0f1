"""The skill against the speed limit of its own stack, measured side by side in one run.

    python bench/speed.py [--seconds 5] [--rounds 3] [--connections 4] [--routines 1000]

Every server runs on the skill's gunicorn configuration (skill/server.py: its worker class and
threads, one worker, the skill's own log level), loaded over loopback by wrk (Debian's `wrk`)
with the given connections. Each comparison runs in alternating rounds (bare, skill, bare,
skill, ...) and reports medians, so a change in the machine's load falls on both. Requests are
real Alexa envelopes, each with its own id and a fresh timestamp, signed with a test PKI whose
chain the verified skill validates (ALEXA_CERT_CACHE_DIR, ALEXA_TRUSTED_ROOTS): full
verification, as in production.

Compared:
  - a verified "repeat" mid-routine (nothing stored) against bare Flask parsing the same JSON
    and returning a fixed reply of the same length;
  - a verified "next" mid-routine (the place saved: one upsert) against bare Flask doing the
    same upsert on the same database (SQLite in WAL mode with synchronous=NORMAL; PostgreSQL
    when one is installed or STRETCH_COACH_TEST_POSTGRES names one);
  - the skill unverified, for what verification costs;
  - cold start, memory per worker, and the same figures with --routines generated routines.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import free_port  # noqa: E402
from skill.alexa import intents  # noqa: E402
from skill.simulator.envelopes import Device, intent_request  # noqa: E402
from tests import pg_cluster  # noqa: E402
from tests.pki import NOW, SKILL_ID, AlexaLikePKI, signed  # noqa: E402

# With --pin (and two CPUs or more), the server gets one and the load another (taskset, from
# util-linux): steadier figures, but a server confined to one CPU pays for every release of
# the GIL (cryptography's RSA check releases it) with a switch between its threads, where an
# unconfined one would run them side by side. Off by default, as the machine is measured.
SERVER_CPU: list[str] = []
LOAD_CPU: list[str] = []


def pin() -> None:
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        SERVER_CPU[:] = ["taskset", "-c", "1"]
        LOAD_CPU[:] = ["taskset", "-c", "0"]
USERS = 500
REQUESTS = 4000
LUA = """
local requests, i = {}, 0
init = function(args)
  local f = io.open(args[1], "rb"); local data = f:read("*a"); f:close()
  for raw in string.gmatch(data, "(.-)%z") do table.insert(requests, raw) end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
"""


@dataclass(frozen=True)
class Load:
    rate: float  # requests a second
    p50: float  # milliseconds
    p99: float
    cpu_us: float  # server CPU time per request, microseconds
    failed: int


# Requests.

def envelope(device: Device, intent: str, routine: str, step: int) -> dict:
    request = intent_request(intent)
    request["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    attributes = {"v": 2, "asked": "next", "routine": routine, "step": step, "part": 0}
    return device.envelope(request, {"new": False, "sessionId": "amzn1.echo-api.session.b",
                                     "attributes": attributes})


def raw_requests(pki: AlexaLikePKI, kind: str, count: int = REQUESTS) -> bytes:
    """`count` signed HTTP requests, each its own: "repeat" at the spiral twist's hold, or
    "next" through the leg cramp massage (so each saves a new place)."""
    devices = [Device(application_id=SKILL_ID) for _ in range(USERS)]
    raws = []
    for number in range(count):
        device = devices[number % USERS]
        if kind == "repeat":
            body = envelope(device, intents.REPEAT, "spiral-twist", 1)
        else:
            body = envelope(device, intents.NEXT, "leg-cramp-massage", 1 + number % 4)
        data = json.dumps(body).encode()
        headers = "".join(f"{name}: {value}\r\n" for name, value in signed(pki, data).items())
        raws.append(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + headers.encode() + f"Content-Length: {len(data)}\r\n\r\n".encode()
                    + data + b"\0")
    return b"".join(raws)


class Requests:
    """Files of signed requests, signed afresh for each section: Alexa's 150-second tolerance
    for a request's timestamp would refuse a file signed at the start of a long run."""

    def __init__(self, pki: AlexaLikePKI, folder: Path):
        self.pki = pki
        self.folder = folder

    def fresh(self, kind: str) -> Path:
        path = self.folder / f"{kind}.raw"
        path.write_bytes(raw_requests(self.pki, kind))
        return path

    @staticmethod
    def probe(path: Path) -> bytes:
        return path.read_bytes().split(b"\0", 1)[0]


# Servers.

@dataclass
class Server:
    process: subprocess.Popen
    port: int
    started: float

    def workers(self) -> list[int]:
        """The gunicorn workers: the master's children."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == \
                            self.process.pid:
                        found.append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    continue
        return found

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def rss_mib(self) -> float:
        sizes = [int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
                     .group(1)) for pid in self.workers()]
        return max(sizes) / 1024


@contextmanager
def serving(command: list[str], env: dict[str, str], probe: bytes) -> Iterator[Server]:
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen([*SERVER_CPU, *(part.replace("{port}", str(port))
                                               for part in command)],
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(process, port, started)
    try:
        server.started = first_answer(port, probe, started, process)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def first_answer(port: int, probe: bytes, started: float, process: subprocess.Popen) -> float:
    """Seconds from starting the process to its first answer to `probe` (a raw request)."""
    head, body = probe.split(b"\r\n\r\n", 1)
    headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
    deadline = started + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"a server exited at start: {process.args}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body.rstrip(b"\0"),
                                             headers=headers)
            urllib.request.urlopen(request, timeout=2).read()
            return time.monotonic() - started
        except urllib.error.HTTPError as refused:
            said = refused.read()[:300]
            raise SystemExit(f"{process.args} refused the probe: {said!r}") from None
        except OSError:
            time.sleep(0.01)
    raise SystemExit(f"no answer from {process.args}")


def skill_command() -> list[str]:
    return [sys.executable, "-m", "skill", "serve", "--port", "{port}", "--workers", "1"]


def bare_command(reply_bytes: int, database_url: str | None) -> list[str]:
    return [sys.executable, "bench/bare.py", "{port}", str(reply_bytes),
            *([database_url] if database_url else [])]


# Load.

def load(server: Server, requests_file: Path, script: Path, seconds: float,
         connections: int) -> Load:
    before = server.cpu_seconds()
    result = subprocess.run(
        [*LOAD_CPU, "wrk", "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
         "--latency",
         "-s", str(script), f"http://127.0.0.1:{server.port}/", "--", str(requests_file)],
        capture_output=True, text=True, check=True)
    cpu = server.cpu_seconds() - before
    text = result.stdout
    done = int(re.search(r"(\d+) requests in", text).group(1))
    failed = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", text)) else 0
    failed += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    return Load(float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
                _ms(re.search(r"50%\s+([\d.]+\w+)", text).group(1)),
                _ms(re.search(r"99%\s+([\d.]+\w+)", text).group(1)),
                cpu / max(done, 1) * 1e6, failed)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def median(loads: list[Load]) -> Load:
    return Load(*(statistics.median([getattr(each, name) for each in loads])
                  for name in ("rate", "p50", "p99", "cpu_us")),
                sum(each.failed for each in loads))


def side_by_side(servers: dict[str, Callable], requests_file: Path, script: Path,
                 args: argparse.Namespace) -> dict[str, tuple[Load, float]]:
    """Each server loaded in turn, for `rounds` rounds: the median figures of each, and the
    median over rounds of its rate against the first server's in the same round (so that a
    change in the machine's speed between rounds falls on both sides of a ratio)."""
    results: dict[str, list[Load]] = {name: [] for name in servers}
    with serving_all(servers) as running:
        for server in running.values():
            load(server, requests_file, script, 1, args.connections)  # warm up
        for _ in range(args.rounds):
            for name, server in running.items():
                results[name].append(load(server, requests_file, script, args.seconds,
                                          args.connections))
    first = next(iter(results.values()))
    return {name: (median(loads), statistics.median(
                each.rate / base.rate for each, base in zip(loads, first, strict=True)))
            for name, loads in results.items()}


@contextmanager
def serving_all(servers: dict[str, Callable]) -> Iterator[dict[str, Server]]:
    stack, running = [], {}
    try:
        for name, start in servers.items():
            context = start()
            running[name] = context.__enter__()
            stack.append(context)
        yield running
    finally:
        for context in reversed(stack):
            context.__exit__(None, None, None)


# Content for the many-routines figures.

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
         "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee "
         "zulu").split()


def many_routines(folder: Path, count: int) -> Path:
    """The shipped routines and concerns, and `count` more stretches named in words."""
    shutil.copytree(ROOT / "routines", folder)
    for number in range(count):
        a, b, c = (WORDS[(number // 26 ** k) % 26] for k in range(3))
        routine_id = f"generated-{a}-{b}-{c}"
        (folder / f"{routine_id}.yaml").write_text(textwrap.dedent(f"""\
            id: {routine_id}
            name: Stretch {a} {b} {c}
            kind: stretch
            summary: A generated routine.
            steps:
              - say: Get comfortable.
              - say: Stretch and hold.
                hold: 10
                reps: 2
            """))
    return folder


# The run.

def postgres_url(work: Path) -> tuple[str | None, Callable[[], None]]:
    if os.environ.get("STRETCH_COACH_TEST_POSTGRES"):
        return os.environ["STRETCH_COACH_TEST_POSTGRES"], lambda: None
    if pg_cluster.binaries() is None:
        return None, lambda: None
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    folder.chmod(0o755)
    cluster = pg_cluster.start(folder / "cluster")
    return cluster.url, lambda: (pg_cluster.stop(folder / "cluster"), folder.rmdir())


def workspace(prefix: str) -> tuple[Path, AlexaLikePKI, Path]:
    """A fresh folder, a test PKI in it and wrk's request script, once wrk is found."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix=prefix))
    (work / "pki").mkdir()
    # Certificates valid for years either side of NOW, which covers today.
    pki = AlexaLikePKI(work / "pki", NOW)
    script = work / "requests.lua"
    script.write_text(LUA)
    return work, pki, script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--routines", type=int, default=1000)
    parser.add_argument("--pin", action="store_true",
                        help="server and load on a CPU each (steadier; see SERVER_CPU)")
    args = parser.parse_args()
    if args.pin:
        pin()
    work, pki, script = workspace("bench-speed-")
    pg, stop_pg = postgres_url(work)
    try:
        report(run_all(args, work, pki, Requests(pki, work), script, pg), args)
    finally:
        stop_pg()
        shutil.rmtree(work, ignore_errors=True)


def skill_env(pki: AlexaLikePKI, database_url: str, verify: bool = True,
              routines: Path | None = None) -> dict[str, str]:
    env = {"ALEXA_VERIFY": "1" if verify else "0", "ALEXA_SKILL_ID": SKILL_ID,
           "ALEXA_TRUSTED_ROOTS": str(pki.roots_file), "ALEXA_CERT_CACHE_DIR": str(pki.cache_dir),
           "SKILL_DATABASE_URL": database_url, "LOG_LEVEL": "INFO", "WEB_CONCURRENCY": "1"}
    if routines:
        env["STRETCH_COACH_ROUTINES"] = str(routines)
    return env


def run_all(args, work: Path, pki: AlexaLikePKI, requests: Requests, script: Path,
            pg: str | None) -> dict:
    sqlite = f"sqlite:///{work}/skill.sqlite3"
    repeat = requests.fresh("repeat")
    reply_bytes = measured_reply(pki, sqlite, Requests.probe(repeat))
    results: dict = {}

    def skill(probe: bytes, database: str, **options) -> Callable:
        return lambda: serving(skill_command(), skill_env(pki, database, **options), probe)

    def bare(probe: bytes, database: str | None) -> Callable:
        return lambda: serving(bare_command(reply_bytes, database), {}, probe)

    probe = Requests.probe(repeat)
    results["stores nothing"] = side_by_side(
        {"bare Flask": bare(probe, None), "skill, verified": skill(probe, sqlite),
         "skill, unverified": skill(probe, sqlite, verify=False)}, repeat, script, args)
    for name, url in (("SQLite", sqlite), ("PostgreSQL", pg)):
        if url is None:
            continue
        bare_db = f"sqlite:///{work}/bare.sqlite3" if name == "SQLite" else url
        nexts = requests.fresh("next")
        probe = Requests.probe(nexts)
        results[f"saves the place ({name})"] = side_by_side(
            {"bare Flask + upsert": bare(probe, bare_db), "skill, verified": skill(probe, url)},
            nexts, script, args)
    results["start"] = starts(args, work, pki, requests.fresh("repeat"), script)
    return results


def measured_reply(pki: AlexaLikePKI, database: str, probe: bytes) -> int:
    """How long the skill's answer to `probe` is, for the bare app to answer as long."""
    with serving(skill_command(), skill_env(pki, database), probe) as server:
        head, body = probe.split(b"\r\n\r\n", 1)
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}/", data=body,
                                         headers=headers)
        return len(urllib.request.urlopen(request, timeout=5).read())


def starts(args, work: Path, pki: AlexaLikePKI, repeat: Path, script: Path) -> dict:
    """Cold start, memory and per-request figures with the shipped and with many routines."""
    figures = {}
    folder = many_routines(work / "many", args.routines)
    for label, routines in (("9 routines", None), (f"{args.routines + 9} routines", folder)):
        database = f"sqlite:///{work}/start-{len(figures)}.sqlite3"
        with serving(skill_command(), skill_env(pki, database, routines=routines),
                     Requests.probe(repeat)) as server:
            loaded = load(server, repeat, script, args.seconds, args.connections)
            figures[label] = (server.started, server.rss_mib(), loaded)
    return figures


def report(results: dict, args) -> None:
    where = ("server and load each pinned to a CPU of their own" if SERVER_CPU
             else f"{os.cpu_count()} CPUs shared by server and load")
    print(f"wrk, {args.connections} connections, one gunicorn worker ({where}); medians of "
          f"{args.rounds} rounds of {args.seconds:g} s; ratio: against the section's first, "
          "round by round\n")
    print(f"{'':40}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'CPU µs/req':>12}{'ratio':>8}"
          f"{'failed':>8}")
    for section, loads in results.items():
        if section == "start":
            continue
        print(section)
        for name, (each, ratio) in loads.items():
            print(f"  {name:38}{each.rate:9.0f}{each.p50:9.2f}{each.p99:9.2f}"
                  f"{each.cpu_us:12.0f}{ratio:8.2f}{each.failed:8d}")
    print(f"\n{'':40}{'cold start s':>13}{'RSS MiB':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for label, (started, rss, loaded) in results["start"].items():
        print(f"  {label:38}{started:13.2f}{rss:9.1f}{loaded.rate:9.0f}{loaded.p50:9.2f}"
              f"{loaded.p99:9.2f}")


if __name__ == "__main__":
    main()
