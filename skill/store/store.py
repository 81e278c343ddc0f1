"""The store's seam: what the Alexa layer asks of any store, whatever database is behind it.

A store keeps, per person (the opaque Alexa user id), one record (`Person`), changed field by
field, and an append-only history of finished routines. The contract below is what the skill
relies on; tests/test_store_contract.py holds every store to it. The SQL store (sql.py) is
the one shipped.

Why not the ASK SDK's AbstractPersistenceAdapter: its adapters (DynamoDB, S3) read and write
a person's attributes as one item, overwriting all of it with what they are given. The skill
saves only what a request changed (a place, a pace, a finished routine), so a whole-item
adapter given those changes would silently drop first-seen, the pace and the history; and it
would keep "forget me" as one more attribute instead of deleting.
"""

from __future__ import annotations

import abc

from .records import Changes, Completion, Person


class StoreError(Exception):
    """The store could not be reached, or refused a read or a write. The conversation goes
    on without it; nothing half-written is left behind."""


class Store(abc.ABC):
    """Everything the skill remembers, for any number of threads and processes at once.

    Every method may raise StoreError, and only StoreError, for a failing backend, within a
    few seconds (Alexa waits 8 for the whole answer).
    """

    @abc.abstractmethod
    def load(self, user: str) -> Person:
        """The person's record, without their history; Person() for someone unknown or
        forgotten. One cheap read, whatever the person's history: every session start
        pays it."""

    @abc.abstractmethod
    def completions(self, user: str, since: int) -> tuple[Completion, ...]:
        """The person's completions finished at `since` or later, oldest first, all of them
        (no row limit): a summary asks for the last eight days."""

    @abc.abstractmethod
    def save(self, user: str, changes: Changes) -> None:
        """Applies `changes` at once, all or nothing, creating the record if need be.

        Only the fields `changes` sets are written: first-seen only if not yet set, the
        zone only with the time it was checked, the rest as given. A completion is appended
        and the streak moved on (Streak.after, for `changes.finished_on`) in the same atomic
        change; the same completion saved twice, as by a retried request, is kept once.
        Saves for one person from many hosts at once all land: none is read, modified and
        written back over another."""

    @abc.abstractmethod
    def forget(self, user: str) -> None:
        """Erases the person, answering at once: from its return nothing of theirs is ever
        read again (not after a crash either), and a later save starts a new record with
        no history. Erasing a long history may finish in the background, in short steps
        that never hold up other people's saves."""

    @abc.abstractmethod
    def close(self) -> None:
        """Lets go of what this process holds (connections, threads); the next call opens
        afresh."""
