"""ASK SDK handlers: each turns one kind of request into a Coach event and renders the reply."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from ..coach.conversation import Coach
from ..coach.progress import Progress
from ..coach.replies import Effect, History, Reply
from ..coach.state import StaleState, State, parse_state
from ..content.catalog import Catalog
from ..screen.screens import Screens
from ..untrusted import shown, token
from ..voice.speech import Speech
from . import intents
from .consent import attach, is_consent_answer, token_attributes
from .display import show
from .inputs import STATE, asks_for, numbered, request_id, seed, starts_session, state_of
from .memory import Memory
from .placing import placed, stamped
from .reminding import Reminding
from .slots import concern_slot, number_slot, routine_slot

log = logging.getLogger(__name__)

Event = Callable[[Coach, State], Reply]


def once(compute: Callable[[], Progress]) -> Callable[[], Progress]:
    """`compute`, worked out the first time it is asked for and then remembered."""
    found: list[Progress] = []

    def progress() -> Progress:
        if not found:
            found.append(compute())
        return found[0]
    return progress


def speak(handler_input: HandlerInput, speech: Speech, reply: Reply) -> Response:
    """The reply spoken; the session kept open (with a reprompt) only when it asks something."""
    spoken, reprompt = speech.render(reply, seed(handler_input))
    builder = handler_input.response_builder.speak(spoken)
    in_session = handler_input.request_envelope.session is not None
    if reprompt is None:
        if in_session:
            handler_input.attributes_manager.session_attributes = {}
        return builder.set_should_end_session(True).response
    if in_session:
        handler_input.attributes_manager.session_attributes = reply.state.to_attributes()
    return builder.ask(reprompt).response


class StateInterceptor(AbstractRequestInterceptor):
    """Parses the session attributes into a State once, before any handler runs (or, for
    Alexa's answer to a consent request, the state the request carried out in its token),
    placed in the speech of the response before; a session's first request starts from the
    pace the person chose before."""

    def __init__(self, catalog: Catalog, speech: Speech, memory: Memory):
        self.catalog = catalog
        self.speech = speech
        self.memory = memory

    def process(self, handler_input: HandlerInput) -> None:
        state = State()
        if handler_input.request_envelope.session is not None:
            attributes = handler_input.attributes_manager.session_attributes
            if is_consent_answer(handler_input):
                attributes = token_attributes(handler_input)
            try:
                state = parse_state(attributes, self.catalog, self.speech.part_count)
            except StaleState as error:
                log.warning("request %s: ignoring session state: %s",
                            request_id(handler_input), error)
            state = placed(handler_input, self.speech, state)
        if starts_session(handler_input) and converses(handler_input):
            person = self.memory.person(handler_input)
            state = dataclasses.replace(state, pace=person.pace, hands_free=person.hands_free)
        handler_input.attributes_manager.request_attributes[STATE] = state


def converses(handler_input: HandlerInput) -> bool:
    """A launch, an intent or a consent's answer: a request the Coach answers (not an event)."""
    kind = handler_input.request_envelope.request.object_type
    return kind in (intents.LAUNCH_REQUEST, intents.INTENT_REQUEST) \
        or is_consent_answer(handler_input)


@dataclass(frozen=True)
class Coaching:
    """What every Coach handler answers with: the Coach, its words, its screens, its memory
    and the person's reminder (the `voice` package is only the words)."""

    coach: Coach
    speech: Speech
    screens: Screens
    memory: Memory
    reminders: Reminding


class CoachHandler(AbstractRequestHandler):
    """Base for handlers that answer with a Coach reply, remembered before it is spoken, and
    shown on a screen if the device has one; a reply may offer or cancel the reminder, and ask
    Alexa for the permission to set one."""

    def __init__(self, coaching: Coaching):
        self.coaching = coaching
        self.coach = coaching.coach
        self.memory = coaching.memory

    def handle(self, handler_input: HandlerInput) -> Response:
        state = state_of(handler_input)
        reply = self.reply(handler_input, state)
        if starts_session(handler_input) and not self.memory.person(handler_input).known:
            reply = self.coach.greet(reply)
        reply = self.coaching.reminders.after(handler_input, reply)
        reply = numbered(handler_input, reply)  # its wordings, before timing what they say
        reply = stamped(handler_input, self.coaching.speech, reply)
        progress = once(lambda: self.memory.progress(handler_input, reply))
        if reply.effects & {Effect.FINISHED, Effect.FINISHING}:
            reply = self.coach.celebrate(reply, progress())
        # Shown before saving: a week's progress on the screen may ask for the device's time
        # zone, and the save then keeps the answer.
        show(handler_input, self.coaching.screens, reply, progress)
        attach(handler_input, reply)
        self.memory.save(handler_input, state, reply)
        return speak(handler_input, self.coaching.speech, reply)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        raise NotImplementedError


class LaunchHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(intents.LAUNCH_REQUEST)(handler_input)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.coach.launch(state, self.memory.history(handler_input))


class IntentHandler(CoachHandler):
    """Answers one intent with one Coach event."""

    def __init__(self, coaching: Coaching, intent: str, event: Event):
        super().__init__(coaching)
        self.intent = intent
        self.event = event

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, self.intent)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.event(self.coach, state)


class StartRoutineHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.START_ROUTINE)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        routine, heard = routine_slot(handler_input, self.coach.catalog)
        return self.coach.start(state, routine, heard)


class HowLongHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.HOW_LONG)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        routine, _ = routine_slot(handler_input, self.coach.catalog)
        return self.coach.how_long(state, routine)


class GoToStepHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.GO_TO_STEP)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.coach.go_to(state, number_slot(handler_input))


