"""What the skill remembers of a person, for the handlers: loaded when a reply needs it, and
what a reply changes saved before the response is returned.

A session start reads the person's one row (place, pace, zone, streak); their finished
routines are read only for a summary, spoken or shown. A store that fails never fails the
conversation: the person is heard as someone new (so the safety note comes first), and the
error is logged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, tzinfo

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope

from ..clock import Clock
from ..coach.progress import WEEK_DAYS, Progress, summarize
from ..coach.replies import Effect, History, Reply
from ..coach.state import Place, State
from ..content.catalog import Catalog
from ..store import Store, StoreError
from ..store.days import local_day, read_zone
from ..store.records import Bookmark, Changes, Completion, Person
from ..untrusted import shown
from ..verify.verifiers import TIMESTAMP_TOLERANCE_SECONDS
from .inputs import request_id
from .time_zone import device_time_zone

log = logging.getLogger(__name__)

PERSON = "person"
ZONE_ASKED = "zone_asked"
STALE_PLACE = "stale_place"
STORE_DOWN = "store_down"
FINISH = "finish"
# A known zone is asked for again weekly (people travel); after a failed question, daily.
ZONE_RECHECK = timedelta(days=7)
ZONE_RETRY = timedelta(days=1)
# Alexa's user ids are a few hundred characters; anything longer is not one.
MAX_USER_ID = 512
MAX_REQUEST_ID = 100
# A summary's seven local days, read back far enough for any zone (UTC-12 to UTC+14).
WEEK_READ = timedelta(days=WEEK_DAYS + 1)
# Alexa's requests carry the moment they were sent, which verification holds within 150 s of
# the clock; a finish is recorded at it, so a retry of the request (the same id, the same
# moment) is the same completion. Further off (unverified requests only), the clock's time is.
REQUEST_TIME_TOLERANCE = timedelta(seconds=TIMESTAMP_TOLERANCE_SECONDS)


def user_id(request_envelope: RequestEnvelope) -> str | None:
    """The opaque id Alexa gives the person's account for this skill, if it looks like one."""
    system = request_envelope.context and request_envelope.context.system
    user = system and system.user and system.user.user_id
    return user if isinstance(user, str) and 0 < len(user) <= MAX_USER_ID else None


def _request(handler_input: HandlerInput) -> str:
    """The request's id as stored with a completion: a retry of it has the same."""
    return (handler_input.request_envelope.request.request_id or "")[:MAX_REQUEST_ID]


def _step(place: Place | None) -> tuple[str, int] | None:
    """Where a place starts, at the granularity that is stored (never its speech parts)."""
    return (place.routine.id, place.step) if place else None


