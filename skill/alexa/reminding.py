"""The person's one stretch reminder, kept in step with Alexa's Reminders API.

The handlers set, read, change and cancel it here; every reply passes through `after`, which
offers it once at the end of an evening's routine for night cramps, and cancels it when the
person asks to be forgotten. The reminder's id is stored with the person (memory.REMINDER);
its time and words live with Alexa. A reminder the store lost track of (the save failed, say)
is found again in the list of the skill's reminders, so a person never gets two.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from ask_sdk_core.handler_input import HandlerInput

from ..clock import Clock
from ..coach.bedtime import Bedtime
from ..coach.conversation import Coach
from ..coach.reminders import NIGHT_CRAMPS, Consent, Outcome
from ..coach.replies import Effect, Reply
from ..coach.state import State
from ..store.records import Changes
from ..voice.phrases import mid_sentence
from ..voice.speech import Speech
from .consent import consent_of, permitted
from .inputs import request_id
from .memory import REMINDER, STORE_DOWN, Memory
from .reminders_api import RemindersApi, daily_reminder, reminder_time

log = logging.getLogger(__name__)

# The bedtime reminder is offered after a routine for night cramps finished from 5 p.m. on,
# local time.
EVENING_STARTS = 17
# The effects of a reply that closes a routine.
FINISHES = frozenset({Effect.FINISHED, Effect.FINISHING})
API = "reminders_api"
DEFAULT_LOCALE = "en-US"


@dataclass(frozen=True)
class Found:
    """The person's reminder as Alexa has it, if the question could be answered."""

    outcome: Outcome
    alert_token: str | None = None
    time: Bedtime | None = None


