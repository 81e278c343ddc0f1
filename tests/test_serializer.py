"""The quick serializer reads every request into exactly the objects the SDK's own builds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.request import Request
from hypothesis import given
from hypothesis import strategies as st

from skill.alexa.model_meta import field_map, is_model
from skill.alexa.model_readers import _template, reader_for
from skill.alexa.serializer import QuickSerializer
from skill.simulator.envelopes import (
    Device,
    Resolution,
    connections_response,
    event_request,
    intent_request,
    launch_request,
    session_ended_request,
    slot,
)

from .helpers import FIXTURES, ROOT, fixture
from .model_payloads import (
    CHECKS,
    SDK,
    assert_same,
    assert_same_outcome,
    failures,
    full_payload,
    mangled,
    payloads,
    reachable,
    read_both,
)

FIXTURE_NAMES = sorted(path.name for path in FIXTURES.glob("*.json"))
REQUEST_TYPES = sorted(Request.discriminator_value_class_map.items())
REQUEST_CLASSES = [cls for cls in reachable(RequestEnvelope) if is_model(cls)]


def simulated_envelopes() -> list[dict]:
    device = Device()
    session = {"new": False, "sessionId": "s", "attributes": {"v": 1, "place": [2, {"x": None}]}}
    matched = slot("routine", "butterfly", Resolution("ROUTINE_NAME", "butterfly", "Butterfly"))
    unmatched = slot("routine", "cartwheel", Resolution("ROUTINE_NAME"))
    return [
        device.envelope(launch_request(), None),
        device.envelope(launch_request("de-DE"), {"new": True, "sessionId": "s"}),
        device.envelope(intent_request("AMAZON.NextIntent"), session),
        device.envelope(intent_request("StartRoutineIntent", {"routine": matched}), session),
        device.envelope(intent_request("StartRoutineIntent", {"routine": unmatched}), session),
        device.envelope(intent_request("StartRoutineIntent", {"routine": slot("routine", None)}),
                        session),
        device.envelope(session_ended_request(), session),
        device.envelope(session_ended_request("ERROR", {"type": "INVALID_RESPONSE",
                                                        "message": "x"}), session),
        device.envelope({**launch_request(), "timestamp": "2026-11-22T18:21:44.123+00:00"}, None),
        device.envelope({**launch_request(), "timestamp": "2026-11-22T10:21:44-08:00"}, None),
        *reminder_envelopes(),
    ]


def reminder_envelopes() -> list[dict]:
    """What the reminder brings: an intent with a time, consent's answers, and the events."""
    allowed = Device(granted={"alexa::alerts:reminders:skill:readwrite"})
    session = {"new": True, "sessionId": "s"}
    scopes = [{"permissionScope": "alexa::alerts:reminders:skill:readwrite",
               "consentLevel": "ACCOUNT"}]
    deleted = event_request("Reminders.ReminderDeleted")
    deleted["body"] = {"alertTokens": ["a", "b"]}
    changed = event_request("Reminders.ReminderStatusChanged")
    changed["body"] = {"alertToken": "a", "status": "COMPLETED"}
    return [
        allowed.envelope(intent_request("SetReminderIntent", {"time": slot("time", "21:00")}),
                         {**session, "new": False}),
        allowed.envelope(connections_response(
            "AskFor", {"permissionScopes": scopes, "status": "ACCEPTED"},
            '{"v":2,"at":"21:00"}'), session),
        Device().envelope(connections_response(
            "AskFor", {"permissionScope": scopes[0]["permissionScope"], "status": "DENIED"},
            "", code="400"), session),
        allowed.envelope(deleted, None), allowed.envelope(changed, None),
        allowed.envelope(event_request("AlexaSkillEvent.SkillPermissionChanged", {
            "acceptedPermissions": [{"scope": scopes[0]["permissionScope"]}]}), None),
    ]


def in_envelope(request: dict) -> dict:
    return {**fixture("intent_request.json"), "request": request}


def assert_reads_as_the_sdk_does(payload, cls=RequestEnvelope):
    sdk, ours = read_both(payload, cls)
    assert not isinstance(sdk, Exception), sdk
    assert_same(ours, sdk)
    return ours


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_reads_every_alexa_fixture_as_the_sdk_does(name):
    assert_reads_as_the_sdk_does(fixture(name))


@pytest.mark.parametrize("envelope", simulated_envelopes())
def test_reads_the_simulators_envelopes_as_the_sdk_does(envelope):
    assert_reads_as_the_sdk_does(envelope)


@pytest.mark.parametrize(("request_type", "class_name"), REQUEST_TYPES)
def test_reads_every_request_type_the_sdk_knows_as_it_does(request_type, class_name):
    request = {**full_payload(SDK._DefaultSerializer__load_class_from_name(class_name)),
               "type": request_type}
    envelope = assert_reads_as_the_sdk_does(in_envelope(request))
    assert type(envelope.request).__name__ == class_name.rsplit(".", 1)[1]


