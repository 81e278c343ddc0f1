"""Properties of the edge, over inputs hypothesis makes up: any bytes, any JSON shape, any
headers and chunked encodings get a 200 with well-formed speech or a short 4xx, never a 5xx."""

from __future__ import annotations

import copy
import http.client
import json
import tempfile
from pathlib import Path

import pytest
from ask_sdk_model import Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa.envelope import BadRequest, parse_envelope

from .helpers import (
    FIXTURE_ROUTINES,
    assert_short_4xx,
    assert_sound,
    chunked,
    drain,
    exchange,
    fixture,
    head,
    make_app,
    serving,
    speaks_to,
)

FEW = settings(max_examples=60, deadline=None, database=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])
APP = make_app(Path(tempfile.mkdtemp())).test_client()
ENVELOPES = [fixture("launch_request.json"), fixture("intent_request.json")]
REQUEST_TYPES = sorted(Request.discriminator_value_class_map)

# Text as hostile as JSON can carry: control characters, lone surrogates, non-characters,
# markup, and names that mean something to Python or to the SDK's model objects.
texts = st.text(st.characters(codec=None), max_size=20) | st.sampled_from([
    "\x00", "\ud800", "\udfff", "\ufffe", "\uffff", "\x1b[2J", "<speak>", "</speak>", "&amp",
    "]]>", "'\"", "\u202e", "𝔘", "9" * 5000, "x" * 10_000])
keys = texts | st.sampled_from([
    "__class__", "__dict__", "object_type", "to_dict", "attribute_map", "deserialized_types",
    "request_id", "type", "value", "slots", "resolutions", "attributes", "new", "user"])
scalars = (st.none() | st.booleans() | st.integers() | texts
           | st.floats(allow_nan=False, allow_infinity=False))
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(keys, inner, max_size=4), max_leaves=12)


def paths(data, prefix=()):
    """Every place in nested JSON: a tuple of keys and indexes."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        yield (*prefix, key)
        if isinstance(value, dict | list) and value:
            yield from paths(value, (*prefix, key))


@st.composite
def hostile_envelopes(draw):
    """A real envelope (with its session) with one place replaced, removed or added."""
    envelope = copy.deepcopy(draw(st.sampled_from(ENVELOPES)))
    if draw(st.booleans()):
        envelope["request"]["type"] = draw(st.sampled_from(REQUEST_TYPES))
    # Requests without a session are the handlers' business (test_hostile_conversation.py
    # sends every request type without one), not the edge's.
    where = draw(st.sampled_from(sorted(set(paths(envelope)) - {("session",)}, key=repr)))
    *parents, last = where
    target = envelope
    for key in parents:
        target = target[key]
    change = draw(st.sampled_from(["replace", "remove", "add"]))
    if change == "remove" and isinstance(target, dict):
        del target[last]
    elif change == "add" and isinstance(target, dict):
        target[draw(keys)] = draw(json_values)
    else:
        target[last] = draw(json_values)
    return envelope


@FEW
@given(st.binary(max_size=3000))
def test_the_envelope_parser_takes_any_bytes(body):
    try:
        assert isinstance(parse_envelope(body), dict)
    except BadRequest as error:
        assert len(str(error)) <= 500 and str(error).isprintable()


@FEW
@given(json_values)
def test_the_envelope_parser_takes_any_json(value):
    try:
        assert isinstance(parse_envelope(json.dumps(value).encode()), dict)
    except BadRequest as error:
        assert len(str(error)) <= 500 and str(error).isprintable()


@FEW
@given(hostile_envelopes())
def test_any_envelope_shape_gets_speech_or_a_4xx(envelope):
    response = APP.post("/", data=json.dumps(envelope), content_type="application/json")
    assert_sound(response.status_code, response.get_json(), speaks_to(envelope))


@FEW
@given(st.binary(max_size=3000) | json_values.map(lambda value: json.dumps(value).encode()))
def test_any_body_gets_speech_or_a_4xx(body):
    response = APP.post("/", data=body, content_type="application/json")
    try:
        envelope = json.loads(body)
    except ValueError:
        envelope = None
    assert_sound(response.status_code, response.get_json(), speaks_to(envelope))


# Over a real server: what reaches gunicorn before the app does.

@pytest.fixture(scope="module")
def url():
    with serving({"ALEXA_VERIFY": "0"}, FIXTURE_ROUTINES) as (address, process):
        drain(process)
        yield address


HEADER_NAMES = ["Content-Length", "Transfer-Encoding", "Content-Type", "Expect", "Connection",
                "Host", "X-Forwarded-For", "SignatureCertChainUrl", "Signature-256"]
header_names = st.sampled_from(HEADER_NAMES) | st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7e), min_size=1, max_size=12)
header_values = st.sampled_from(["chunked", "gzip", "chunked, chunked", "0", "-1", "12",
                                 "99999999999999999999", "close", "100-continue", ""]) | st.text(
    st.characters(min_codepoint=0, max_codepoint=0xff), max_size=30)
chunk_sizes = st.sampled_from(["ZZ", "-5", "0x10", " 3", "3 ", "99999999999999999999", ""]) | (
    st.integers(0, 5000).map(lambda n: f"{n:x}"))
chunk_lines = st.tuples(chunk_sizes, st.sampled_from(["", ";x=y", ";\x00", ";" + "e" * 200]),
                        st.binary(max_size=40), st.sampled_from([b"\r\n", b"", b"\n", b"XX"]))


@FEW
@given(st.lists(st.tuples(header_names, header_values), max_size=5), st.binary(max_size=200))
def test_any_headers_get_an_answer_below_500(url, headers, body):
    status, answer = sent(url, head(None, *(f"{name}: {value}" for name, value in headers))
                          + body)
    if status is not None:
        assert status < 500
        if status >= 400:
            assert_short_4xx(status, answer)


@FEW
@given(st.lists(chunk_lines, max_size=4), st.booleans())
def test_any_chunked_encoding_gets_an_answer_below_500(url, chunks, finished):
    data = b"".join(f"{size}{extension}\r\n".encode("latin-1") + payload + end
                    for size, extension, payload, end in chunks)
    status, answer = sent(url, head(None, "Transfer-Encoding: chunked") + data
                          + (chunked() if finished else b""))
    if status is not None:
        assert status < 500
        if status >= 400:
            assert_short_4xx(status, answer)


def sent(url: str, data: bytes) -> tuple[int | None, dict | None]:
    """The answer to `data` sent whole (the connection then half-closed), or (None, None) if
    the server closed it unanswered, as it does a request cut off mid-headers."""
    try:
        return exchange(url, data, timeout=10, then_close=True)
    except (http.client.HTTPException, ConnectionError):
        return None, None
