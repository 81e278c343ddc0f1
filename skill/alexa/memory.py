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
from ..content.timing import hold_count
from ..store import Store, StoreError
from ..store.days import local_day, read_zone
from ..store.records import Bookmark, Changes, Completion, Person
from ..untrusted import shown
from ..verify.verifiers import TIMESTAMP_TOLERANCE_SECONDS
from .inputs import request_id, starts_session, state_of
from .placing import request_key, request_second
from .time_zone import device_time_zone

log = logging.getLogger(__name__)

PERSON = "person"
ZONE_ASKED = "zone_asked"
STALE_PLACE = "stale_place"
STORE_DOWN = "store_down"
FINISHES = "finishes"
SAVED = "saved"
HEARD_OUT = "heard_out"
# The id of a reminder just made in Alexa's Reminders API, or Changes.CLEAR once it is gone.
REMINDER = "reminder"
# A known zone is asked for again weekly (people travel); after a failed question, daily.
ZONE_RECHECK = timedelta(days=7)
ZONE_RETRY = timedelta(days=1)
# Alexa's user ids are a few hundred characters; anything longer is not one.
MAX_USER_ID = 512
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


def _step(place: Place | None) -> tuple[str, int, int] | None:
    """Where a place starts, at the granularity that is stored (never its speech parts)."""
    return (place.routine.id, place.step, place.from_hold) if place else None


