"""ASK SDK handlers: each turns one kind of request into a Coach event and renders the reply."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import get_slot, is_intent_name, is_request_type
from ask_sdk_model import Response

from ..coach.conversation import Coach, Reply
from ..coach.state import StaleState, State, parse_state
from ..content.catalog import Catalog
from ..content.routines import Routine
from ..voice.speech import Speech
from . import intents
from .serializer import QuickSerializer

log = logging.getLogger(__name__)

STATE = "state"
RESOLVED = "ER_SUCCESS_MATCH"

Event = Callable[[Coach, State], Reply]


def request_id(handler_input: HandlerInput) -> str:
    return handler_input.request_envelope.request.request_id


def state_of(handler_input: HandlerInput) -> State:
    return handler_input.attributes_manager.request_attributes.get(STATE, State())


def respond(handler_input: HandlerInput, speech: Speech, reply: Reply) -> Response:
    """The reply spoken; the session kept open (with a reprompt) only when it asks something."""
    spoken, reprompt = speech.render(reply)
    builder = handler_input.response_builder.speak(spoken)
    if reprompt is None:
        handler_input.attributes_manager.session_attributes = {}
        return builder.set_should_end_session(True).response
    handler_input.attributes_manager.session_attributes = reply.state.to_attributes()
    return builder.ask(reprompt).response


class StateInterceptor(AbstractRequestInterceptor):
    """Parses the session attributes into a State once, before any handler runs."""

    def __init__(self, catalog: Catalog, speech: Speech):
        self.catalog = catalog
        self.speech = speech

    def process(self, handler_input: HandlerInput) -> None:
        attributes = handler_input.attributes_manager.session_attributes
        try:
            state = parse_state(attributes, self.catalog, self.speech.part_count)
        except StaleState as error:
            log.warning("request %s: ignoring session state: %s", request_id(handler_input), error)
            state = State()
        handler_input.attributes_manager.request_attributes[STATE] = state


class CoachHandler(AbstractRequestHandler):
    """Base for handlers that answer with a Coach reply."""

    def __init__(self, coach: Coach, speech: Speech):
        self.coach = coach
        self.speech = speech

    def handle(self, handler_input: HandlerInput) -> Response:
        reply = self.reply(handler_input, state_of(handler_input))
        return respond(handler_input, self.speech, reply)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        raise NotImplementedError


class LaunchHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(intents.LAUNCH_REQUEST)(handler_input)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.coach.launch(state)


def routine_slot(handler_input: HandlerInput, catalog: Catalog) -> tuple[Routine | None, str]:
    """The routine the slot names (its resolved id if Alexa sent one, else the words heard),
    and the words heard."""
    slot = get_slot(handler_input, intents.ROUTINE_SLOT)
    heard = (slot.value or "").strip() if slot else ""
    authorities = slot and slot.resolutions and slot.resolutions.resolutions_per_authority
    for authority in authorities or ():
        status = authority.status and authority.status.code
        if status and status.value == RESOLVED and authority.values:
            routine = catalog.get(authority.values[0].value.id)
            if routine:
                return routine, heard
    return catalog.match(heard), heard


def number_slot(handler_input: HandlerInput) -> int | None:
    """AMAZON.NUMBER arrives as digits, or as "?" when Alexa heard no number."""
    slot = get_slot(handler_input, intents.NUMBER_SLOT)
    value = (slot.value or "").strip() if slot else ""
    return int(value) if value.isdigit() else None


class StartRoutineHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.START_ROUTINE)(handler_input)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        routine, heard = routine_slot(handler_input, self.coach.catalog)
        return self.coach.start(state, routine, heard)


class HowLongHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.HOW_LONG)(handler_input)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        routine, _ = routine_slot(handler_input, self.coach.catalog)
        return self.coach.how_long(state, routine)


class GoToStepHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.GO_TO_STEP)(handler_input)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.coach.go_to(state, number_slot(handler_input))


class IntentHandler(CoachHandler):
    """Answers one intent with one Coach event."""

    def __init__(self, coach: Coach, speech: Speech, intent: str, event: Event):
        super().__init__(coach, speech)
        self.intent = intent
        self.event = event

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(self.intent)(handler_input)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.event(self.coach, state)


class UnknownIntentHandler(CoachHandler):
    """An intent this version does not know (a newer model, say) is heard as a fallback."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(intents.INTENT_REQUEST)(handler_input)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        log.info("request %s: no handler for intent %s", request_id(handler_input),
                 handler_input.request_envelope.request.intent.name)
        return self.coach.fallback(state)


