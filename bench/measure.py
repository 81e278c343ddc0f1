"""How the benchmarks measure: a free port on loopback, a plain load of real IntentRequests,
and the time one call takes."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import time
from pathlib import Path

from tests.helpers import free_port  # noqa: F401  (the benchmarks' one way to a port)

BODY = (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "intent_request.json"
        ).read_bytes()


def _client(port: int, seconds: float, counts) -> None:
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
    """Requests a second that `clients` processes get, each posting BODY on fresh connections."""
    counts = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_client, args=(port, seconds, counts))
               for _ in range(clients)]
    for worker in workers:
        worker.start()
    total = sum(counts.get() for _ in workers)
    for worker in workers:
        worker.join()
    return total / seconds


def per_call(function, repeats: int) -> float:
    """Median seconds a call over 5 batches of `repeats` calls, after one to warm up."""
    function()
    batches = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeats):
            function()
        batches.append((time.perf_counter() - started) / repeats)
    return statistics.median(batches)
