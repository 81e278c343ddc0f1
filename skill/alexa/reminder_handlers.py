"""ASK SDK handlers for the daily stretch reminder: set or change it, ask about it, cancel it,
Alexa's answer to the permission request, and the reminder and permission events."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from ..coach.reminders import REMINDER_TIMES
from ..coach.replies import Reply
from ..coach.state import State
from ..untrusted import token
from . import intents
from .consent import is_consent_answer
from .handlers import CoachHandler, Coaching
from .inputs import asks_for, request_id, state_of
from .reminding import Reminding
from .slots import hour_slot, time_slot

log = logging.getLogger(__name__)
MAX_LOGGED_SCOPES = 10


class ReminderHandler(CoachHandler):
    def __init__(self, coaching: Coaching, reminding: Reminding):
        super().__init__(coaching)
        self.reminding = reminding


class SetReminderHandler(ReminderHandler):
    """ "Remind me to stretch every night at nine", "change my reminder to ten", and a time
    given when one was asked for: a bare "nine" may reach the skill as a step number."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (asks_for(handler_input, intents.SET_REMINDER)
                or asks_for(handler_input, intents.CHANGE_REMINDER)
                or (asks_for(handler_input, intents.GO_TO_STEP)
                    and state_of(handler_input).asked in REMINDER_TIMES))

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        heard = hour_slot(handler_input) if asks_for(handler_input, intents.GO_TO_STEP) \
            else time_slot(handler_input)
        wanted = self.coach.remind(state, heard)
        if isinstance(wanted, Reply):
            return wanted
        return self.reminding.set(handler_input, state, wanted)


class ReminderStatusHandler(ReminderHandler):
    """ "What reminders do I have?" """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.REMINDER_STATUS)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.reminding.status(handler_input, state)


class CancelReminderHandler(ReminderHandler):
    """ "Stop reminding me", "cancel my reminder". """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.CANCEL_REMINDER)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.reminding.cancel(handler_input, state)


class ConsentHandler(ReminderHandler):
    """Alexa's answer to the voice consent request, in a new session: the state it carried
    back (StateInterceptor read it from the token) says where the person was."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_consent_answer(handler_input)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.reminding.consented(handler_input, state)


class ReminderEventHandler(AbstractRequestHandler):
    """Events about reminders and permissions, outside any session: an empty response, and a
    reminder deleted elsewhere forgotten here too."""

    def __init__(self, reminding: Reminding):
        self.reminding = reminding

    def can_handle(self, handler_input: HandlerInput) -> bool:
        kind = handler_input.request_envelope.request.object_type
        return isinstance(kind, str) and (kind.startswith(intents.REMINDER_EVENTS) or kind in (
            intents.PERMISSION_ACCEPTED, intents.PERMISSION_CHANGED))

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        body = getattr(request, "body", None)
        if request.object_type == intents.REMINDER_DELETED:
            tokens = getattr(body, "alert_tokens", None) or []
            self.reminding.deleted(handler_input, [t for t in tokens if isinstance(t, str)])
        scopes = [token(getattr(permission, "scope", None))
                  for permission in (getattr(body, "accepted_permissions", None) or ())]
        log.info("request %s: %s%s", request_id(handler_input), token(request.object_type),
                 f" (now allowed: {', '.join(scopes[:MAX_LOGGED_SCOPES]) or 'nothing'})"
                 if request.object_type in (intents.PERMISSION_ACCEPTED,
                                            intents.PERMISSION_CHANGED) else "")
        return handler_input.response_builder.response


REMINDER_HANDLERS = (SetReminderHandler, ReminderStatusHandler, CancelReminderHandler,
                     ConsentHandler)
