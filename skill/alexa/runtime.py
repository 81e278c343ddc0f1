"""The ASK SDK's CustomSkill, building for each request only what a request of this skill uses.

The SDK's invoke makes, for every request, a service-client factory, a template factory, and a
deep copy of the session attributes. This skill renders no templates; it reaches Alexa's
settings API rarely (skill/alexa/time_zone.py builds that client when it does); and its
session attributes are flat scalars already copied out of the request (coach/state.py:
clean_attributes), so a shallow copy is the same copy. Everything else is the SDK's own:
HandlerInput, the attributes manager, the dispatcher, the handlers and the model objects.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter, AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.utils import RESPONSE_FORMAT_VERSION
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from ask_sdk_runtime.utils import UserAgentManager


class FlatAttributesManager(AttributesManager):
    """An AttributesManager that copies session attributes shallowly: they hold no nested
    values to share (they were cleaned to scalars before the envelope was read).

    It sets the fields AttributesManager.__init__ sets (ask-sdk-core 1.x; the tests through
    every handler would fail first if a later version changed them), but for that one copy.
    """

    def __init__(self, request_envelope: RequestEnvelope,
                 persistence_adapter: AbstractPersistenceAdapter | None = None):
        session = request_envelope.session
        self._request_envelope = request_envelope
        self._persistence_adapter = persistence_adapter
        self._persistence_attributes: dict = {}
        self._request_attributes: dict = {}
        self._session_attributes = None if session is None else dict(session.attributes or {})
        self._persistent_attributes_set = False


class Skill(CustomSkill):
    def invoke(self, request_envelope: RequestEnvelope, context: Any) -> ResponseEnvelope:
        manager = FlatAttributesManager(request_envelope, self.persistence_adapter)
        handler_input = HandlerInput(request_envelope=request_envelope,
                                     attributes_manager=manager, context=context)
        response = self.request_dispatcher.dispatch(handler_input=handler_input)
        session_attributes = (manager.session_attributes
                              if request_envelope.session is not None else None)
        return ResponseEnvelope(response=response, version=RESPONSE_FORMAT_VERSION,
                                session_attributes=session_attributes,
                                user_agent=UserAgentManager.get_user_agent())
