"""What it costs to be immune to slow clients: the old server setup against the new, in one run.

    python bench/slow_clients.py [--rounds N] [--seconds S] [--clients N] [--workers W]
                                 [--requests R]

Serves the skill (development mode, LOG_LEVEL=INFO, logs to /dev/null) twice on loopback, at
once, measuring them in alternating rounds:

- old: gunicorn's sync workers and its access log, as the skill first shipped;
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
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import BODY, free_port, load, per_call  # noqa: E402

SETUPS = ("old", "new")
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
    from skill.settings import DatabaseUrl, Settings

    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    database = DatabaseUrl.parse(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
    app = create_app(Settings(routines=(ROOT / "routines",), verify=False, database=database))
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


def measure(args: argparse.Namespace) -> dict[str, dict[str, list[float | None]]]:
    """Both setups served at once and measured in alternating rounds, so that a change in the
    machine's load during the run falls on both alike."""
    from skill.server import THREADS

    servers = {setup: start(setup, args.workers) for setup in SETUPS}
    results: dict[str, dict[str, list]] = {setup: defaultdict(list) for setup in SETUPS}
    try:
        for _process, port in servers.values():
            load(port, 1, args.clients)  # warm up
        for round_ in range(args.rounds):
            for setup in SETUPS if round_ % 2 == 0 else SETUPS[::-1]:
                process, port = servers[setup]
                found = results[setup]
                found["rate"].append(load(port, args.seconds, args.clients))
                found["fresh"].append(cpu_per_request(process.pid, port, args.requests, False))
                found["kept"].append(cpu_per_request(process.pid, port, args.requests, True))
        for setup, (_process, port) in servers.items():
            results[setup]["few"].append(stalled_for(port, args.workers + 2))
            time.sleep(3)  # let the crowd go before the next
            results[setup]["crowd"].append(stalled_for(port, crowd_size(args.workers, THREADS)))
    finally:
        for process, _port in servers.values():
            process.kill()
            process.wait(timeout=15)
    return results


def log_line_costs(repeats: int = 5000) -> tuple[float, float]:
    """Seconds a request's log line costs in-process: gunicorn's access log (the old setup)
    and the app's own line (the new), both formatted and written to /dev/null."""
    import datetime
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

    old = per_call(lambda: access.access(response, request, environ, took), repeats)
    new = per_call(lambda: log_request(200, 0.0012, data, None), repeats)
    return old, new


def crowd_size(workers: int, threads: int) -> int:
    """Slow connections of each kind: together, three for every thread of every worker."""
    return 3 * workers * threads // len(SLOW) + 1


def seconds(value: float | None) -> str:
    return f"> {STALL_LIMIT:g} s (stalled)" if value is None else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=500,
                        help="requests for each CPU time measurement")
    parser.add_argument("--serve", choices=["old", "new"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, args.port, args.workers)
    from skill.server import THREADS

    results = measure(args)
    old, new = results["old"], results["new"]
    few = (args.workers + 2) * len(SLOW)
    crowd = crowd_size(args.workers, THREADS) * len(SLOW)
    print(f"{'(medians of ' + str(args.rounds) + ' alternating rounds)':44}"
          f"{'old (sync)':>22}{'new (threads, bounded)':>26}{'new/old':>10}")
    rows = [("rate", "requests a second, no slow clients", 1, ""),
            ("fresh", "server CPU a request, one client, new conn.", 1e6, " µs"),
            ("kept", "server CPU a request, one client, keep-alive", 1e6, " µs")]
    for key, label, scale, unit in rows:
        ratios = sorted(n / o for n, o in zip(new[key], old[key], strict=True))
        print(f"{label:44}{median(old[key]) * scale:>{22 - len(unit)}.0f}{unit}"
              f"{median(new[key]) * scale:>{26 - len(unit)}.0f}{unit}"
              f"{median(new[key]) / median(old[key]):>10.2f}"
              f"   (rounds: {ratios[0]:.2f} to {ratios[-1]:.2f})")
    print(f"{f'one request, {few} slow connections open':44}"
          f"{seconds(old['few'][0]):>22}{seconds(new['few'][0]):>26}")
    print(f"{f'one request, {crowd} slow connections open':44}"
          f"{seconds(old['crowd'][0]):>22}{seconds(new['crowd'][0]):>26}")
    old_line, new_line = log_line_costs()
    print(f"{'log line per request, in-process':44}{old_line * 1e6:>19.1f} µs"
          f"{new_line * 1e6:>23.1f} µs{new_line / old_line:>10.2f}")
    print(f"\n{args.workers} workers ({THREADS} threads each in the new setup); {args.clients} "
          f"clients for {args.seconds:g} s and {args.requests} requests one by one, each round; "
          f"{os.cpu_count()} CPUs shared by server and clients")
    return None


if __name__ == "__main__":
    main()
