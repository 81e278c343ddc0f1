"""The tail of a saved step: a verified "next" that saves the place, against the very same
request with the save skipped (the no-write floor), side by side in one run.

    python bench/tail.py [--seconds 5] [--rounds 5] [--connections 4 8 16] [--workers 1 2]
                         [--postgres]

Both servers are the skill as `serve` runs it (bench/skill_server.py: its gunicorn workers of
8 threads, its log line), one remembering people in SQLite (or, with --postgres, PostgreSQL),
the other reading the same store and skipping every save. wrk loads each in turn with the
signed "next" requests of bench/speed.py (500 people, each request moving a person's place on,
so each saves), round after round, so a change in the machine's speed.load falls on both; the table
gives medians over rounds, and the ratio of the saving server's p99 to the floor's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import speed  # noqa: E402
from tests.pki import AlexaLikePKI  # noqa: E402

SIDES = {"floor (save skipped)": "skip", "saves the place": "save"}


def server(workers: int, side: str, env: dict[str, str], probe: bytes) -> Callable:
    command = [sys.executable, "bench/skill_server.py", "{port}", str(workers), side]
    return lambda: speed.serving(command, env, probe)


def tail(args: argparse.Namespace, work: Path, pki: AlexaLikePKI, database: str,
         script: Path) -> dict[tuple[int, int], dict[str, tuple[speed.Load, float]]]:
    """For each number of workers and of connections: each side's median figures, and the
    median over rounds of its p99 against the floor's of the same round."""
    requests = speed.Requests(pki, work)
    results = {}
    for workers in args.workers:
        nexts = requests.fresh("next")
        env = speed.skill_env(pki, database)
        probe = speed.Requests.probe(nexts)
        starts = {name: server(workers, side, env, probe) for name, side in SIDES.items()}
        with speed.serving_all(starts) as running:
            for connections in args.connections:
                nexts = requests.fresh("next")  # signed afresh: the timestamps must be recent
                rounds: dict[str, list[speed.Load]] = {name: [] for name in SIDES}
                for each in running.values():
                    speed.load(each, nexts, script, 1, connections)  # warm up
                for _ in range(args.rounds):
                    for name, each in running.items():
                        rounds[name].append(
                            speed.load(each, nexts, script, args.seconds, connections))
                floor = rounds[next(iter(SIDES))]
                results[workers, connections] = {
                    name: (speed.median(loads), statistics.median(
                        each.p99 / base.p99 for each, base in zip(loads, floor, strict=True)))
                    for name, loads in rounds.items()}
    return results


def report(results: dict, args: argparse.Namespace, where: str) -> None:
    print(f"verified 'next' requests, {where}; wrk, medians of {args.rounds} rounds of "
          f"{args.seconds} s; p99 ratio: against the floor's, round by round\n")
    print(f"{'':34}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'CPU µs/req':>12}{'p99 ratio':>11}"
          f"{'failed':>8}")
    for (workers, connections), sides in results.items():
        print(f"{workers} worker{'s' if workers > 1 else ''}, {connections} connections")
        for name, (each, ratio) in sides.items():
            print(f"  {name:32}{each.rate:8.0f}{each.p50:9.2f}{each.p99:9.2f}{each.cpu_us:12.0f}"
                  f"{ratio:11.2f}{each.failed:8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--postgres", action="store_true",
                        help="PostgreSQL (STRETCH_COACH_TEST_POSTGRES, or a throw-away cluster)")
    args = parser.parse_args()
    work, pki, script = speed.workspace("bench-tail-")
    stop = lambda: None  # noqa: E731
    try:
        if args.postgres:
            database, stop = speed.postgres_url(work)
            if database is None:
                raise SystemExit("PostgreSQL is not installed")
            where = "PostgreSQL"
        else:
            database, where = f"sqlite:///{work}/skill.sqlite3", "SQLite"
        report(tail(args, work, pki, database, script), args, where)
    finally:
        stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
