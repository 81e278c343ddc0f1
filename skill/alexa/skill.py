"""The ASK SDK skill: handlers, interceptors, persistence and the settings API, wired once."""

from __future__ import annotations

from datetime import timedelta, tzinfo

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from ..clock import Clock, utc_now
from ..coach.conversation import Coach
from ..content.catalog import Catalog
from ..store.adapter import SqlPersistenceAdapter
from ..store.database import Database
from ..voice.speech import Speech
from .handlers import (
    EVENTS,
    SLOTTED_HANDLERS,
    ApologyHandler,
    IntentHandler,
    LaunchHandler,
    OtherRequestHandler,
    SessionEndedHandler,
    SkillDisabledHandler,
    StateInterceptor,
    UnknownIntentHandler,
)
from .memory import Memory
from .serializer import QuickSerializer
from .time_zone import DeadlineApiClient


def build_skill(catalog: Catalog, database: Database, *, resume_window: timedelta,
                default_zone: tzinfo, clock: Clock = utc_now) -> CustomSkill:
    """The skill for `catalog`, remembering people in `database`."""
    speech = Speech(catalog)
    coach = Coach(catalog, speech.part_count)
    memory = Memory(catalog, clock, resume_window, default_zone)
    adapter = SqlPersistenceAdapter(database, lambda: clock().timestamp())
    builder = CustomSkillBuilder(persistence_adapter=adapter, api_client=DeadlineApiClient())
    builder.add_global_request_interceptor(StateInterceptor(catalog, speech, memory))
    builder.add_request_handler(LaunchHandler(coach, speech, memory))
    for handler in SLOTTED_HANDLERS.values():
        builder.add_request_handler(handler(coach, speech, memory))
    for intent, event in EVENTS.items():
        builder.add_request_handler(IntentHandler(coach, speech, memory, intent, event))
    builder.add_request_handler(UnknownIntentHandler(coach, speech, memory))
    builder.add_request_handler(SkillDisabledHandler())
    builder.add_request_handler(SessionEndedHandler())
    builder.add_request_handler(OtherRequestHandler())
    builder.add_exception_handler(ApologyHandler(coach, speech))
    skill = builder.create()
    skill.serializer = QuickSerializer()
    return skill