class SessionEndedHandler(AbstractRequestHandler):
    """The session is over: nothing may be spoken; record why."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(intents.SESSION_ENDED_REQUEST)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = request.reason.value if request.reason else "unknown"
        error = request.error
        if error:
            log.warning("session ended (%s): %s: %s", reason,
                        error.object_type.value if error.object_type else "error", error.message)
        else:
            log.info("session ended (%s)", reason)
        return handler_input.response_builder.response


class OtherRequestHandler(AbstractRequestHandler):
    """Requests the skill has no words for (system events): an empty, valid response."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("request %s: ignoring %s", request_id(handler_input),
                 handler_input.request_envelope.request.object_type)
        return handler_input.response_builder.response


class ApologyHandler(AbstractExceptionHandler):
    """Any failure: a short spoken apology, the place kept, the error logged, no trace shown."""

    def __init__(self, coach: Coach, speech: Speech):
        self.coach = coach
        self.speech = speech

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("request %s failed", request_id(handler_input), exc_info=exception)
        return respond(handler_input, self.speech, self.coach.apologise(state_of(handler_input)))


# Intents answered by a single Coach event; anything needing the request has its own class.
EVENTS: dict[str, Event] = {
    intents.LIST_ROUTINES: Coach.list_routines,
    intents.NEXT: Coach.next,
    intents.PREVIOUS: Coach.previous,
    intents.REPEAT: Coach.repeat,
    intents.START_OVER: Coach.start_over,
    intents.PAUSE: Coach.pause,
    intents.RESUME: Coach.resume,
    intents.HELP: Coach.help,
    intents.STOP: Coach.stop,
    intents.CANCEL: Coach.stop,
    intents.YES: Coach.yes,
    intents.NO: Coach.no,
    intents.NAVIGATE_HOME: Coach.home,
    intents.FALLBACK: Coach.fallback,
    intents.PAIN: Coach.hurts,
}


SLOTTED_HANDLERS = {
    intents.START_ROUTINE: StartRoutineHandler,
    intents.HOW_LONG: HowLongHandler,
    intents.GO_TO_STEP: GoToStepHandler,
}
HANDLED_INTENTS = frozenset({*EVENTS, *SLOTTED_HANDLERS})


def build_skill(catalog: Catalog) -> CustomSkill:
    """The ASK SDK skill for `catalog`: handlers, state interceptor, one exception handler."""
    speech = Speech(catalog)
    coach = Coach(catalog, speech.part_count)
    builder = SkillBuilder()
    builder.add_global_request_interceptor(StateInterceptor(catalog, speech))
    builder.add_request_handler(LaunchHandler(coach, speech))
    for handler in SLOTTED_HANDLERS.values():
        builder.add_request_handler(handler(coach, speech))
    for intent, event in EVENTS.items():
        builder.add_request_handler(IntentHandler(coach, speech, intent, event))
    builder.add_request_handler(UnknownIntentHandler(coach, speech))
    builder.add_request_handler(SessionEndedHandler())
    builder.add_request_handler(OtherRequestHandler())
    builder.add_exception_handler(ApologyHandler(coach, speech))
    skill = builder.create()
    skill.serializer = QuickSerializer()
    return skill
