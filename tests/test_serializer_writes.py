"""The quick serializer writes every response into exactly the JSON-ready data the SDK's does."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, IntEnum

import pytest
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Intent, ResponseEnvelope, Slot
from ask_sdk_model.authorization.grant_type import GrantType
from ask_sdk_model.dialog import ElicitSlotDirective
from ask_sdk_model.interfaces.alexa.presentation.apl import (
    ExecuteCommandsDirective,
    RenderDocumentDirective,
    SpeakItemCommand,
)
from ask_sdk_model.interfaces.audioplayer import (
    AudioItem,
    PlayBehavior,
    PlayDirective,
    Stream,
)
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.ui import AskForPermissionsConsentCard, SimpleCard, StandardCard
from hypothesis import given
from hypothesis import strategies as st

from skill.alexa.model_meta import is_model
from skill.alexa.model_writers import writable
from skill.app import create_app
from skill.settings import Settings

from .helpers import ROUTINES, sqlite_database
from .model_payloads import (
    CHECKS,
    JSON,
    SDK,
    assert_same,
    assert_same_outcome,
    failures,
    full_payload,
    payloads,
    reachable,
    write_both,
)
from .test_serializer import simulated_envelopes

RESPONSE_CLASSES = [cls for cls in reachable(ResponseEnvelope) if is_model(cls)]


def assert_writes_as_the_sdk_does(obj):
    sdk, ours = write_both(obj)
    assert not isinstance(sdk, Exception), sdk
    assert_same(ours, sdk)
    assert _dumped(ours) == _dumped(sdk)


def _dumped(data) -> str:
    try:
        return json.dumps(data)
    except TypeError as error:  # bytes, say: the SDK passes them through, and so do we
        return type(error).__name__


def factory() -> ResponseFactory:
    return ResponseFactory()


def responses():
    intent = Intent(name="StartRoutineIntent", slots={"routine": Slot(name="routine")})
    apl = {"type": "APL", "version": "2023.2", "mainTemplate": {"items": [{"type": "Text"}]}}
    stream = Stream(token="t", url="https://example.com/a.mp3", offset_in_milliseconds=0)
    yield factory().speak("<speak>Hi</speak>").response
    yield factory().speak("Breathe", play_behavior=PlayBehavior.REPLACE_ALL).ask("Ready?").response
    yield factory().set_card(SimpleCard("Stretch", "Calf")).set_should_end_session(True).response
    yield factory().set_card(StandardCard("Stretch", "Calf")).response
    yield factory().add_directive(RenderDocumentDirective(token="t", document=apl,
                                                          datasources={"d": [1, 2.5]})).response
    yield factory().add_directive(ExecuteCommandsDirective(
        commands=[SpeakItemCommand(component_id="c")], token="t")).response
    yield factory().add_directive(ElicitSlotDirective(updated_intent=intent,
                                                      slot_to_elicit="routine")).response
    yield factory().add_directive(PlayDirective(PlayBehavior.ENQUEUE,
                                                AudioItem(stream=stream))).response
    yield factory().add_directive(SendRequestDirective(
        name="AskFor", payload={"@type": "AskForPermissionsConsentRequest", "@version": "2",
                                "permissionScopes": [{"permissionScope": "a", "level": None}]},
        token='{"v":2}')).set_should_end_session(True).response
    yield factory().set_card(AskForPermissionsConsentCard(permissions=["a", "b"])).response
    yield factory().response
    yield ResponseEnvelope(version="1.0", response=factory().speak("x").response,
                           session_attributes={"state": {"step": 2, "asked": None,
                                                         "done": [1, 2.5, "x", True]}},
                           user_agent="ask-python/1.19.0")


@pytest.mark.parametrize("response", list(responses()))
def test_writes_responses_built_with_the_sdks_response_factory_as_it_does(response):
    assert_writes_as_the_sdk_does(response)


@pytest.fixture(scope="module")
def skill(tmp_path_factory):
    app = create_app(Settings(routines=(ROUTINES,), verify=False,
                              database=sqlite_database(tmp_path_factory.mktemp("db"))))
    return app.extensions["stretch_coach"]["skill"]


@pytest.mark.parametrize("envelope", [envelope for envelope in simulated_envelopes()
                                      if "session" in envelope])
def test_writes_the_skills_own_responses_as_the_sdk_does(skill, envelope):
    request = SDK.deserialize(json.dumps(envelope), "ask_sdk_model.RequestEnvelope")
    assert_writes_as_the_sdk_does(skill.invoke(request, None))


def test_writes_every_class_a_response_can_hold_as_the_sdk_does():
    assert len(RESPONSE_CLASSES) > 100
    assert failures(lambda cls: assert_writes_as_the_sdk_does(
        SDK.deserialize(json.dumps(full_payload(cls)), cls)), RESPONSE_CLASSES) == []


def test_the_installed_sdks_response_classes_all_get_straight_line_writers():
    assert [cls.__name__ for cls in RESPONSE_CLASSES if not writable(cls)] == []


@CHECKS
@given(payloads(ResponseEnvelope))
def test_writes_random_response_envelopes_as_the_sdk_does(payload):
    assert_writes_as_the_sdk_does(SDK.deserialize(json.dumps(payload), ResponseEnvelope))


def _shadowed() -> SimpleCard:
    """A model object whose own attributes hide the class's metadata (as unknown JSON keys can)."""
    card = SimpleCard(title="t", content="c")
    card.deserialized_types = {"title": "str"}
    card.attribute_map = {"title": "heading"}
    return card


