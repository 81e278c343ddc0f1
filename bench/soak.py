"""Soak: a real server, verification on, under valid, malformed and forged requests and slow
clients; exits non-zero unless every criterion holds.

    python bench/soak.py [--requests 20000] [--clients 8] [--slow 6] [--workers 2]

Starts `python -m skill serve` with verification on, trusting a test PKI made for the run
(tests/pki.py: ALEXA_TRUSTED_ROOTS and ALEXA_CERT_CACHE_DIR, so no network is needed), then
sends REQUESTS from CLIENTS concurrent processes over loopback: about 60% valid requests signed
as Alexa signs them, 20% malformed (bad JSON, deep nesting, bad chunked encoding, oversized,
broken HTTP, shapes the SDK cannot read) and 20% forged (unsigned, bad signatures, untrusted or
expired chains, wrong skill id, replayed). Meanwhile SLOW connections stay open that send
nothing, half a header or half a body, or ask for the connection to be closed after the answer
and then never read it nor hang up, each reopened whenever the server cuts it off.

Criteria: no 5xx and no request unanswered; every valid request answered 200 within Alexa's
8 seconds; each worker's memory flat (RSS growth after warm-up under 10 MiB, under 2 MiB in
the second half, same workers throughout); no traceback in the log; SIGTERM stops the server
cleanly. Prints a summary table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import free_port  # noqa: E402
from skill.alexa import intents  # noqa: E402
from skill.simulator.envelopes import (  # noqa: E402
    Device,
    Resolution,
    intent_request,
    launch_request,
    session_ended_request,
    slot,
)
from tests.pki import NOW, SKILL_ID, AlexaLikePKI  # noqa: E402

ALEXA_SECONDS = 8.0
MAX_RSS_GROWTH_KIB = 10 * 1024  # over the whole run, after warm-up
MAX_LATE_GROWTH_KIB = 2 * 1024  # over its second half: memory levels off rather than leaks
RESIGN_SECONDS = 60  # signed bodies are reused for this long (the tolerance is 150 s)
MIX = {"valid": 0.6, "malformed": 0.2, "forged": 0.2}
MID_ROUTINE = {"v": 1, "asked": "next", "routine": "butterfly-stretch", "turn": 0, "part": 0}

PKI: AlexaLikePKI | None = None  # made in main(), inherited by the forked clients
DEVICE = Device(application_id=SKILL_ID)


# What the clients send.

def envelope(request: dict, attributes: dict | None = None, skill_id: str = SKILL_ID) -> bytes:
    device = Device(skill_id, DEVICE.user_id, DEVICE.device_id)
    session = {"new": attributes is None, "sessionId": "amzn1.echo-api.session.soak",
               "attributes": attributes or {}}
    return json.dumps(device.envelope(request, session)).encode()


def start_routine() -> dict:
    resolution = Resolution(intents.ROUTINE_SLOT_TYPE, "butterfly-stretch", "Butterfly stretch")
    return intent_request(intents.START_ROUTINE,
                          {intents.ROUTINE_SLOT: slot(intents.ROUTINE_SLOT, "butterfly",
                                                      resolution, SKILL_ID)})


VALID = {
    "launch": lambda: envelope(launch_request()),
    "start a routine": lambda: envelope(start_routine(), {"v": 1, "asked": "choose"}),
    "next step": lambda: envelope(intent_request(intents.NEXT), MID_ROUTINE),
    "help": lambda: envelope(intent_request(intents.HELP), MID_ROUTINE),
    "session ended": lambda: envelope(session_ended_request(), MID_ROUTINE),
}


def signed(body: bytes, chain: str = "good", url: str | None = None) -> list[str]:
    return [f"SignatureCertChainUrl: {url or PKI.url(chain)}",
            f"Signature-256: {PKI.signer(chain).sign(body)}"]


def request(body: bytes | None, headers: list[str] = (), chunks: list[bytes] | None = None,
            method: str = "POST") -> bytes:
    lines = [f"{method} / HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             *headers]
    if chunks is not None:
        lines.append("Transfer-Encoding: chunked")
        payload = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    else:
        payload = body or b""
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


def stale_launch() -> bytes:
    return envelope({**launch_request(), "timestamp": "2000-01-01T00:00:00Z"})


def unreadable_shape() -> bytes:
    data = json.loads(envelope(start_routine(), {"v": 1, "asked": "choose"}))
    data["request"]["intent"]["slots"] = []
    return json.dumps(data).encode()


def malformed(body: bytes) -> dict[str, bytes]:
    chunked = request(None, ["Transfer-Encoding: chunked"])
    shape = unreadable_shape()
    return {
        "not JSON": request(b"{nope"),
        "nested 5,000 deep": request(b"[" * 5000 + b"]" * 5000),
        "NaN": request(b'{"version": NaN}'),
        "a 5,000-digit number": request(b'{"version": ' + b"9" * 5000 + b"}"),
        "empty body": request(b""),
        "a shape the SDK cannot read (signed)": request(shape, signed(shape)),
        "chunked, 300 KB": request(None, chunks=[b" " * 10_000] * 30),
        "Content-Length 1 GB": request(None, ["Content-Length: 1000000000"]),
        "chunk size ZZ": chunked + b"ZZ\r\n{}\r\n0\r\n\r\n",
        "negative chunk size": chunked + b"-5\r\n{}\r\n0\r\n\r\n",
        "chunk without terminator": chunked + b"2\r\n{}XX0\r\n\r\n",
        "garbage request line": b"\x00\x01 GARBAGE\r\n\r\n",
        "Content-Length not a number": request(None, ["Content-Length: 12ab"]),
        "gzip transfer coding": request(body, ["Transfer-Encoding: gzip"]),
        "20 KB header": request(body, ["X-Big: " + "b" * 20_000]),
    }


def forged(body: bytes) -> dict[str, bytes]:
    tampered = body.replace(b"LaunchRequest", b"LaunchRequest ", 1)
    other = envelope(launch_request(), skill_id="amzn1.ask.skill.someone-else")
    huge = envelope(launch_request(), skill_id="amzn1.ask.skill." + "A" * 60_000)
    stale = stale_launch()
    return {
        "unsigned": request(body),
        "signature of another body": request(body, signed(other)[1:] + signed(body)[:1]),
        "body changed after signing": request(tampered, signed(body)),
        "another skill id (signed)": request(other, signed(other)),
        "replayed from 2000 (signed)": request(stale, signed(stale)),
        "expired chain": request(body, signed(body, "expired")),
        "untrusted chain": request(body, signed(body, "untrusted")),
        "chain for another name": request(body, signed(body, "wrong-san")),
        "certificate URL on another host": request(
            body, signed(body, url="https://evil.example.com/echo.api/good.pem")),
        "SHA-1 signature only": request(body, [f"SignatureCertChainUrl: {PKI.url()}",
                                               "Signature: AAAA"]),
        "60 KB skill id": request(huge),
    }


class Plan:
    """One client's requests: signed bodies made fresh once a minute, the rest reused."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.made = -RESIGN_SECONDS
        self.sets: dict[str, dict[str, bytes]] = {}

    def next(self) -> tuple[str, str, bytes]:
        if time.monotonic() - self.made > RESIGN_SECONDS:
            body = envelope(launch_request())
            valid = {}
            for name, make in VALID.items():
                fresh = make()
                valid[name] = request(fresh, signed(fresh))
            valid["launch, chunked"] = request(None, signed(body), chunks=[body[:500], body[500:]])
            self.sets = {"valid": valid, "malformed": malformed(body), "forged": forged(body)}
            self.made = time.monotonic()
        category = self.random.choices(list(MIX), weights=list(MIX.values()))[0]
        name = self.random.choice(list(self.sets[category]))
        return category, name, self.sets[category][name]


