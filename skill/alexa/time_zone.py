"""The device's time zone, from Alexa's settings API, asked with a short deadline.

The call runs through outbound.py (a thread of its own, a deadline, a bounded answer). Any
failure means "unknown", never an error.
"""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.services import ApiConfiguration, ServiceClientFactory

from ..store.days import read_zone
from .model_meta import SDK  # the SDK's serializer reads the answer, a JSON string
from .outbound import DeadlineApiClient, Gate

log = logging.getLogger(__name__)

DEADLINE_SECONDS = 1.0
# Calls still running past their deadline keep their thread until urllib gives up; beyond this
# many at once, a request does without the zone rather than start another.
MAX_CALLS = 4
# The answer is a quoted zone name such as "America/Los_Angeles".
MAX_ANSWER_BYTES = 1024

API_CLIENT = DeadlineApiClient(DEADLINE_SECONDS, MAX_ANSWER_BYTES)
SETTINGS_API = Gate("settings API", MAX_CALLS)


def device_time_zone(handler_input: HandlerInput) -> str | None:
    """The IANA zone of the device the request came from, or None if Alexa can't say."""
    system = handler_input.request_envelope.context.system
    device = system.device
    if device is None or not device.device_id or not system.api_endpoint:
        return None
    # The SDK's own service client, built here rather than on every request (runtime.py).
    factory = ServiceClientFactory(ApiConfiguration(
        serializer=SDK, api_client=API_CLIENT,
        authorization_value=system.api_access_token, api_endpoint=system.api_endpoint))
    try:
        zone = SETTINGS_API.run(
            lambda: factory.get_ups_service().get_system_time_zone(device.device_id),
            DEADLINE_SECONDS)
    except Exception as error:  # ServiceException, a timeout, a garbled answer: all "unknown"
        log.info("request %s: no time zone from the settings API: %s",
                 handler_input.request_envelope.request.request_id, str(error)[:200])
        return None
    return zone if read_zone(zone) else None
