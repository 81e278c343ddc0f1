"""Requests a second through gunicorn: the skill against the bare stack, in the same run.

    python bench/throughput.py [--seconds S] [--clients N] [--workers W]

Starts two servers in turn on loopback, with the same gunicorn configuration (skill/server.py):
the bare stack (bench/baseline_app.py: Flask parsing the JSON and returning a fixed reply) and
the skill (development mode, so both skip signature checks), and loads each with the same
client processes posting a real Alexa IntentRequest. Prints requests a second and the skill's
share of the stack's limit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BODY = (ROOT / "tests" / "fixtures" / "intent_request.json").read_bytes()


# The bare stack on the skill's own gunicorn configuration (skill/server.py), so the two differ
# only in the app.
SERVE_BARE = """import sys
from bench.baseline_app import app
from skill.server import GunicornServer, options
GunicornServer(app, options("127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), "WARNING")).run()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], port: int) -> subprocess.Popen:
    env = {**os.environ, "ALEXA_VERIFY": "0", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=BODY,
                                             headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=1).read()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server on port {port} did not start: {' '.join(command)}")


def client(port: int, seconds: float, counts) -> None:
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("POST", "/", BODY, {"Content-Type": "application/json"})
        response = connection.getresponse()
        json.loads(response.read())
        assert response.status == 200
        connection.close()
        done += 1
    counts.put(done)


def load(port: int, seconds: float, clients: int) -> float:
    counts = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=client, args=(port, seconds, counts))
               for _ in range(clients)]
    for worker in workers:
        worker.start()
    total = sum(counts.get() for _ in workers)
    for worker in workers:
        worker.join()
    return total / seconds


def measure(command: list[str], port: int, seconds: float, clients: int) -> float:
    process = start(command, port)
    try:
        load(port, 1, clients)  # warm up
        return load(port, seconds, clients)
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    python = sys.executable
    results = {}
    port = free_port()
    results["bare stack (Flask + gunicorn, fixed reply)"] = measure(
        [python, "-c", SERVE_BARE, str(port), str(args.workers)], port, args.seconds,
        args.clients)
    port = free_port()
    results["Stretch Coach (ASK SDK, state, speech)"] = measure(
        [python, "-m", "skill", "serve", "--port", str(port), "--workers", str(args.workers)],
        port, args.seconds, args.clients)
    width = max(map(len, results))
    for name, rate in results.items():
        print(f"{name:<{width}}  {rate:8.0f} requests/s")
    stack, skill = results.values()
    print(f"\nthe skill runs at {skill / stack:.0%} of its stack's limit "
          f"({args.workers} workers, {args.clients} clients, {args.seconds:g} s each, "
          f"{os.cpu_count()} CPUs shared by server and clients)")


if __name__ == "__main__":
    main()