def exchange(port: int, data: bytes) -> int | str:
    """Send one request whole; its status, or why there was none."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            response = http.client.HTTPResponse(sock)
            response.begin()
            response.read()
            return response.status
    except (OSError, http.client.HTTPException) as error:
        return f"no answer ({type(error).__name__})"


def client(port: int, count: int, seed: int, results) -> None:
    plan, records = Plan(seed), []
    for _ in range(count):
        category, name, data = plan.next()
        started = time.monotonic()
        status = exchange(port, data)
        records.append((category, name, status, time.monotonic() - started))
    results.put(records)


# Slow connections, held open the whole time.

SLOW = [b"", b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty",
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3000\r\n\r\n{\"version\":",
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"]


class SlowClients(threading.Thread):
    def __init__(self, port: int, count: int):
        super().__init__(daemon=True)
        self.port, self.count = port, count
        self.opened = self.cut = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        selector = selectors.DefaultSelector()
        while not self.stopping.is_set():
            while len(selector.get_map()) < self.count:
                sock = socket.create_connection(("127.0.0.1", self.port))
                sock.sendall(SLOW[self.opened % len(SLOW)])
                selector.register(sock, selectors.EVENT_READ)
                self.opened += 1
            for key, _ in selector.select(timeout=0.2):
                selector.unregister(key.fileobj)
                key.fileobj.close()  # the server answered or closed: it was cut off
                self.cut += 1
        for key in list(selector.get_map().values()):
            key.fileobj.close()


# The server.

def start_server(port: int, workers: int, folder: Path) -> tuple[subprocess.Popen, Path]:
    log = folder / "server.log"
    env = {**{k: v for k, v in os.environ.items()
              if not k.startswith(("ALEXA_", "STRETCH_COACH_"))},
           "ALEXA_SKILL_ID": SKILL_ID, "ALEXA_TRUSTED_ROOTS": str(PKI.roots_file),
           "ALEXA_CERT_CACHE_DIR": str(PKI.cache_dir), "LOG_LEVEL": "INFO",
           "PYTHONPATH": str(ROOT)}
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "skill", "serve", "--port", str(port), "--workers",
             str(workers)], cwd=ROOT, env=env, stdout=output, stderr=output,
            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
            return process, log
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"the server did not start:\n{log.read_text()}") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start in 30 s")


def workers_of(process: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
    return sorted(int(pid) for pid in children.split())


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise SystemExit(f"no VmRSS for process {pid}")


class MemorySampler(threading.Thread):
    """Each worker's RSS, every half second, from /proc."""

    def __init__(self, workers: list[int]):
        super().__init__(daemon=True)
        self.samples: dict[int, list[int]] = {pid: [rss_kib(pid)] for pid in workers}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.sample()
        self.sample()

    def sample(self) -> None:
        for pid, samples in self.samples.items():
            samples.append(rss_kib(pid) if Path(f"/proc/{pid}").exists() else 10**9)

    def quarters(self, pid: int) -> list[int]:
        samples = self.samples[pid]
        return [samples[round(q * (len(samples) - 1) / 4)] for q in range(5)]