class ConcernHandler(CoachHandler):
    """ "What helps with knee pain after running?", "I have cramps at night"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.CONCERN)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        concern, heard = concern_slot(handler_input, self.coach.catalog)
        return self.coach.concern(state, concern, heard)


class ResumeHandler(CoachHandler):
    """Resume what this session has, else what was saved (the one-shot "ask ... to resume")."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.RESUME)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        in_session = state.place or state.offer
        history = History() if in_session else self.memory.history(handler_input)
        return self.coach.resume(state, history)


class ProgressHandler(CoachHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.PROGRESS)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.coach.progress(state, self.memory.progress(handler_input))


class StreakHandler(CoachHandler):
    """ "What's my streak?" """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.STREAK)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        return self.coach.streak(state, self.memory.progress(handler_input))


class TodayHandler(CoachHandler):
    """ "What should I do today?" """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return asks_for(handler_input, intents.TODAY)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        history = History() if state.place else self.memory.history(handler_input)
        return self.coach.today(state, history, self.memory.progress(handler_input))


class UnknownIntentHandler(CoachHandler):
    """An intent this version does not know (a newer model, say) is heard as a fallback."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(intents.INTENT_REQUEST)(handler_input)

    def reply(self, handler_input: HandlerInput, state: State) -> Reply:
        log.info("request %s: no handler for intent %s", request_id(handler_input),
                 token(handler_input.request_envelope.request.intent.name))
        return self.coach.fallback(state)


class SkillDisabledHandler(AbstractRequestHandler):
    """The person disabled the skill: their reminder is cancelled, where the API still allows
    it, and everything stored for them is deleted."""

    def __init__(self, memory: Memory, reminding: Reminding):
        self.memory = memory
        self.reminding = reminding

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(intents.SKILL_DISABLED)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        self.reminding.disabled(handler_input)
        self.memory.forget(handler_input)
        return handler_input.response_builder.response


class SessionEndedHandler(AbstractRequestHandler):
    """The session is over: nothing may be spoken; record why, and where the person had got to
    in the last response (a routine heard out to its end, or the round they cut it short at)."""

    def __init__(self, memory: Memory):
        self.memory = memory

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(intents.SESSION_ENDED_REQUEST)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = request.reason.value if request.reason else "unknown"
        error = request.error
        if error:
            kind = error.object_type.value if error.object_type else "error"
            log.warning("session ended (%s): %s: %s", reason, kind, shown(error.message, 200))
        else:
            log.info("session ended (%s)", reason)
        state = state_of(handler_input)
        if state.cut or state.completed:
            self.memory.save(handler_input, state, Reply((), None, state.then()))
        return handler_input.response_builder.response


class OtherRequestHandler(AbstractRequestHandler):
    """Requests the skill has no words for (system events): an empty, valid response."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("request %s: ignoring %s", request_id(handler_input),
                 token(handler_input.request_envelope.request.object_type))
        return handler_input.response_builder.response


class ApologyHandler(AbstractExceptionHandler):
    """Any failure: a short spoken apology, the place kept, the error logged, no trace shown.

    It saves nothing and loads nothing, so a failing store cannot fail the apology too.
    """

    def __init__(self, coach: Coach, speech: Speech):
        self.coach = coach
        self.speech = speech

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("request %s failed", request_id(handler_input), exc_info=exception)
        reply = numbered(handler_input, self.coach.apologise(state_of(handler_input)))
        return speak(handler_input, self.speech, reply)


# Intents answered by a single Coach event; anything needing the request has its own class.
# The SDK asks handlers in turn: what people say most in a routine comes first.
EVENTS: dict[str, Event] = {
    intents.NEXT: Coach.next,
    intents.REPEAT: Coach.repeat,
    intents.PREVIOUS: Coach.previous,
    intents.YES: Coach.yes,
    intents.LIST_ROUTINES: Coach.list_routines,
    intents.START_OVER: Coach.start_over,
    intents.PAUSE: Coach.pause,
    intents.HELP: Coach.help,
    intents.STOP: Coach.stop,
    intents.CANCEL: Coach.stop,
    intents.NO: Coach.no,
    intents.NAVIGATE_HOME: Coach.home,
    intents.FALLBACK: Coach.fallback,
    intents.PAIN: Coach.hurts,
    intents.CRAMP: Coach.cramp,
    intents.TELL_MORE: Coach.tell_more,
    intents.DELETE_PROGRESS: Coach.forget,
    intents.WAIT: Coach.wait,
    intents.INJURY: Coach.see_doctor,
    intents.SLOWER: Coach.slower,
    intents.FASTER: Coach.faster,
    intents.LONGER: Coach.longer,
    intents.SHORTER: Coach.shorter,
    intents.SETTINGS: Coach.settings,
    intents.RESET_SETTINGS: Coach.reset_pace,
    intents.WHICH_SIDE: Coach.which_side,
    intents.HOW_MANY_MORE: Coach.how_many_more,
    intents.SOUNDS_OFF: lambda coach, state: coach.sounds(state, on=False),
    intents.SOUNDS_ON: lambda coach, state: coach.sounds(state, on=True),
    intents.HANDS_FREE: lambda coach, state: coach.hands_free(state, on=True),
    intents.WAIT_FOR_ME: lambda coach, state: coach.hands_free(state, on=False),
}

SLOTTED_HANDLERS = {
    intents.START_ROUTINE: StartRoutineHandler,
    intents.HOW_LONG: HowLongHandler,
    intents.GO_TO_STEP: GoToStepHandler,
    intents.RESUME: ResumeHandler,
    intents.PROGRESS: ProgressHandler,
    intents.STREAK: StreakHandler,
    intents.TODAY: TodayHandler,
    intents.CONCERN: ConcernHandler,
}
HANDLED_INTENTS = frozenset({*EVENTS, *SLOTTED_HANDLERS, *intents.REMINDER_INTENTS})
