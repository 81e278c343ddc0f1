"""The skill on its own gunicorn configuration, as `serve` runs it, remembering people in the
SQL store SKILL_DATABASE_URL names, or in the same store with every save skipped: the floor
a saving request is measured against (bench/tail.py).

    python bench/skill_server.py PORT WORKERS save|skip
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skill import logs  # noqa: E402
from skill.app import create_app  # noqa: E402
from skill.server import serve  # noqa: E402
from skill.settings import Settings  # noqa: E402
from skill.store import Store, open_store  # noqa: E402
from skill.store.database import open_database  # noqa: E402
from skill.store.records import Changes, Completion, Person  # noqa: E402
from skill.store.schema import upgrade  # noqa: E402


class SavesSkipped(Store):
    """A store that reads as `store` does and writes nothing."""

    def __init__(self, store: Store):
        self.store = store

    def load(self, user: str) -> Person:
        return self.store.load(user)

    def completions(self, user: str, since: int) -> tuple[Completion, ...]:
        return self.store.completions(user, since)

    def save(self, user: str, changes: Changes) -> None:
        pass

    def forget(self, user: str) -> None:
        pass

    def close(self) -> None:
        self.store.close()


def main(port: int, workers: int, saves: bool) -> None:
    handler = logs.configure("INFO")
    settings = Settings.from_env()
    migrating = open_database(settings.database, serving=False)
    upgrade(migrating, settings.time_zone)
    migrating.close()
    store = open_store(settings.database)
    app = create_app(settings, store=store if saves else SavesSkipped(store))
    handler.flush_now()
    serve(app, "127.0.0.1", port, workers, settings.log_level)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[3] not in ("save", "skip"):
        raise SystemExit(__doc__)
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "save")