def run_clients(port: int, total: int, clients: int) -> list[tuple]:
    context = multiprocessing.get_context("fork")  # the clients inherit the PKI's keys
    results = context.Queue()
    share, extra = divmod(total, clients)
    processes = [context.Process(target=client, args=(port, share + (i < extra), i, results))
                 for i in range(clients)]
    for process in processes:
        process.start()
    records = [record for _ in processes for record in results.get()]
    for process in processes:
        process.join()
    return records


# The report.

def summary(records: list[tuple]) -> tuple[list[str], list[str]]:
    """The table's lines, and the criteria that failed."""
    failures = []
    lines = [f"{'requests':<11}{'sent':>7}{'200':>7}{'4xx':>7}{'5xx':>6}{'none':>6}"
             f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"]
    by_category = defaultdict(list)
    for record in records:
        by_category[record[0]].append(record)
    for category in MIX:
        group = by_category[category]
        statuses = Counter(status if isinstance(status, str) else status // 100 * 100
                           for _, _, status, _ in group)
        times = sorted(seconds * 1000 for *_, seconds in group)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))] if times else 0
        unanswered = sum(n for status, n in statuses.items() if isinstance(status, str))
        lines.append(f"{category:<11}{len(group):>7}{statuses[200]:>7}{statuses[400]:>7}"
                     f"{statuses[500]:>6}{unanswered:>6}{statistics.median(times or [0]):>9.1f}"
                     f"{p99:>9.1f}{(times or [0])[-1]:>9.1f}")
        if statuses[500]:
            failures.append(f"{statuses[500]} {category} requests got a 5xx")
        if unanswered:
            failures.append(f"{unanswered} {category} requests got no answer")
        if category == "valid":
            if statuses[200] != len(group):
                failures.append(f"{len(group) - statuses[200]} valid requests were not 200")
            if times and times[-1] > ALEXA_SECONDS * 1000:
                failures.append(f"a valid request took {times[-1] / 1000:.1f} s")
        elif statuses[200]:
            failures.append(f"{statuses[200]} {category} requests were answered 200")
    wrong = Counter(name for category, name, status, _ in records
                    if category != "valid" and (isinstance(status, str) or status >= 500))
    lines += [f"  {name}: {count} failed" for name, count in wrong.most_common()]
    return lines, failures


