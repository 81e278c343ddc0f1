"""Persistence: what the skill remembers of each person, on SQLite or PostgreSQL.

Called by the Alexa layer through `Store` (store.py), never by the Coach.
"""

from __future__ import annotations

from ..settings import DatabaseUrl
from .database import open_database
from .sql import SqlStore
from .store import Store, StoreError

__all__ = ["SqlStore", "Store", "StoreError", "open_store"]


def open_store(database: DatabaseUrl) -> SqlStore:
    """The SQL store in the database `database` names, to serve requests from (its schema
    upgraded first: see schema.upgrade)."""
    return SqlStore(open_database(database))
