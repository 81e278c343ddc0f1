"""What the skill remembers of a person, for the handlers: loaded when a reply needs it, and
what a reply changes saved before the response is returned.

A store that fails never fails the conversation: the person is heard as someone new (so the
safety note comes first), and the error is logged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, tzinfo

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.handler_input import HandlerInput

from ..clock import Clock
from ..coach.progress import Progress, summarize
from ..coach.replies import Effect, History, Reply
from ..coach.state import Place, State
from ..content.catalog import Catalog
from ..store.adapter import user_id
from ..store.database import StoreError
from ..store.records import Bookmark, Changes, Completion, Person
from ..untrusted import shown
from .inputs import request_id
from .time_zone import device_time_zone, read_zone

log = logging.getLogger(__name__)

PERSON = "person"
ZONE_ASKED = "zone_asked"
STALE_PLACE = "stale_place"
STORE_DOWN = "store_down"
# A known zone is asked for again weekly (people travel); after a failed question, daily.
ZONE_RECHECK = timedelta(days=7)
ZONE_RETRY = timedelta(days=1)
MAX_REQUEST_ID = 100


def _request(handler_input: HandlerInput) -> str:
    """The request's id as stored with a completion: a retry of it has the same."""
    return (handler_input.request_envelope.request.request_id or "")[:MAX_REQUEST_ID]


def _step(place: Place | None) -> tuple[str, int] | None:
    """Where a place starts, at the granularity that is stored (never its speech parts)."""
    return (place.routine.id, place.step) if place else None


class Memory:
    def __init__(self, catalog: Catalog, adapter: AbstractPersistenceAdapter, clock: Clock,
                 resume_window: timedelta, default_zone: tzinfo):
        self.catalog = catalog
        self.adapter = adapter
        self.clock = clock
        self.resume_window = resume_window
        self.default_zone = default_zone

    def person(self, handler_input: HandlerInput) -> Person:
        """The person's stored record, loaded at most once a request."""
        cache = handler_input.attributes_manager.request_attributes
        if PERSON not in cache:
            try:
                attributes = handler_input.attributes_manager.persistent_attributes
                cache[PERSON] = Person.from_attributes(attributes)
            except StoreError as error:
                log.error("request %s: cannot load what is remembered: %s",
                          request_id(handler_input), error)
                cache[PERSON] = Person()
                cache[STORE_DOWN] = True
        return cache[PERSON]

    def history(self, handler_input: HandlerInput) -> History:
        person = self.person(handler_input)
        return History(known=person.known, saved=self._saved_place(handler_input, person))

    def progress(self, handler_input: HandlerInput, reply: Reply | None = None) -> Progress:
        """The person's week, in their local days, counting the routine `reply` finishes."""
        person = self.person(handler_input)
        zone = person.time_zone
        if self._zone_stale(person):
            asked = device_time_zone(handler_input)
            handler_input.attributes_manager.request_attributes[ZONE_ASKED] = asked
            zone = asked or zone
        now = self.clock()
        finished = [(routine, datetime.fromtimestamp(at, UTC))
                    for routine, at, _ in person.finished]
        stored = {request for _, _, request in person.finished}
        if reply is not None and Effect.FINISHED in reply.effects and reply.state.place \
                and _request(handler_input) not in stored:  # not stored by an earlier try
            finished.append((reply.state.place.routine.id, now))
        return summarize(finished, self.catalog, read_zone(zone) or self.default_zone, now)

    def save(self, handler_input: HandlerInput, before: State, reply: Reply) -> None:
        """Stores what `reply` changed, if anything, before the response goes out."""
        changes = self.changes(handler_input, before, reply)
        if not changes or user_id(handler_input.request_envelope) is None:
            return
        manager = handler_input.attributes_manager
        if manager.request_attributes.get(STORE_DOWN):
            # The load already waited out the database's deadline; a second wait would take
            # the request past Alexa's 8 seconds.
            log.error("request %s: not saving %s: the database did not answer",
                      request_id(handler_input), sorted(changes.to_attributes()))
            return
        manager.persistent_attributes = changes.to_attributes()
        try:
            manager.save_persistent_attributes()
        except StoreError as error:
            log.error("request %s: cannot save %s: %s", request_id(handler_input),
                      sorted(manager.persistent_attributes), error)

    def changes(self, handler_input: HandlerInput, before: State, reply: Reply) -> Changes:
        effects = reply.effects
        if Effect.FORGET_PERSON in effects:
            return Changes(forget=True)
        cache = handler_input.attributes_manager.request_attributes
        place = reply.state.place
        moved = place is not None and _step(place) != _step(before.place)
        if not (effects or moved or cache.get(STALE_PLACE) or ZONE_ASKED in cache):
            return Changes()  # the commonest request: nothing to remember
        now = int(self.clock().timestamp())
        bookmark: Bookmark | str | None = None
        if effects & {Effect.FINISHED, Effect.FORGET_PLACE}:
            bookmark = Changes.CLEAR
        elif moved:
            bookmark = Bookmark(place.routine.id, place.step, now)
        elif cache.get(STALE_PLACE):
            bookmark = Changes.CLEAR
        finished = None
        if Effect.FINISHED in effects:
            finished = Completion(place.routine.id, now, _request(handler_input))
        asked = ZONE_ASKED in cache
        return Changes(seen=now if Effect.MET in effects else None, bookmark=bookmark,
                       zone=cache.get(ZONE_ASKED), zone_checked=now if asked else None,
                       finished=finished,
                       pace=reply.state.pace if Effect.PACE in effects else None)

    def _saved_place(self, handler_input: HandlerInput, person: Person) -> Place | None:
        """The unfinished routine to offer, if it is recent and still makes sense."""
        bookmark = person.bookmark
        if bookmark is None:
            return None
        routine = self.catalog.get(bookmark.routine)
        if routine is None or not 0 <= bookmark.step < len(routine.steps):
            # The content changed under it: forget it (so this is logged once, not every time).
            cache = handler_input.attributes_manager.request_attributes
            if not cache.get(STALE_PLACE):
                log.warning("request %s: dropping a stored place that no longer exists: "
                            "routine %s, step %s", request_id(handler_input),
                            shown(bookmark.routine), bookmark.step)
            cache[STALE_PLACE] = True
            return None
        age = self.clock() - datetime.fromtimestamp(bookmark.saved, UTC)
        return Place(routine, bookmark.step) if age <= self.resume_window else None

    def _zone_stale(self, person: Person) -> bool:
        if person.zone_checked is None:
            return True
        age = self.clock() - datetime.fromtimestamp(person.zone_checked, UTC)
        return age > (ZONE_RECHECK if person.time_zone else ZONE_RETRY)
