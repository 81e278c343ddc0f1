"""How much verification costs a request, against baselines measured in the same run.

    python bench/verification.py [--requests N]

Prints per-request times for: re-validating the chain on every request (what the SDK's
verifier does), our cached path (one RSA verification), a request naming a chain URL not seen
before (fetched in a thread of its own, here from memory), and whole requests through the Flask
app with verification off and on (bodies signed before the clock starts).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import per_call  # noqa: E402
from skill.app import create_app  # noqa: E402
from skill.settings import DatabaseUrl, Settings  # noqa: E402
from skill.verify.chain import ChainValidator, load_roots  # noqa: E402
from skill.verify.chain_cache import ChainCache  # noqa: E402
from skill.verify.verifiers import SignatureVerifier, utc_now  # noqa: E402
from tests.pki import NOW, AlexaLikePKI, body_for, signed, verified_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    n = parser.parse_args().requests
    pki = AlexaLikePKI(Path(tempfile.mkdtemp()), NOW)
    body = body_for()
    headers = signed(pki, body)
    roots = load_roots(pki.roots_file)

    def fetch(path: str) -> bytes:
        return pki.chain("good")

    class EveryTime:
        """What the SDK's verifier does: the chain validated again on every request."""

        validator = ChainValidator(roots)

        def key_for(self, path, now):
            return self.validator.validate(fetch(path), now)

    every_time = SignatureVerifier(EveryTime())
    cached = SignatureVerifier(ChainCache(fetch, ChainValidator(roots)))
    new_urls = ChainCache(fetch, ChainValidator(roots), max_entries=10**9)
    paths = (f"/echo.api/chain-{number}.pem" for number in itertools.count())
    results = {
        "chain validated on every request": per_call(
            lambda: every_time.verify(headers, body, {}), n),
        "cached chain: one RSA verification": per_call(
            lambda: cached.verify(headers, body, {}), n),
        "a new chain URL (fetch thread, validation)": per_call(
            lambda: new_urls.key_for(next(paths), utc_now()), max(n // 10, 1)),
        "load the default root bundle (start-up)": per_call(lambda: load_roots(), 20),
    }
    database = DatabaseUrl.parse(f"sqlite:///{pki.folder}/bench.sqlite3")
    open_app = create_app(Settings(routines=(ROOT / "routines",), verify=False,
                                   database=database)).test_client()
    verified_app = create_app(verified_settings(pki)).test_client()
    bodies = [body_for() for _ in range(n)]
    requests = [(fresh, signed(pki, fresh)) for fresh in bodies]  # signed before timing

    def post_all(client, with_headers: bool):
        for fresh, headers in requests:
            client.post("/", data=fresh, headers=headers if with_headers else {},
                        content_type="application/json")

    results["whole request, verification off"] = per_call(
        lambda: post_all(open_app, False), 1) / n
    results["whole request, verification on"] = per_call(
        lambda: post_all(verified_app, True), 1) / n

    width = max(map(len, results))
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds * 1e3:8.3f} ms")
    baseline = results["chain validated on every request"]
    speedup = baseline / results["cached chain: one RSA verification"]
    print(f"\ncached verification is {speedup:.1f}x faster than validating the chain each time")
    unverified = results["whole request, verification off"]
    overhead = results["whole request, verification on"] - unverified
    print(f"verification adds {overhead * 1e3:.3f} ms to a request "
          f"({overhead / unverified:.0%} of an unverified one)")
    print(f"(clock: {utc_now():%Y-%m-%d %H:%M}Z, {n} requests a batch, median of 5 batches)")


if __name__ == "__main__":
    main()