def _spoken(place: Place, to: int) -> Place:
    """`place` as it was spoken: with the hands-free run it began, if the stored end of the run
    is still where a turn of the routine ends (the content may have changed since)."""
    if to > place.step and to in place.routine.turn_ends(place.step):
        return Place(place.routine, place.step, from_hold=place.from_hold, to=to)
    return place


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
        """The person's week, in their local days, counting the routines this request
        finishes (and on a screen, one `reply` finishes once its last holds are heard out)."""
        person = self.person(handler_input)
        zone = self._zone(handler_input, person)
        now = self.clock()
        week = self._week(handler_input, person, now)
        streak = person.streak
        finishes = self._finishes(handler_input, reply, zone)
        said = reply.state.said if reply else None
        if said and said.finishing:
            at = self._alexa_time(handler_input, said.heard_out)
            finishes += ((Completion(reply.state.place.routine.id, at, said.finishing),
                          local_day(at, zone)),)
        for completion, day in finishes:  # shown before they are saved
            streak = streak.after(day)
            if completion.request_id not in {each.request_id for each in week}:
                week += (completion,)  # not stored by an earlier try of the request
        finished = [(each.routine, datetime.fromtimestamp(each.finished, UTC)) for each in week]
        today = local_day(now.timestamp(), zone)
        return summarize(finished, self.catalog, zone, now, streak=streak.on(today),
                         best=streak.best)

    def zone(self, handler_input: HandlerInput) -> tzinfo:
        """The person's time zone, for what needs their local time besides the week's
        progress (a reminder's time): as _zone finds it."""
        return self._zone(handler_input, self.person(handler_input))

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
        # A request rarely finishes two routines (one heard out, one it finishes at once):
        # the store counts one a save.
        extra = self._finishes(handler_input, reply)[1:]
        try:
            for completion, day in extra:
                self.store.save(user, Changes(finished=completion, finished_on=day))
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
        moved = place is not None and (_step(place) != _step(before.place)
                                       or Effect.ARRIVED in effects)
        finishing = self._finishing(handler_input, before, reply)
        if not (effects or moved or finishing or before.cut or cache.get(STALE_PLACE)
                or ZONE_ASKED in cache or REMINDER in cache):
            return Changes()  # the commonest request: nothing to remember
        now = int(self.clock().timestamp())
        bookmark = self._bookmark(handler_input, before, reply, moved, bool(finishing))
        # Asked after the place is read: a finish may ask for the zone, to count its day.
        finishes = self._finishes(handler_input, reply)
        completion, day = finishes[0] if finishes else (None, None)
        asked = ZONE_ASKED in cache
        # A new record is first seen now; an existing one keeps its own first-seen.
        return Changes(seen=now, bookmark=bookmark, zone=cache.get(ZONE_ASKED),
                       zone_checked=now if asked else None, finished=completion,
                       finished_on=day,
                       pace=reply.state.pace if Effect.PACE in effects else None,
                       reminder=cache.get(REMINDER),
                       offered=now if Effect.REMINDER_OFFERED in effects else None,
                       hands_free=reply.state.hands_free if Effect.PACE in effects else None)

    def _bookmark(self, handler_input: HandlerInput, before: State, reply: Reply, moved: bool,
                  finishing: bool) -> Bookmark | str | None:
        """The unfinished routine to keep: the place the reply speaks (with when its holds will
        have played out), or the round the person cut a step short at; cleared once finished,
        declined, or gone from the content."""
        now = int(self.clock().timestamp())
        place, said = reply.state.place, reply.state.said
        if reply.effects & {Effect.FINISHED, Effect.FORGET_PLACE}:
            return Changes.CLEAR
        if moved:
            return Bookmark(place.routine.id, place.step, now, place.from_hold,
                            said.heard_out if said else None, said.finishing if said else "",
                            place.to)
        if finishing:
            return Changes.CLEAR
        if before.cut:
            return Bookmark(before.place.routine.id, before.place.step, now,
                            before.place.from_hold)
        cache = handler_input.attributes_manager.request_attributes
        return Changes.CLEAR if cache.get(STALE_PLACE) else None

    def _finishing(self, handler_input: HandlerInput, before: State,
                   reply: Reply | None) -> tuple[tuple[str, str, int], ...]:
        """The routines this request counts as finished, as (routine, request id, moment on
        Alexa's clock): one the reply finishes at once; one heard out to its last hold, in
        this session or in an earlier one that ended in silence. Each keeps the id of the
        request whose response finished it, and its moment comes from that request too, so
        whichever request counts it, and however often it is tried, it is one completion."""
        found = []
        if reply and Effect.FINISHED in reply.effects and reply.state.place:
            found.append((reply.state.place.routine.id, request_key(handler_input),
                          request_second(handler_input)))
        if before.completed and before.place:
            found.append((before.place.routine.id, *before.completed))
        cache = handler_input.attributes_manager.request_attributes
        if PERSON in cache and starts_session(handler_input):
            self._saved_place(handler_input, cache[PERSON])  # reads a stored step heard out
        if cache.get(HEARD_OUT):
            found.append(cache[HEARD_OUT])
        return tuple(found)

    def _finishes(self, handler_input: HandlerInput, reply: Reply | None,
                  zone: tzinfo | None = None) -> tuple[tuple[Completion, int], ...]:
        """The completions this request makes and the person's local days they count for;
        the same for the summary shown and the save."""
        cache = handler_input.attributes_manager.request_attributes
        if FINISHES not in cache:
            finishing = self._finishing(handler_input, state_of(handler_input), reply)
            if finishing:
                zone = zone or self._zone(handler_input, self.person(handler_input))
            found = []
            for routine, request, moment in finishing:
                at = self._alexa_time(handler_input, moment)
                found.append((Completion(routine, at, request), local_day(at, zone)))
            cache[FINISHES] = tuple(found)
        return cache[FINISHES]

    def _alexa_time(self, handler_input: HandlerInput, moment: int) -> int:
        """A moment on Alexa's clock as it is recorded: as it is, while this request's own
        timestamp is within verification's tolerance of ours; else moved as far as it is."""
        return self._finished_at(handler_input) - (request_second(handler_input) - moment)

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
        """The unfinished routine to offer, if it is recent and still makes sense: where the
        person stopped, or the step after one whose holds they heard out (a last step heard
        out finished the routine: it is counted, and nothing is offered). Read once."""
        cache = handler_input.attributes_manager.request_attributes
        if SAVED not in cache:
            cache[SAVED] = self._read_bookmark(handler_input, person)
        return cache[SAVED]

    def _read_bookmark(self, handler_input: HandlerInput, person: Person) -> Place | None:
        bookmark = person.bookmark
        if bookmark is None:
            return None
        cache = handler_input.attributes_manager.request_attributes
        routine = self.catalog.get(bookmark.routine)
        if routine is None or not 0 <= bookmark.step < len(routine.steps) or \
                not 0 <= bookmark.hold < max(1, hold_count(routine.steps[bookmark.step])):
            # The content changed under it: forget it (so this is logged once, not every time).
            if not cache.get(STALE_PLACE):
                log.warning("request %s: dropping a stored place that no longer exists: "
                            "routine %s, step %s", request_id(handler_input),
                            shown(bookmark.routine), bookmark.step)
            cache[STALE_PLACE] = True
            return None
        place = Place(routine, bookmark.step, from_hold=bookmark.hold)
        if bookmark.heard_out is not None and bookmark.heard_out <= request_second(handler_input):
            place = _spoken(place, bookmark.to)
            if place.last:
                if bookmark.finishing:
                    cache[HEARD_OUT] = (routine.id, bookmark.finishing, bookmark.heard_out)
                cache[STALE_PLACE] = True  # nothing left of it to offer
                return None
            place = Place(routine, place.steps.stop)
        age = self.clock() - datetime.fromtimestamp(bookmark.saved, UTC)
        return place if age <= self.resume_window else None

    def _zone_stale(self, person: Person) -> bool:
        if person.zone_checked is None:
            return True
        age = self.clock() - datetime.fromtimestamp(person.zone_checked, UTC)
        return age > (ZONE_RECHECK if person.time_zone else ZONE_RETRY)
