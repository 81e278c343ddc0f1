"""The ASK SDK's persistence seam, on SQL: persistent attributes keyed by the Alexa user id.

`get_attributes` loads a person (see records.Person); `save_attributes` applies the changes a
request made (records.Changes), each field present written, the rest left alone. Nothing is
read-modified-written: the person's row is one upsert, a finished routine one appended row.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from .database import Database
from .records import FINISHED, FIRST_SEEN, FORGET, PACE, PLACE, ZONE, ZONE_CHECKED

# Alexa's user ids are a few hundred characters; anything longer is not one.
MAX_USER_ID = 512
# Completions loaded with a person: enough for the week's summary and a year-long streak.
HISTORY_SECONDS = 366 * 24 * 3600
HISTORY_ROWS = 1000

SELECT_PERSON = ("SELECT first_seen, time_zone, zone_checked, routine, step, place_saved, "
                 "pace, hold_length FROM people WHERE user_id = ?")
SELECT_FINISHED = ("SELECT routine, finished, request_id FROM completions "
                   "WHERE user_id = ? AND finished >= ? ORDER BY finished DESC LIMIT ?")
INSERT_COMPLETION = ("INSERT INTO completions (user_id, request_id, routine, finished) "
                     "VALUES (?, ?, ?, ?) ON CONFLICT (user_id, request_id) DO NOTHING")
DELETE_PERSON = ("DELETE FROM completions WHERE user_id = ?",
                 "DELETE FROM people WHERE user_id = ?")


def user_id(request_envelope: RequestEnvelope) -> str | None:
    """The opaque id Alexa gives the person's account for this skill, if it looks like one."""
    system = request_envelope.context and request_envelope.context.system
    user = system and system.user and system.user.user_id
    return user if isinstance(user, str) and 0 < len(user) <= MAX_USER_ID else None


class SqlPersistenceAdapter(AbstractPersistenceAdapter):
    def __init__(self, database: Database, clock: Callable[[], float]):
        self.database = database
        self.clock = clock

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        user = user_id(request_envelope)
        if user is None:
            return {}
        with self.database.transaction() as tx:
            row = tx.execute(SELECT_PERSON, (user,)).fetchone()
            if row is None:
                return {}
            since = int(self.clock()) - HISTORY_SECONDS
            finished = tx.execute(SELECT_FINISHED, (user, since, HISTORY_ROWS)).fetchall()
        first_seen, zone, checked, routine, step, saved, pace, hold = row
        place = {"routine": routine, "step": step, "saved": saved} if routine else None
        return {FIRST_SEEN: first_seen, ZONE: zone, ZONE_CHECKED: checked, PLACE: place,
                FINISHED: [list(row) for row in finished], PACE: [pace, hold]}

    def save_attributes(self, request_envelope: RequestEnvelope,
                        attributes: dict[str, Any]) -> None:
        user = user_id(request_envelope)
        if user is None or not attributes:
            return
        if attributes.get(FORGET):
            self.delete_attributes(request_envelope)
            return
        columns = _columns(attributes)
        first_seen = attributes.get(FIRST_SEEN) or int(self.clock())
        with self.database.transaction(write=True) as tx:
            tx.execute(_upsert(tuple(columns)), (user, first_seen, *columns.values()))
            if FINISHED in attributes:
                routine, finished, request = attributes[FINISHED]
                tx.execute(INSERT_COMPLETION, (user, request, routine, finished))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        user = user_id(request_envelope)
        if user is None:
            return
        with self.database.transaction(write=True) as tx:
            for statement in DELETE_PERSON:
                tx.execute(statement, (user,))


def _columns(attributes: dict[str, Any]) -> dict[str, Any]:
    """The people columns `attributes` set (first_seen aside: it is only ever set once)."""
    columns: dict[str, Any] = {}
    if PLACE in attributes:
        place = attributes[PLACE]
        columns.update(routine=place and place["routine"], step=place and place["step"],
                       place_saved=place and place["saved"])
    if ZONE_CHECKED in attributes:
        columns["zone_checked"] = attributes[ZONE_CHECKED]
        if ZONE in attributes:
            columns["time_zone"] = attributes[ZONE]
    if PACE in attributes:
        columns["pace"], columns["hold_length"] = attributes[PACE]
    return columns


@cache
def _upsert(columns: tuple[str, ...]) -> str:
    """One statement that creates the person's row or sets `columns` on it."""
    names = ", ".join(("user_id", "first_seen", *columns))
    marks = ", ".join("?" * (len(columns) + 2))
    if not columns:
        return f"INSERT INTO people ({names}) VALUES ({marks}) ON CONFLICT (user_id) DO NOTHING"
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns)
    return (f"INSERT INTO people ({names}) VALUES ({marks}) "
            f"ON CONFLICT (user_id) DO UPDATE SET {updates}")