class Pace(Enum):
    SLOW = "slow, please"


class Count(IntEnum):  # an int as well: the SDK passes it through as is
    THREE = 3


class Tone(str, Enum):  # noqa: UP042 (a str as well, as the SDK may be given)
    CALM = "calm"


ENUMS = [*PlayBehavior, *GrantType, Pace.SLOW, Count.THREE, Tone.CALM]


# Values a handler could put anywhere, that JSON never holds: each the SDK writes its own way.
ODD_VALUES = st.one_of(
    JSON, st.tuples(JSON, JSON), st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.datetimes(), st.dates(), st.sampled_from(ENUMS), st.binary(max_size=3),
    st.frozensets(st.integers(), max_size=2), st.dictionaries(st.integers(), JSON, max_size=2),
    st.builds(SimpleCard, title=st.text(max_size=5)), st.just(object()),
    st.builds(_shadowed))


@st.composite
def oddly_filled(draw, payload_strategy):
    """A response object with one attribute, somewhere inside, set to an odd value."""
    response = SDK.deserialize(json.dumps(draw(payload_strategy)), ResponseEnvelope)
    models = list(_models_in(response))
    target = draw(st.sampled_from(models))
    name = draw(st.sampled_from(sorted(target.deserialized_types)) | st.text(max_size=5))
    setattr(target, name, draw(ODD_VALUES))
    return response


def _models_in(obj):
    if hasattr(obj, "deserialized_types"):
        yield obj
        for name in obj.deserialized_types:
            yield from _models_in(getattr(obj, name))
    elif isinstance(obj, list | dict):
        for item in obj.values() if isinstance(obj, dict) else obj:
            yield from _models_in(item)


@CHECKS
@given(oddly_filled(payloads(ResponseEnvelope)))
def test_writes_odd_values_or_fails_on_them_as_the_sdk_does(response):
    assert_same_outcome(*write_both(response))


@pytest.mark.parametrize("value", [
    (1, [2, (3,)]), Decimal("2.50"), Decimal("3"), datetime(2026, 11, 22, 18, 21), date(2026, 1, 2),
    b"bytes", {1: "int key"}, _shadowed(), {"nested": [SimpleCard("a")]}, *ENUMS,
])
def test_writes_each_odd_value_as_the_sdk_does(value):
    assert_writes_as_the_sdk_does(factory().set_card(SimpleCard(title="t", content=value)).response)


def test_an_object_the_sdk_cannot_write_fails_the_same_way():
    sdk, ours = write_both(factory().set_card(SimpleCard(title={1, 2})).response)
    assert type(ours) is type(sdk) is AttributeError
