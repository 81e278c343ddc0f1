"""Timestamps read to exactly what the SDK's dateutil reads, in any zone the server runs in."""

from __future__ import annotations

import os
import time

import pytest
from dateutil.parser import parse as dateutil_parse
from hypothesis import given
from hypothesis import strategies as st

from skill.alexa.timestamps import read_timestamp

from .model_payloads import CHECKS, TIMESTAMPS, assert_same

# POSIX zone rules, so no zone database is needed: UTC itself, zones whose winter or summer
# name is "UTC" (dateutil then attaches tzlocal()), and zones that are not UTC at all.
ZONES = ["UTC0", "UTC0BST,M3.5.0/1,M10.5.0", "GMT0BST,M3.5.0/1,M10.5.0",
         "EST5EDT,M3.2.0,M11.1.0", "IST-5:30"]
DIGITS = st.text("0123456789", min_size=1, max_size=3)
FRACTION = st.text("0123456789", max_size=8)
NEAR_ISO = st.tuples(DIGITS, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS, FRACTION,
                     st.sampled_from(["Z", "+", "-", "z", ""]), DIGITS, DIGITS).map(
    lambda p: f"{p[0]:0>4}-{p[1]:0>2}-{p[2]:0>2}T{p[3]:0>2}:{p[4]:0>2}:{p[5]:0>2}"
              f"{'.' + p[6] if p[6] else ''}{p[7]}{p[8] + ':' + p[9] if p[7] in '+-' else ''}")


@pytest.fixture(params=ZONES)
def local_zone(request):
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def assert_reads_as_dateutil_does(text: str) -> None:
    try:
        expected = dateutil_parse(text)
    except Exception as error:
        with pytest.raises(type(error)):
            read_timestamp(text)
    else:
        assert_same(read_timestamp(text), expected)


@pytest.mark.parametrize("text", [
    "2026-11-22T18:21:44Z", "2026-11-22T18:21:44.123Z", "2026-11-22T18:21:44.123456Z",
    "2026-11-22T18:21:44+00:00", "2026-11-22T18:21:44-00:00", "2026-11-22T18:21:44+05:30",
    "2026-03-29T01:30:00Z", "2026-10-25T01:30:00Z", "2026-11-01T01:30:00Z",  # DST edges
    "2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-22T24:00:00Z",
    "2026-11-22T18:21:44+24:00", "2026-11-22T18:21:44+05:75", "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999-23:59", "2026-11-22T18:21:44.1234567Z", "yesterday-ish",
])
def test_reads_alexas_timestamps_and_odd_ones_as_dateutil_does(text, local_zone):
    assert_reads_as_dateutil_does(text)


@CHECKS
@given(st.one_of(TIMESTAMPS, NEAR_ISO, st.text(max_size=30)), st.sampled_from(ZONES))
def test_reads_random_timestamps_as_dateutil_does_in_any_zone(text, zone):
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        assert_reads_as_dateutil_does(text)
    finally:
        os.environ["TZ"] = before if before is not None else "UTC0"
        if before is None:
            del os.environ["TZ"]
        time.tzset()
