"""A touch on a screen is heard as the intent it stands for: the same handler, the same state
change and the same reply as saying it."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import DialogState, Intent, IntentConfirmationStatus, IntentRequest, Slot
from ask_sdk_model.slu.entityresolution import (
    Resolution,
    Resolutions,
    Status,
    StatusCode,
    Value,
    ValueWrapper,
)

from ..screen.screens import BUTTON_INTENTS  # anything else a client sends stays an event
from . import intents

USER_EVENT = "Alexa.Presentation.APL.UserEvent"
AUTHORITY = "stretch-coach.screen"


class ButtonInterceptor(AbstractRequestInterceptor):
    """Before any handler is chosen, a UserEvent whose first argument names a button's intent
    becomes that IntentRequest (a routine's id, second, fills the routine slot as resolved)."""

    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        if request.object_type != USER_EVENT:
            return
        arguments: Any = request.arguments if isinstance(request.arguments, list) else []
        intent = arguments[0] if arguments and isinstance(arguments[0], str) else None
        if intent not in BUTTON_INTENTS:
            return
        slots = {}
        if intent == intents.START_ROUTINE and len(arguments) > 1 \
                and isinstance(arguments[1], str):
            slots[intents.ROUTINE_SLOT] = _resolved(intents.ROUTINE_SLOT, arguments[1])
        handler_input.request_envelope.request = IntentRequest(
            request_id=request.request_id, timestamp=request.timestamp, locale=request.locale,
            dialog_state=DialogState.COMPLETED,
            intent=Intent(name=intent, slots=slots,
                          confirmation_status=IntentConfirmationStatus.NONE))


def _resolved(name: str, value_id: str) -> Slot:
    """A slot as entity resolution fills it: the id matched (the words were touched, not said)."""
    value = ValueWrapper(value=Value(name=value_id, id=value_id))
    resolution = Resolution(authority=AUTHORITY, values=[value],
                            status=Status(code=StatusCode.ER_SUCCESS_MATCH))
    return Slot(name=name, value="",
                resolutions=Resolutions(resolutions_per_authority=[resolution]))
