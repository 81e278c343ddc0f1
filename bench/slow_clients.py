"""What it costs to be immune to slow clients: the old server setup against the new, in one run.

    python bench/slow_clients.py [--seconds S] [--clients N] [--workers W] [--requests R]

Serves the skill (development mode, LOG_LEVEL=INFO, logs to /dev/null) twice on loopback:

- old: gunicorn's sync workers and its access log, as the skill shipped before issue 8;
- new: skill/server.py as it is (threads, each request's read time bounded, the app's own
  log line instead of gunicorn's).

For each it prints: the requests a second the same clients get posting a real IntentRequest;
the server's CPU time per request from one client, on fresh connections and on one kept alive
(from /proc, steadier than a rate on a shared machine); how long one valid request takes with
slow connections open, a few more than the workers (idle, half a header, a body short of its
length, a request asking to close and then never hanging up), then three for every thread of
every worker; and what each setup's log line costs a request in-process.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.throughput import BODY, free_port, load  # noqa: E402

STALL_LIMIT = 15.0  # seconds to wait for an answer before calling the server stalled
SLOW = {
    "idle": b"",
    "half a header": b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty",
    "short body": (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   b"Content-Length: %d\r\n\r\n" % len(BODY)) + BODY[:40],
    "asks to close, hangs on": (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                b"Content-Length: %d\r\n\r\n" % len(BODY)) + BODY,
}


def serve(setup: str, port: int, workers: int) -> None:
    """Run the skill under `setup` (old or new); called in a child process."""
    from skill.app import create_app
    from skill.server import GunicornServer, options
    from skill.settings import Settings

    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(Settings(routines=(ROOT / "routines",), verify=False))
    chosen = options("127.0.0.1", port, workers, "INFO")
    if setup == "old":
        chosen.update(worker_class="sync", threads=1, accesslog="-", graceful_timeout=30)
    GunicornServer(app, chosen).run()


def start(setup: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", setup, "--port", str(port),
         "--workers", str(workers)], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if answer_time(port, 1) is not None:
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the {setup} server did not start")


def answer_time(port: int, limit: float) -> float | None:
    """Seconds one valid request takes, or None if not answered within `limit`."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=limit)
    try:
        connection.request("POST", "/", BODY, {"Content-Type": "application/json"})
        response = connection.getresponse()
        json.loads(response.read())
        return time.monotonic() - started if response.status == 200 else None
    except TimeoutError:
        return None
    finally:
        connection.close()


def stalled_for(port: int, count: int) -> float | None:
    """How long a valid request takes with `count` of each kind of slow connection open."""
    crowd = []
    for sent in SLOW.values():
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(sent)
            crowd.append(sock)
    time.sleep(0.3)
    try:
        return answer_time(port, STALL_LIMIT)
    finally:
        for sock in crowd:
            sock.close()


