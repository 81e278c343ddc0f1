"""The quicker serializer reads every request exactly as the SDK's own does."""

from __future__ import annotations

import json

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.alexa.serializer import QuickSerializer
from skill.simulator.envelopes import Device, intent_request, launch_request, session_ended_request

from .helpers import fixture


@pytest.mark.parametrize("envelope", [
    fixture("launch_request.json"),
    fixture("intent_request.json"),
    Device().envelope(intent_request("AMAZON.NextIntent"), {"new": False, "sessionId": "s"}),
    Device().envelope(session_ended_request("ERROR", {"type": "INVALID_RESPONSE",
                                                      "message": "x"}), None),
    Device().envelope({**launch_request(), "timestamp": "2026-11-22T18:21:44.123+00:00"}, None),
])
def test_reads_requests_exactly_as_the_sdk_does(envelope):
    text = json.dumps(envelope)
    quick = QuickSerializer().deserialize(text, RequestEnvelope)
    # Field for field: the SDK also sets keys its model does not name as attributes; we drop them.
    assert quick.to_dict() == DefaultSerializer().deserialize(text, RequestEnvelope).to_dict()
    assert quick.request.timestamp.utcoffset().total_seconds() == 0


def test_a_timestamp_that_is_not_iso_fails_as_the_sdk_does():
    envelope = Device().envelope({**launch_request(), "timestamp": "yesterday-ish"}, None)
    with pytest.raises(SerializationException, match="yesterday-ish"):
        QuickSerializer().deserialize(json.dumps(envelope), RequestEnvelope)


def test_from_parsed_json_is_the_same_as_from_text():
    envelope = fixture("intent_request.json")
    serializer = QuickSerializer()
    assert serializer.from_data(envelope, RequestEnvelope) == serializer.deserialize(
        json.dumps(envelope), RequestEnvelope)
