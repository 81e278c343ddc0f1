"""The ASK SDK skill: handlers, interceptors, memory and the settings API, wired once.

People are remembered through the store it is given (skill/store/store.py), called by Memory
directly: not through the SDK's persistence adapter, whose whole-item writes would drop what a
request did not change (store.py says more).
"""

from __future__ import annotations

from datetime import timedelta, tzinfo

from ask_sdk_core.skill_builder import CustomSkillBuilder

from ..clock import Clock, utc_now
from ..coach.conversation import Coach
from ..content.catalog import Catalog
from ..screen.screens import Screens
from ..store import Store
from ..voice.speech import Speech
from .buttons import ButtonInterceptor
from .handlers import (
    EVENTS,
    SLOTTED_HANDLERS,
    ApologyHandler,
    Coaching,
    IntentHandler,
    LaunchHandler,
    OtherRequestHandler,
    SessionEndedHandler,
    SkillDisabledHandler,
    StateInterceptor,
    UnknownIntentHandler,
)
from .memory import Memory
from .reminder_handlers import REMINDER_HANDLERS, ReminderEventHandler
from .reminding import Reminding
from .runtime import Skill
from .serializer import QuickSerializer


def build_skill(catalog: Catalog, store: Store, *, resume_window: timedelta,
                default_zone: tzinfo, clock: Clock = utc_now) -> Skill:
    """The skill for `catalog`, remembering people in `store`."""
    speech = Speech(catalog)
    coach = Coach(catalog, speech.part_count)
    memory = Memory(catalog, store, clock, resume_window, default_zone)
    reminding = Reminding(coach, speech, memory, clock)
    coaching = Coaching(coach, speech, Screens(catalog, speech), memory, reminding)
    builder = CustomSkillBuilder()
    builder.add_global_request_interceptor(ButtonInterceptor())
    builder.add_global_request_interceptor(StateInterceptor(catalog, speech, memory))
    for intent, event in EVENTS.items():
        builder.add_request_handler(IntentHandler(coaching, intent, event))
    builder.add_request_handler(LaunchHandler(coaching))
    # Before the slotted ones: a number given for a reminder's time is not a step's.
    for reminder_handler in REMINDER_HANDLERS:
        builder.add_request_handler(reminder_handler(coaching, reminding))
    for handler in SLOTTED_HANDLERS.values():
        builder.add_request_handler(handler(coaching))
    builder.add_request_handler(UnknownIntentHandler(coaching))
    builder.add_request_handler(SkillDisabledHandler(memory, reminding))
    builder.add_request_handler(ReminderEventHandler(reminding))
    builder.add_request_handler(SessionEndedHandler(memory))
    builder.add_request_handler(OtherRequestHandler())
    builder.add_exception_handler(ApologyHandler(coach, speech))
    skill = Skill(skill_configuration=builder.skill_configuration)
    skill.serializer = QuickSerializer()
    return skill