def cpu_seconds(pid: int) -> float:
    """CPU time used by the server `pid` and its workers so far (from /proc)."""
    pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    ticks = 0
    for each in pids:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_per_request(pid: int, port: int, count: int, keep_alive: bool) -> float:
    """Server CPU seconds a request, `count` requests from one client in turn, each on a fresh
    connection or all on one kept alive (which sync workers close after every response)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    used = cpu_seconds(pid)
    for _ in range(count):
        if not keep_alive:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("POST", "/", BODY, {"Content-Type": "application/json"})
        connection.getresponse().read()
        if not keep_alive:
            connection.close()
    connection.close()
    return (cpu_seconds(pid) - used) / count


def measure(setup: str, args: argparse.Namespace) -> dict[str, float | None]:
    from skill.server import THREADS

    process, port = start(setup, args.workers)
    try:
        load(port, 1, args.clients)  # warm up
        rate = load(port, args.seconds, args.clients)
        fresh = cpu_per_request(process.pid, port, args.requests, keep_alive=False)
        kept = cpu_per_request(process.pid, port, args.requests, keep_alive=True)
        few = stalled_for(port, args.workers + 2)
        time.sleep(3)  # let the crowd go before the next
        crowd = stalled_for(port, crowd_size(args.workers, THREADS))
        return {"rate": rate, "fresh": fresh, "kept": kept, "few": few, "crowd": crowd}
    finally:
        process.kill()
        process.wait(timeout=15)


def log_line_costs(repeats: int = 5000) -> tuple[float, float]:
    """Seconds a request's log line costs in-process: gunicorn's access log (the old setup)
    and the app's own line (the new), both formatted and written to /dev/null."""
    import datetime
    import statistics
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger
    from werkzeug.test import EnvironBuilder

    from skill.app import log_request

    sink = open(os.devnull, "w")  # noqa: SIM115 (open for the whole measurement)
    logging.basicConfig(stream=sink, level="INFO", force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = Config()
    config.set("accesslog", os.devnull)
    access = Logger(config)
    environ = EnvironBuilder(method="POST", data=BODY, content_type="application/json",
                             headers={"User-Agent": "Apache-HttpClient/UNAVAILABLE"}
                             ).get_environ()
    environ.update({"RAW_URI": "/", "REMOTE_ADDR": "127.0.0.1", "gunicorn.socket": None})
    request = SimpleNamespace(headers=[(k[5:].replace("_", "-"), v) for k, v in environ.items()
                                       if k.startswith("HTTP_")])
    response = SimpleNamespace(status="200 OK", sent=1200, headers=[
        ("Content-Type", "application/json"), ("Content-Length", "1200")])
    took = datetime.timedelta(microseconds=1200)
    data = json.loads(BODY)

    def per_call(function) -> float:
        batches = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(repeats):
                function()
            batches.append((time.perf_counter() - started) / repeats)
        return statistics.median(batches)

    old = per_call(lambda: access.access(response, request, environ, took))
    new = per_call(lambda: log_request(200, 0.0012, data, None))
    return old, new


def crowd_size(workers: int, threads: int) -> int:
    """Slow connections of each kind: together, three for every thread of every worker."""
    return 3 * workers * threads // len(SLOW) + 1


def seconds(value: float | None) -> str:
    return f"> {STALL_LIMIT:g} s (stalled)" if value is None else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=1500,
                        help="requests for each CPU time measurement")
    parser.add_argument("--serve", choices=["old", "new"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, args.port, args.workers)
    from skill.server import THREADS

    results = {setup: measure(setup, args) for setup in ("old", "new")}
    few = (args.workers + 2) * len(SLOW)
    crowd = crowd_size(args.workers, THREADS) * len(SLOW)
    print(f"{'':44}{'old (sync)':>22}{'new (threads, bounded)':>26}")
    print(f"{'requests a second, no slow clients':44}"
          f"{results['old']['rate']:>22.0f}{results['new']['rate']:>26.0f}")
    for key, label in (("fresh", "server CPU a request, one client, new conn."),
                       ("kept", "server CPU a request, one client, keep-alive")):
        print(f"{label:44}{results['old'][key] * 1e6:>19.0f} µs"
              f"{results['new'][key] * 1e6:>23.0f} µs")
    print(f"{f'one request, {few} slow connections open':44}"
          f"{seconds(results['old']['few']):>22}{seconds(results['new']['few']):>26}")
    print(f"{f'one request, {crowd} slow connections open':44}"
          f"{seconds(results['old']['crowd']):>22}{seconds(results['new']['crowd']):>26}")
    old_line, new_line = log_line_costs()
    print(f"{'log line per request, in-process':44}{old_line * 1e6:>19.1f} µs"
          f"{new_line * 1e6:>23.1f} µs")
    ratio = results["new"]["rate"] / results["old"]["rate"]
    fresh = results["new"]["fresh"] / results["old"]["fresh"]
    kept = results["new"]["kept"] / results["old"]["kept"]
    print(f"\nthe new setup serves {ratio:.0%} of the old one's requests a second; a request "
          f"costs it {fresh:.0%} of the old one's CPU time on a fresh connection, {kept:.0%} "
          f"kept alive "
          f"({args.workers} workers, {THREADS} threads each; {args.clients} clients, "
          f"{args.seconds:g} s; {os.cpu_count()} CPUs shared by server and clients)")
    return None


if __name__ == "__main__":
    main()
