"""Which wording of a phrase a response uses: predictable from the request, never the same in
two turns running.

A phrase in phrases.yaml may have several wordings. A response picks one from its session's
id (so every session sounds a little different) and its turn number in the session (so the
next turn, which counts one more, picks the next wording along): a phrase said in two
consecutive turns is never worded the same, and a test that knows the session id and the
turn can say which wording it will hear.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from ..coach.state import TURNS


@dataclass(frozen=True)
class Variety:
    seed: str = ""  # the session's id; outside a session, the request's
    turn: int = 0  # this response's number in the session, from 1

    def pick(self, key: str, count: int) -> int:
        """Which of `count` wordings of phrase `key` this response uses."""
        if count < 2:
            return 0
        start = zlib.crc32(f"{self.seed}\n{key}".encode("utf-8", "replace"))
        return (start + self.turn) % count


def next_turn(turn: int) -> int:
    """The number of the response after `turn`."""
    return (turn + 1) % TURNS