class Memory:
    def __init__(self, catalog: Catalog, store: Store, clock: Clock, resume_window: timedelta,
                 default_zone: tzinfo):
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self.resume_window = resume_window
        self.default_zone = default_zone

    def person(self, handler_input: HandlerInput) -> Person:
        """The person's stored record, loaded at most once a request."""
        cache = handler_input.attributes_manager.request_attributes
        if PERSON not in cache:
            user = user_id(handler_input.request_envelope)
            try:
                cache[PERSON] = Person() if user is None else self.store.load(user)
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
        zone = self._zone(handler_input, person)
        now = self.clock()
        week = self._week(handler_input, person, now)
        streak = person.streak
        finish = self._finish(handler_input, reply, zone)
        if finish is not None:  # shown before it is saved
            completion, day = finish
            streak = streak.after(day)
            if completion.request_id not in {each.request_id for each in week}:
                week += (completion,)  # not stored by an earlier try of the request
        finished = [(each.routine, datetime.fromtimestamp(each.finished, UTC)) for each in week]
        today = local_day(now.timestamp(), zone)
        return summarize(finished, self.catalog, zone, now, streak=streak.on(today))

    def save(self, handler_input: HandlerInput, before: State, reply: Reply) -> None:
        """Stores what `reply` changed, if anything, before the response goes out."""
        user = user_id(handler_input.request_envelope)
        forgets = Effect.FORGET_PERSON in reply.effects
        changes = Changes() if forgets else self.changes(handler_input, before, reply)
        if user is None or not (forgets or changes):
            return
        if handler_input.attributes_manager.request_attributes.get(STORE_DOWN):
            # The load already waited out the database's deadline; a second wait would take
            # the request past Alexa's 8 seconds.
            log.error("request %s: not saving %s: the database did not answer",
                      request_id(handler_input), ["forget"] if forgets else changes.names())
            return
        if forgets:
            self.forget(handler_input)
            return
        try:
            self.store.save(user, changes)
        except StoreError as error:
            log.error("request %s: cannot save %s: %s", request_id(handler_input),
                      changes.names(), error)

    def forget(self, handler_input: HandlerInput) -> None:
        """Erases everything stored for the person (their history in the background)."""
        user = user_id(handler_input.request_envelope)
        if user is None:
            return
        try:
            self.store.forget(user)
        except StoreError as error:
            log.error("request %s: cannot forget the person: %s", request_id(handler_input),
                      error)

    def changes(self, handler_input: HandlerInput, before: State, reply: Reply) -> Changes:
        effects = reply.effects
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
        # Asked after the place is read: a finish may ask for the zone, to count its day.
        finish = self._finish(handler_input, reply)
        completion, day = finish if finish else (None, None)
        asked = ZONE_ASKED in cache
        # A new record is first seen now; an existing one keeps its own first-seen.
        return Changes(seen=now, bookmark=bookmark, zone=cache.get(ZONE_ASKED),
                       zone_checked=now if asked else None, finished=completion,
                       finished_on=day,
                       pace=reply.state.pace if Effect.PACE in effects else None)

    def _finish(self, handler_input: HandlerInput, reply: Reply | None,
                zone: tzinfo | None = None) -> tuple[Completion, int] | None:
        """The completion `reply` makes, if it finishes a routine, and the person's local day
        it counts for; the same for the summary shown and the save."""
        if reply is None or Effect.FINISHED not in reply.effects or not reply.state.place:
            return None
        cache = handler_input.attributes_manager.request_attributes
        if FINISH not in cache:
            at = self._finished_at(handler_input)
            zone = zone or self._zone(handler_input, self.person(handler_input))
            cache[FINISH] = (Completion(reply.state.place.routine.id, at,
                                        _request(handler_input)), local_day(at, zone))
        return cache[FINISH]

    def _finished_at(self, handler_input: HandlerInput) -> int:
        now = self.clock()
        sent = handler_input.request_envelope.request.timestamp
        if isinstance(sent, datetime) and sent.tzinfo is not None \
                and abs(sent - now) <= REQUEST_TIME_TOLERANCE:
            return int(sent.timestamp())
        return int(now.timestamp())

    def _week(self, handler_input: HandlerInput, person: Person,
              now: datetime) -> tuple[Completion, ...]:
        """The person's completions of the last eight days (enough for seven local days)."""
        user = user_id(handler_input.request_envelope)
        cache = handler_input.attributes_manager.request_attributes
        if user is None or not person.known or cache.get(STORE_DOWN):
            return ()
        try:
            return self.store.completions(user, int((now - WEEK_READ).timestamp()))
        except StoreError as error:
            log.error("request %s: cannot read finished routines: %s",
                      request_id(handler_input), error)
            return ()

    def _zone(self, handler_input: HandlerInput, person: Person) -> tzinfo:
        """The person's zone: the device is asked (once a request) when the stored one is
        stale, the default zone used when neither says."""
        cache = handler_input.attributes_manager.request_attributes
        zone = person.time_zone
        if ZONE_ASKED in cache:
            zone = cache[ZONE_ASKED] or zone
        elif self._zone_stale(person):
            asked = cache[ZONE_ASKED] = device_time_zone(handler_input)
            zone = asked or zone
        return read_zone(zone) or self.default_zone

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
