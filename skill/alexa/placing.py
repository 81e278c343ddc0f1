"""Requests placed in the speech before them: each response that speaks a timed step is stamped
with when its speech began (Alexa's clock), and the next request is placed against it.

Only Alexa's timestamps are compared, never our own clock with Alexa's: the verifier allows
them 150 seconds apart, far more than a hold.
"""

from __future__ import annotations

import dataclasses
import math

from ask_sdk_core.handler_input import HandlerInput

from ..coach.conversation import timed
from ..coach.placement import arrive, heard_out_after
from ..coach.replies import Effect, Reply
from ..coach.state import Said, State
from ..voice.speech import Speech

MAX_REQUEST_ID = 100


def request_second(handler_input: HandlerInput) -> int:
    """The request's timestamp, in whole seconds since the epoch (as Alexa sends it)."""
    return math.floor(handler_input.request_envelope.request.timestamp.timestamp())


def request_key(handler_input: HandlerInput) -> str:
    """The request's id as stored with a completion: a retry of it has the same."""
    return (handler_input.request_envelope.request.request_id or "")[:MAX_REQUEST_ID]


def placed(handler_input: HandlerInput, speech: Speech, state: State) -> State:
    """`state` as it stood when this request came: its place's speech heard out, or cut short
    at a hold."""
    if state.said is None or state.place is None:
        return state
    elapsed = request_second(handler_input) - state.said.at
    return arrive(state, elapsed, speech.steps.marks(state.place, state.pace))


def stamped(handler_input: HandlerInput, speech: Speech, reply: Reply) -> Reply:
    """`reply`, if it speaks a timed step, with when that speech begins: this request's
    timestamp plus what is said before the step (rounded up, so a person is placed no later
    than they were)."""
    place = reply.state.place
    if place is None or not reply.says("step") or not timed(place):
        return reply
    at = request_second(handler_input) + math.ceil(speech.seconds_before_step(reply))
    finishing = request_key(handler_input) if Effect.FINISHING in reply.effects else ""
    marks = speech.steps.marks(place, reply.state.pace)
    said = Said(at, finishing, at + math.ceil(heard_out_after(marks)))
    return dataclasses.replace(reply, state=dataclasses.replace(reply.state, said=said))
