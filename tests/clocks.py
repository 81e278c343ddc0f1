"""Clocks for the skill under test: real time, from a fixed moment."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

# A Monday morning in UTC (and in the UTC the shared settings API stand-in reports): what
# depends on the hour, such as the bedtime reminder offered in the evening, does not depend
# on when the tests run.
MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class SteadyClock:
    """Real time, started at `start`: requests are seconds apart as they really are."""

    def __init__(self, start: datetime = MORNING):
        self.start = start
        self.began = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)
