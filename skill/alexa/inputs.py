"""Small readings of a HandlerInput that handlers, memory and logs share."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from ..coach.state import State
from ..untrusted import token
from . import intents

STATE = "state"


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
