"""The SDK's serializer against QuickSerializer, measured in the same run.

    python bench/serializer.py [--calls N] [--batches B]

Prints µs per call, the best of B batches of N calls, for reading each fixture envelope (and a
simulated AMAZON.NextIntent mid-routine) from parsed JSON into ask_sdk_model objects, and for
writing the skill's own responses to JSON-ready data; then what the first request costs a fresh
process, where QuickSerializer compiles the readers and writers it needs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
from ask_sdk_core.serialize import DefaultSerializer  # noqa: E402
from ask_sdk_model import RequestEnvelope  # noqa: E402

from skill.alexa.serializer import QuickSerializer  # noqa: E402
from skill.app import create_app  # noqa: E402
from skill.settings import DatabaseUrl, Settings  # noqa: E402
from skill.simulator.envelopes import Device, intent_request  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SDK = DefaultSerializer()
QUICK = QuickSerializer()

# One process, one request: the cost of the first read and write, imports and compiling included.
FIRST_REQUEST = """
import json, sys, time
started = time.perf_counter()
from ask_sdk_model import RequestEnvelope
from ask_sdk_core.serialize import DefaultSerializer
from skill.alexa.serializer import QuickSerializer
from skill.alexa import model_readers, model_writers
imported = time.perf_counter()
data = json.loads(sys.argv[2])
serializer = QuickSerializer() if sys.argv[1] == "quick" else DefaultSerializer()
read = (serializer.from_data if sys.argv[1] == "quick"
        else serializer._DefaultSerializer__deserialize)
t0 = time.perf_counter(); envelope = read(data, RequestEnvelope); t1 = time.perf_counter()
envelope = read(data, RequestEnvelope); t2 = time.perf_counter()
print(json.dumps({"import": imported - started, "first": t1 - t0, "second": t2 - t1,
                  "readers": len(model_readers._by_class) + len(model_readers.BUILDERS),
                  "modules": len([m for m in sys.modules if m.startswith("ask_sdk_model")])}))
"""


def best_per_call(functions: list, calls: list[int], batches: int) -> list[float]:
    """µs per call of each function: the fastest of `batches` batches of its `calls` calls.

    Batches alternate between the functions, so a noisy neighbour slows them alike.
    """
    best = [float("inf")] * len(functions)
    for function in functions:
        function()
    for _ in range(batches):
        for index, (function, count) in enumerate(zip(functions, calls, strict=True)):
            started = time.perf_counter()
            for _ in range(count):
                function()
            best[index] = min(best[index], (time.perf_counter() - started) / count)
    return [seconds * 1e6 for seconds in best]


def envelopes() -> dict[str, dict]:
    found = {path.name: json.loads(path.read_text()) for path in sorted(FIXTURES.glob("*.json"))}
    session = {"new": False, "sessionId": "s", "attributes": {"v": 1, "asked": "choose"}}
    found["NextIntent (simulated)"] = Device().envelope(intent_request("AMAZON.NextIntent"),
                                                        session)
    return found


def responses(skill, named: dict[str, dict]) -> dict[str, object]:
    """The skill's own response envelope to each request that carries a session."""
    return {name: skill.invoke(SDK.deserialize(json.dumps(data), RequestEnvelope), None)
            for name, data in named.items() if "session" in data}


def first_request(kind: str, data: dict) -> dict:
    command = [sys.executable, "-c", FIRST_REQUEST, kind, json.dumps(data)]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--batches", type=int, default=7)
    args = parser.parse_args()
    sdk_read = SDK._DefaultSerializer__deserialize
    named = envelopes()
    database = DatabaseUrl.parse(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
    app = create_app(Settings(routines=(ROOT / "routines",), verify=False, database=database))
    skill = app.extensions["stretch_coach"]["skill"]

    print(f"µs per call, best of {args.batches} batches of {args.calls}"
          f" (the SDK's batches are a tenth as long)")
    print(f"{'':44}{'SDK':>10}{'quick':>10}{'ratio':>9}")
    slow = max(1, args.calls // 10)
    for name, data in named.items():
        sdk, quick = best_per_call([lambda data=data: sdk_read(data, RequestEnvelope),
                                    lambda data=data: QUICK.from_data(data, RequestEnvelope)],
                                   [slow, args.calls], args.batches)
        print(f"{'read ' + name:44}{sdk:10.1f}{quick:10.1f}{sdk / quick:8.1f}x")
    for name, response in responses(skill, named).items():
        sdk, quick, dumps = best_per_call(
            [lambda response=response: SDK.serialize(response),
             lambda response=response: QUICK.serialize(response),
             lambda response=response: orjson.dumps(QUICK.serialize(response))],
            [args.calls] * 3, args.batches)
        print(f"{'write the response to ' + name:44}{sdk:10.1f}{quick:10.1f}{sdk / quick:8.1f}x")
        print(f"{'  (quick, then orjson.dumps as app.py does)':44}{'':10}{dumps:10.1f}")

    data = named["intent_request.json"]
    print("\nA fresh process reading intent_request.json (ms):")
    print(f"{'':44}{'SDK':>10}{'quick':>10}")
    sdk, quick = first_request("sdk", data), first_request("quick", data)
    for key, label in (("import", "import the serializer and ask_sdk_model"),
                       ("first", "first read (quick: compiling its readers)"),
                       ("second", "second read")):
        print(f"{label:44}{sdk[key] * 1e3:10.2f}{quick[key] * 1e3:10.2f}")
    print(f"{'ask_sdk_model modules imported':44}{sdk['modules']:10}{quick['modules']:10}")
    print(f"{'readers compiled':44}{'':10}{quick['readers']:10}")


if __name__ == "__main__":
    main()
