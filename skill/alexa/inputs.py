"""Small readings of a HandlerInput that handlers, memory and logs share."""

from __future__ import annotations

import dataclasses

from ask_sdk_core.handler_input import HandlerInput

from ..coach.replies import Reply
from ..coach.state import State
from ..untrusted import token
from ..voice.variety import next_turn
from . import intents

STATE = "state"
# A session's id, as the seed of its wordings, is read this far (Alexa's are ~100 characters).
MAX_SEED = 200


def request_id(handler_input: HandlerInput) -> str:
    """The request's id as it may appear in a log line."""
    return token(handler_input.request_envelope.request.request_id)


def state_of(handler_input: HandlerInput) -> State:
    """The conversation state the StateInterceptor read from the session."""
    return handler_input.attributes_manager.request_attributes.get(STATE, State())


def starts_session(handler_input: HandlerInput) -> bool:
    """The first request of a session (or one outside any session, like a one-shot)."""
    session = handler_input.request_envelope.session
    return session is None or bool(session.new)


def asks_for(handler_input: HandlerInput, intent: str) -> bool:
    """Whether the request is an IntentRequest for `intent` (what ask_sdk_core's is_intent_name
    predicate checks, without building a closure for each handler each request)."""
    request = handler_input.request_envelope.request
    return request.object_type == intents.INTENT_REQUEST and request.intent.name == intent


def seed(handler_input: HandlerInput) -> str:
    """What picks the wordings of this session's responses: its id, or outside a session the
    request's (voice/variety.py)."""
    envelope = handler_input.request_envelope
    session_id = envelope.session.session_id if envelope.session is not None else None
    chosen = session_id if isinstance(session_id, str) else envelope.request.request_id
    return chosen[:MAX_SEED] if isinstance(chosen, str) else ""


def numbered(handler_input: HandlerInput, reply: Reply) -> Reply:
    """`reply` as the session's next response: one turn on from the request's, except that
    "repeat" keeps the turn, so it is said again word for word."""
    turn = state_of(handler_input).turn
    if not asks_for(handler_input, intents.REPEAT):
        turn = next_turn(turn)
    return dataclasses.replace(reply, state=dataclasses.replace(reply.state, turn=turn))