def test_reads_every_class_a_request_can_hold_as_the_sdk_does():
    assert len(REQUEST_CLASSES) > 100
    # One test, not hundreds: each class is quick to check, pytest's share of a test is not.
    assert failures(lambda cls: assert_reads_as_the_sdk_does(full_payload(cls), cls),
                    REQUEST_CLASSES) == []


@CHECKS
@given(payloads(RequestEnvelope))
def test_reads_random_envelopes_of_every_shape_as_the_sdk_does(envelope):
    sdk, ours = read_both(envelope, RequestEnvelope)
    assert_same_outcome(sdk, ours)


BASES = [fixture(name) for name in FIXTURE_NAMES] + simulated_envelopes() + [
    in_envelope({**full_payload(SDK._DefaultSerializer__load_class_from_name(name)), "type": kind})
    for kind, name in REQUEST_TYPES[::7]]


@CHECKS
@given(st.sampled_from(BASES).flatmap(mangled))
def test_hostile_envelopes_fail_or_succeed_as_the_sdk_does(envelope):
    sdk, ours = read_both(envelope, RequestEnvelope)
    assert_same_outcome(sdk, ours)


def test_the_installed_sdks_request_classes_all_get_straight_line_readers():
    fallbacks = [cls.__name__ for cls in REQUEST_CLASSES if _template(cls, field_map(cls)) is None]
    assert fallbacks == []


# -------------------------------------------------------------------- failures, and what they say


def reading_fails(envelope) -> str:
    sdk, ours = read_both(envelope, RequestEnvelope)
    assert isinstance(sdk, SerializationException), sdk
    assert isinstance(ours, SerializationException), ours
    return str(ours)


def test_an_unknown_request_type_fails_as_the_sdk_does_naming_it():
    envelope = in_envelope({**launch_request(), "type": "Alexa.Unheard.Of"})
    assert reading_fails(envelope) == (
        "'request.type' is not a known Request type: 'Alexa.Unheard.Of'")


def test_a_request_without_a_type_fails_as_the_sdk_does():
    request = launch_request()
    del request["type"]
    assert reading_fails(in_envelope(request)) == "'request' has no 'type'"


def test_a_value_outside_an_enum_fails_as_the_sdk_does_listing_the_choices():
    envelope = fixture("intent_request.json")
    envelope["request"]["intent"]["slots"]["routine"]["confirmationStatus"] = "MAYBE"
    assert reading_fails(envelope) == (
        "'request.intent.slots.routine.confirmationStatus' must be one of NONE, DENIED, "
        "CONFIRMED, got 'MAYBE'")


def test_a_timestamp_that_is_not_a_date_fails_as_the_sdk_does():
    envelope = in_envelope({**launch_request(), "timestamp": "yesterday-ish"})
    assert reading_fails(envelope) == (
        "'request.timestamp' must be an ISO 8601 date and time, got 'yesterday-ish'")


def test_an_object_where_a_list_belongs_fails_as_the_sdk_does():
    envelope = fixture("intent_request.json")
    envelope["context"]["Viewports"] = {"type": "APL"}
    assert reading_fails(envelope) == "'context.Viewports' must be a list, got an object"


def test_a_list_where_an_object_belongs_fails_as_the_sdk_does():
    envelope = fixture("launch_request.json")
    envelope["context"]["System"] = ["application"]
    assert reading_fails(envelope) == "'context.System' must be an object, got a list"




def test_a_clients_slot_name_is_quoted_in_the_message():
    envelope = fixture("intent_request.json")
    slots = envelope["request"]["intent"]["slots"]
    slots["\x1b[31m red"] = {**slots.pop("routine"), "confirmationStatus": 5}
    assert reading_fails(envelope) == (
        "'request.intent.slots['\\x1b[31m red'].confirmationStatus' must be one of NONE, DENIED, "
        "CONFIRMED, got 5")


def test_unknown_keys_are_dropped_where_the_sdk_keeps_them_as_attributes():
    envelope = in_envelope({**launch_request(), "newField": {"a": 1}, "__class__": "x"})
    request = QuickSerializer().from_data(envelope, RequestEnvelope).request
    assert not hasattr(request, "newField") and type(request).__name__ == "LaunchRequest"
    with pytest.raises(SerializationException, match="__class__"):  # the SDK's, and why
        SDK.deserialize(json.dumps(envelope), RequestEnvelope)


# -------------------------------------------------------------------- the rest of the interface