def main() -> int:
    global PKI
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--slow", type=int, default=6, help="slow connections held open")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    PKI = AlexaLikePKI(folder, NOW)
    port = int(os.environ.get("SOAK_PORT", "0")) or free_port()
    server, log = start_server(port, args.workers, folder)
    failures = []
    try:
        run_clients(port, 50 * args.clients, args.clients)  # warm up every worker
        workers = workers_of(server)
        memory = MemorySampler(workers)
        memory.start()
        slow = SlowClients(port, args.slow)
        slow.start()
        started = time.monotonic()
        records = run_clients(port, args.requests, args.clients)
        elapsed = time.monotonic() - started
        slow.stopping.set()
        slow.join()
        memory.stopping.set()
        memory.join()
        if workers_of(server) != workers:
            failures.append(f"workers changed during the run: {workers} -> {workers_of(server)}")
    finally:
        stopping = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            code = "killed after 30 s"
        stopped = time.monotonic() - stopping

    lines, failed = summary(records)
    failures += failed
    print(f"\n{len(records)} requests from {args.clients} clients in {elapsed:.1f} s "
          f"({len(records) / elapsed:.0f} a second), {args.slow} slow connections held open "
          f"({slow.opened} opened, {slow.cut} cut off by the server)\n")
    print("\n".join(lines))
    print(f"\n{'worker':<8}{'RSS (MiB) at 0%, 25%, 50%, 75%, 100% of the run':>50}"
          f"{'growth':>10}{'2nd half':>10}")
    for pid in workers:
        trace = memory.quarters(pid)
        growth, late = trace[-1] - trace[0], trace[-1] - trace[2]
        print(f"{pid:<8}{'  '.join(f'{kib / 1024:6.1f}' for kib in trace):>50}"
              f"{growth / 1024:>9.1f} {late / 1024:>9.1f}")
        if growth > MAX_RSS_GROWTH_KIB or late > MAX_LATE_GROWTH_KIB:
            failures.append(f"worker {pid}'s memory grew by {growth / 1024:.1f} MiB "
                            f"({late / 1024:.1f} MiB in the second half)")
    text = log.read_text()
    tracebacks = text.count("Traceback")
    request_lines = text.count(" skill.app: POST / ")
    print(f"\nserver log: {request_lines} request lines, {tracebacks} tracebacks, "
          f"longest line {max(map(len, text.splitlines()))} characters")
    print(f"SIGTERM: exit {code} after {stopped:.1f} s")
    if tracebacks:
        failures.append(f"{tracebacks} tracebacks in the server log ({log})")
    if code != 0:
        failures.append(f"the server did not stop cleanly on SIGTERM: {code}")
    print(f"machine: {os.cpu_count()} CPUs, {platform()}")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print("\nall criteria hold: no 5xx, every valid request 200 within 8 s, memory flat, "
          "no traceback, clean stop")
    return 0


def platform() -> str:
    import platform as about

    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), about.processor())
    return f"{model}, Python {about.python_version()}, {about.system()} {about.release()}"


if __name__ == "__main__":
    sys.exit(main())