class Reminding:
    def __init__(self, coach: Coach, speech: Speech, memory: Memory, clock: Clock):
        self.coach = coach
        self.speech = speech
        self.memory = memory
        self.clock = clock

    # What the person asks.

    def set(self, handler_input: HandlerInput, state: State, at: Bedtime,
            consented: bool = False) -> Reply:
        """A daily reminder at `at`, once Alexa has the person's permission (asked for by
        voice, unless the request shows it, or the person has just given it)."""
        if not consented and not permitted(handler_input):
            return self.coach.ask_permission(state, at)
        outcome, changed = self._put(handler_input, state, at)
        return self.coach.reminder_set(state, at, outcome, changed)

    def status(self, handler_input: HandlerInput, state: State) -> Reply:
        if not permitted(handler_input):
            return self.coach.reminder_status(state, Outcome.DONE, exists=False)
        found = self._find(handler_input)
        return self.coach.reminder_status(state, found.outcome, found.alert_token is not None,
                                          found.time)

    def cancel(self, handler_input: HandlerInput, state: State) -> Reply:
        if not permitted(handler_input):
            stored = self.memory.person(handler_input).reminder is not None
            outcome = Outcome.NO_PERMISSION if stored else Outcome.DONE
            return self.coach.reminder_cancelled(state, outcome, existed=False)
        outcome, existed = self._cancel(handler_input)
        return self.coach.reminder_cancelled(state, outcome, existed)

    def consented(self, handler_input: HandlerInput, state: State) -> Reply:
        """Alexa's answer to the permission request, with the state it carried back."""
        consent = consent_of(handler_input)
        if consent is Consent.ACCEPTED and state.bedtime:
            return self.set(handler_input, dataclasses.replace(state, bedtime=None),
                            state.bedtime, consented=True)
        return self.coach.consent(dataclasses.replace(state, bedtime=None), consent)

    # Around every reply, and the events.

    def after(self, handler_input: HandlerInput, reply: Reply) -> Reply:
        """`reply`, with the reminder offered or cancelled as it calls for."""
        if Effect.FORGET_PERSON in reply.effects:
            return self._forget(handler_input, reply)
        # At the routine's close, whether it counts at once or once its last holds play out.
        if reply.effects & FINISHES and self._offer_due(handler_input, reply):
            return self.coach.offer_reminder(reply)
        return reply

    def disabled(self, handler_input: HandlerInput) -> None:
        """The person disabled the skill: their reminder is cancelled, if the API still
        allows it (the permission may already be gone)."""
        stored = self.memory.person(handler_input).reminder
        api = self._api(handler_input)
        if stored and api:
            outcome = api.delete(stored).outcome
            log.info("request %s: skill disabled: reminder cancelled: %s",
                     request_id(handler_input), outcome.value)

    def deleted(self, handler_input: HandlerInput, alert_tokens: list[str]) -> None:
        """Alexa says these reminders were deleted (in the Alexa app, say): if the person's is
        one of them, it is forgotten too."""
        stored = self.memory.person(handler_input).reminder
        if stored and stored in alert_tokens:
            self._gone(handler_input)
            self.memory.save(handler_input, State(), Reply((), None, State()))

    # Alexa's Reminders API.

    def _find(self, handler_input: HandlerInput) -> Found:
        api = self._api(handler_input)
        if api is None:
            return Found(Outcome.FAILED)
        stored = self.memory.person(handler_input).reminder
        if stored:
            answer = api.get(stored)
            if answer.outcome is Outcome.DONE:
                return Found(Outcome.DONE, stored, reminder_time(answer.body))
            if answer.outcome is Outcome.NOT_FOUND:
                self._gone(handler_input)
                return Found(Outcome.DONE)
            return Found(answer.outcome)
        answer = api.all()
        if answer.outcome is not Outcome.DONE:
            return Found(answer.outcome)
        alerts = [alert for alert in answer.body.alerts or ()
                  if isinstance(alert.alert_token, str) and alert.alert_token]
        if not alerts:
            return Found(Outcome.DONE)
        self._remember(handler_input, alerts[0].alert_token)
        return Found(Outcome.DONE, alerts[0].alert_token, reminder_time(alerts[0]))

    def _located(self, handler_input: HandlerInput) -> Found:
        """Where the person's reminder is: the stored id, else one Alexa lists for them (and
        then stored); FAILED without an API to ask."""
        stored = self.memory.person(handler_input).reminder
        if self._api(handler_input) is None:
            return Found(Outcome.FAILED)
        return Found(Outcome.DONE, stored) if stored else self._find(handler_input)

    def _put(self, handler_input: HandlerInput, state: State, at: Bedtime
             ) -> tuple[Outcome, bool]:
        """Replaces the person's reminder with one at `at`, or makes one: the outcome, and
        whether one was changed rather than made."""
        api, located = self._api(handler_input), self._located(handler_input)
        if api is None or located.outcome is not Outcome.DONE:
            return located.outcome, False
        stored = located.alert_token
        request = daily_reminder(at, self.memory.zone(handler_input), self.clock(),
                                 _locale(handler_input), self._text(state))
        if stored:
            answer = api.update(stored, request)
            if answer.outcome is not Outcome.NOT_FOUND:
                if answer.outcome is Outcome.DONE:
                    self._remember(handler_input, answer.body.alert_token or stored)
                return answer.outcome, answer.outcome is Outcome.DONE
            self._gone(handler_input)
        answer = api.create(request)
        if answer.outcome is Outcome.DONE:
            if not answer.body.alert_token:
                log.warning("request %s: reminders API made a reminder without an id",
                            request_id(handler_input))
                return Outcome.FAILED, False
            self._remember(handler_input, answer.body.alert_token)
        return answer.outcome, False

    def _cancel(self, handler_input: HandlerInput) -> tuple[Outcome, bool]:
        """Deletes the person's reminder: the outcome, and whether there was one."""
        api, located = self._api(handler_input), self._located(handler_input)
        if api is None or located.outcome is not Outcome.DONE or located.alert_token is None:
            return located.outcome, False
        answer = api.delete(located.alert_token)
        if answer.outcome in (Outcome.DONE, Outcome.NOT_FOUND):
            self._gone(handler_input)
            return Outcome.DONE, answer.outcome is Outcome.DONE
        return answer.outcome, True

    def _api(self, handler_input: HandlerInput) -> RemindersApi | None:
        """The API at this request's endpoint with its token, sharing one deadline."""
        cache = handler_input.attributes_manager.request_attributes
        if API not in cache:
            system = handler_input.request_envelope.context.system
            endpoint, token = system.api_endpoint, system.api_access_token
            if isinstance(endpoint, str) and endpoint and isinstance(token, str) and token:
                cache[API] = RemindersApi(endpoint, token, request_id(handler_input))
            else:
                log.warning("request %s: no apiEndpoint or apiAccessToken to reach reminders",
                            request_id(handler_input))
                cache[API] = None
        return cache[API]

    # What changes with the person.

    def _remember(self, handler_input: HandlerInput, alert_token: str) -> None:
        if alert_token != self.memory.person(handler_input).reminder:
            handler_input.attributes_manager.request_attributes[REMINDER] = alert_token

    def _gone(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes[REMINDER] = Changes.CLEAR

    def _forget(self, handler_input: HandlerInput, reply: Reply) -> Reply:
        """`reply` forgetting the person, once their reminder is cancelled (or could not be)."""
        if permitted(handler_input):
            outcome, existed = self._cancel(handler_input)
            if outcome is Outcome.DONE and not existed:
                return reply
        elif self.memory.person(handler_input).reminder is None:
            return reply
        else:
            outcome = Outcome.NO_PERMISSION
        return self.coach.forgotten(reply, outcome)

    def _offer_due(self, handler_input: HandlerInput, reply: Reply) -> bool:
        """Whether to offer the bedtime reminder after `reply`, which finishes a routine: it is
        for night cramps, it is evening where the person is, and they were never offered one
        and have none (as far as a working store can say)."""
        place = reply.state.place
        if place is None or not self.coach.helps_at_night(place.routine):
            return False
        person = self.memory.person(handler_input)
        cache = handler_input.attributes_manager.request_attributes
        if person.reminder_offered or person.reminder or cache.get(STORE_DOWN):
            return False
        return self.clock().astimezone(self.memory.zone(handler_input)).hour >= EVENING_STARTS

    def _text(self, state: State) -> str:
        """What Alexa says when the reminder goes off: the routine for night cramps the
        person is doing, else the one that helps most, else none by name."""
        catalog = self.coach.catalog
        place = state.place
        routine = place.routine if place and self.coach.helps_at_night(place.routine) else None
        if routine is None:
            concern = catalog.concern(NIGHT_CRAMPS)
            helping = catalog.helping_with(concern) if concern else ()
            routine = helping[0] if helping else None
        if routine is None:
            return self.speech.phrases("reminder_text_plain")
        return self.speech.phrases("reminder_text", name=mid_sentence(routine.name))


def _locale(handler_input: HandlerInput) -> str:
    locale = handler_input.request_envelope.request.locale
    return locale if isinstance(locale, str) and 2 <= len(locale) <= 10 else DEFAULT_LOCALE