def test_text_reads_as_parsed_json_does():
    envelope = fixture("intent_request.json")
    serializer = QuickSerializer()
    assert_same(serializer.deserialize(json.dumps(envelope), RequestEnvelope),
                serializer.from_data(envelope, RequestEnvelope))
    assert serializer.deserialize(None, RequestEnvelope) is None
    with pytest.raises(SerializationException, match="Couldn't parse"):
        serializer.deserialize("{not json", RequestEnvelope)


@pytest.mark.parametrize(("payload", "obj_type"), [
    ([{"name": "a", "value": "b"}], "list[ask_sdk_model.slot.Slot]"),
    ({"routine": {"name": "routine"}}, "dict(str, ask_sdk_model.slot.Slot)"),
    ("12", int),
    ("2026-11-22T18:21:44Z", "datetime"),
    ("COMPLETED", "ask_sdk_model.dialog_state.DialogState"),
    ({"name": "a"}, "ask_sdk_model.slot.Slot"),
])
def test_types_given_by_name_are_read_by_the_sdk_itself(payload, obj_type):
    assert_reads_as_the_sdk_does(payload, obj_type)


def test_only_model_classes_get_readers():
    assert reader_for(RequestEnvelope) is reader_for(RequestEnvelope)
    assert reader_for(int) is None


# -------------------------------------------------------------------- classes unlike the SDK's own

ODD_SHAPES = ["plain", "half", "property", "list", "needs", "untyped", "none", "missing", "empty"]
ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5),
                       st.sampled_from(["calm", "tense!", "2026-11-22", "7", "1.5", "nope"]),
                       st.lists(st.integers() | st.text(max_size=3), max_size=3))
ODD_KEYS = ["name", "howItFeels", "n", "title", "tags", "extra_count", "shout", "items",
            "label", "ghost", "mood", "count", "__dict__", "unknown"]
ODD_SHAPE = st.fixed_dictionaries({"kind": st.sampled_from(ODD_SHAPES) | ODD_VALUES},
                                  optional={key: ODD_VALUES for key in ODD_KEYS})
ODD_HOLDER = st.fixed_dictionaries({}, optional={
    "shape": ODD_SHAPE, "shapes": st.lists(ODD_SHAPE, max_size=2) | ODD_VALUES,
    "by_name": st.dictionaries(st.text(max_size=3), ODD_SHAPE, max_size=2) | ODD_VALUES,
    "pairs": ODD_VALUES, "when": ODD_VALUES, "lost": ODD_VALUES, "raw": ODD_VALUES,
    "ratio": ODD_VALUES, "flag": ODD_VALUES, "big": ODD_VALUES})


@CHECKS
@given(ODD_HOLDER)
def test_classes_unlike_the_sdks_own_read_as_the_sdk_reads_them(payload):
    from .odd_models import Holder

    assert_same_outcome(*read_both(payload, Holder))


@pytest.mark.parametrize("shape", ODD_SHAPES)
def test_each_odd_class_reads_as_the_sdk_reads_it(shape):
    from .odd_models import Holder

    payload = {"shape": {"kind": shape, "name": "n", "howItFeels": "calm", "title": "t",
                         "tags": ["a"], "shout": "hey", "items": [1], "unknown": 1}}
    assert_same_outcome(*read_both(payload, Holder))


FIRST_READ = """
import json, sys
from ask_sdk_model import RequestEnvelope
from ask_sdk_core.serialize import DefaultSerializer
from skill.alexa.serializer import QuickSerializer
data = json.loads(sys.stdin.read())
if sys.argv[1] == "quick":
    QuickSerializer().from_data(data, RequestEnvelope)
else:
    DefaultSerializer()._DefaultSerializer__deserialize(data, RequestEnvelope)
print(sorted(name for name in sys.modules if name.startswith("ask_sdk_model")))
"""


def test_a_first_request_imports_no_more_of_the_sdks_model_than_the_sdk_would():
    def modules_after_first_read(kind: str) -> list[str]:
        done = subprocess.run([sys.executable, "-c", FIRST_READ, kind], cwd=ROOT, check=True,
                              input=(FIXTURES / "intent_request.json").read_text(),
                              capture_output=True, text=True)
        return done.stdout

    assert modules_after_first_read("quick") == modules_after_first_read("sdk")


def test_keys_a_model_does_not_name_are_dropped_not_set_as_attributes():
    envelope = simulated_envelopes()[0]
    envelope["request"].update({"__dict__": {}, "object_type": "SessionEndedRequest",
                                "attribute_map": {}, "x-custom": 1})
    envelope["__class__"] = "nothing"
    read = QuickSerializer().from_data(envelope, RequestEnvelope)
    assert read.request.object_type == envelope["request"]["type"]
    assert read.request.request_id == envelope["request"]["requestId"]
    assert not hasattr(read.request, "x-custom") and "attribute_map" not in vars(read.request)
