"""The store on SQL, SQLite or PostgreSQL: a row a person, keyed by the Alexa user id, and a
row a finished routine, keyed by the person's number.

Nothing is read, modified and written back. A save is one upsert of the person's row, setting
only what changed, as one statement that commits by itself; a finish adds the completion in
the same transaction, and the streak moves on inside the upsert (Streak.after, as SQL), so
two hosts finishing routines for one person at once lose neither.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from ..content.timing import HOLD_LENGTHS, PACE_FACTORS, Pace
from .database import Database
from .forgetting import Forgetting
from .records import Bookmark, Changes, Completion, Person, Streak
from .store import Store

SELECT_PERSON = ("SELECT first_seen, time_zone, zone_checked, routine, step, place_saved, "
                 "place_hold, place_heard_out, place_finishing, place_to, pace, hold_length, "
                 "quiet, hands_free, streak, best_streak, last_day, reminder_id, reminder_offered "
                 "FROM people WHERE user_id = ?")
SELECT_COMPLETIONS = ("SELECT routine, finished, request_id FROM completions "
                      "WHERE person = (SELECT id FROM people WHERE user_id = ?) AND finished >= ? "
                      "ORDER BY finished, request_id")
INSERT_COMPLETION = ("INSERT INTO completions (person, finished, request_id, routine) "
                     "SELECT id, ?, ?, ? FROM people WHERE user_id = ? ON CONFLICT DO NOTHING")
# Streak.after, as the person's row is updated: the proposed row (`excluded`) carries the day
# finished on as its last_day, the stored row what was counted so far.
STREAK_AFTER = {
    "streak": "CASE WHEN people.last_day >= excluded.last_day THEN people.streak "
              "WHEN people.last_day = excluded.last_day - 1 THEN people.streak + 1 ELSE 1 END",
    "best_streak": "CASE WHEN people.last_day >= excluded.last_day THEN people.best_streak "
                   "WHEN people.last_day = excluded.last_day - 1 "
                   "AND people.streak + 1 > people.best_streak THEN people.streak + 1 "
                   "WHEN people.last_day = excluded.last_day - 1 THEN people.best_streak "
                   "WHEN people.best_streak > 1 THEN people.best_streak ELSE 1 END",
    "last_day": "CASE WHEN people.last_day >= excluded.last_day THEN people.last_day "
                "ELSE excluded.last_day END",
}
FIRST_STREAK = {"streak": 1, "best_streak": 1}
# The unfinished routine's columns, all cleared together.
PLACE_COLUMNS = ("routine", "step", "place_saved", "place_hold", "place_heard_out",
                 "place_finishing", "place_to")
# Alexa's reminder ids (alertToken) are a UUID's length; anything far longer is not one.
MAX_REMINDER_ID = 200


class SqlStore(Store):
    def __init__(self, database: Database, background: bool = True):
        self.database = database
        self.forgetting = Forgetting(database, background)

    def load(self, user: str) -> Person:
        self.forgetting.start()
        rows = self.database.query(SELECT_PERSON, (user,))
        return _person(rows[0]) if rows else Person()

    def completions(self, user: str, since: int) -> tuple[Completion, ...]:
        rows = self.database.query(SELECT_COMPLETIONS, (user, since))
        return tuple(Completion(routine, finished, request) for routine, finished, request in rows
                     if _typed(routine, str) and _typed(finished, int) and _typed(request, str))

    def save(self, user: str, changes: Changes) -> None:
        if not changes:
            return
        columns = _columns(changes)
        seen = changes.seen if changes.seen is not None else int(time.time())
        finished = changes.finished
        if finished is None:
            self.database.change(_upsert(tuple(columns)), (user, seen, *columns.values()))
            return
        values = (user, seen, *columns.values(), *FIRST_STREAK.values(), changes.finished_on)
        with self.database.transaction() as tx:
            tx.change(_upsert(tuple(columns), finishing=True), values)
            tx.change(INSERT_COMPLETION, (finished.finished, finished.request_id,
                                          finished.routine, user))

    def forget(self, user: str) -> None:
        self.forgetting.forget(user)

    def close(self) -> None:
        self.forgetting.stop()
        self.database.close()


def _columns(changes: Changes) -> dict[str, Any]:
    """The people columns `changes` set (first_seen aside: it is only ever set once)."""
    columns: dict[str, Any] = {}
    if changes.bookmark == Changes.CLEAR:
        columns.update(dict.fromkeys(PLACE_COLUMNS))
    elif isinstance(changes.bookmark, Bookmark):
        bookmark = changes.bookmark
        columns.update(routine=bookmark.routine, step=bookmark.step, place_saved=bookmark.saved,
                       place_hold=bookmark.hold, place_heard_out=bookmark.heard_out,
                       place_finishing=bookmark.finishing or None, place_to=bookmark.to or None)
    if changes.zone_checked is not None:
        columns["zone_checked"] = changes.zone_checked
        if changes.zone is not None:
            columns["time_zone"] = changes.zone
    if changes.pace is not None:
        columns["pace"], columns["hold_length"] = changes.pace.speed, changes.pace.hold
        columns["quiet"] = 0 if changes.pace.sounds else 1
    if changes.hands_free is not None:
        columns["hands_free"] = 1 if changes.hands_free else 0
    if changes.reminder is not None:
        columns["reminder_id"] = None if changes.reminder == Changes.CLEAR else changes.reminder
    if changes.offered is not None:
        columns["reminder_offered"] = changes.offered
    return columns


@cache
def _upsert(columns: tuple[str, ...], finishing: bool = False) -> str:
    """One statement that creates the person's row or sets `columns` on it, and when
    `finishing`, counts a finish on the day given last."""
    counted = (*FIRST_STREAK, "last_day") if finishing else ()
    names = ", ".join(("user_id", "first_seen", *columns, *counted))
    marks = ", ".join("?" * (2 + len(columns) + len(counted)))
    updates = [f"{column} = excluded.{column}" for column in columns]
    if finishing:
        updates += [f"{column} = {expression}" for column, expression in STREAK_AFTER.items()]
    if not updates:
        return f"INSERT INTO people ({names}) VALUES ({marks}) ON CONFLICT (user_id) DO NOTHING"
    return (f"INSERT INTO people ({names}) VALUES ({marks}) "
            f"ON CONFLICT (user_id) DO UPDATE SET {', '.join(updates)}")


def _person(row: tuple) -> Person:
    """The person a row describes; a field of the wrong type (a hand-edited row, say) is
    dropped rather than trusted."""
    (first_seen, zone, checked, routine, step, saved, place_hold, heard_out, finishing, to,
     speed, hold, quiet, hands_free, length, best, last_day, reminder, offered) = row
    bookmark = Bookmark(routine, step, saved, place_hold if _typed(place_hold, int) else 0,
                        heard_out if _typed(heard_out, int) else None,
                        finishing if _typed(finishing, str) else "",
                        to if _typed(to, int) else 0) if (
        _typed(routine, str) and _typed(step, int) and _typed(saved, int)) else None
    streak = Streak(length, best, last_day) if (
        _typed(length, int) and _typed(best, int) and _typed(last_day, int)
        and 0 < length <= best) else Streak()
    return Person(first_seen=first_seen if _typed(first_seen, int) else 0,
                  time_zone=zone if _typed(zone, str) else None,
                  zone_checked=checked if _typed(checked, int) else None,
                  bookmark=bookmark, pace=_pace(speed, hold, quiet), streak=streak,
                  reminder=reminder if _typed(reminder, str)
                  and 0 < len(reminder) <= MAX_REMINDER_ID else None,
                  reminder_offered=_typed(offered, int), hands_free=hands_free == 1)


def _typed(value: Any, kind: type) -> bool:
    return type(value) is kind


def _pace(speed: Any, hold: Any, quiet: Any) -> Pace:
    """The stored pace, or the usual one where a value is missing or out of range."""
    usual = Pace()
    return Pace(speed if _typed(speed, int) and 0 <= speed < len(PACE_FACTORS) else usual.speed,
                hold if _typed(hold, int) and 0 <= hold < HOLD_LENGTHS else usual.hold,
                quiet != 1)
