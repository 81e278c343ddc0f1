"""A person's local days: the zone a name stands for, and the day a moment falls on there."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from ..settings import SettingsError, parse_time_zone


def read_zone(name: object) -> ZoneInfo | None:
    """The IANA zone `name` says, if it is one this machine knows (as settings read them)."""
    if not isinstance(name, str):
        return None
    try:
        return parse_time_zone(name, "zone")
    except SettingsError:
        return None


def local_day(seconds: float, zone: tzinfo) -> int:
    """The day (a date ordinal) that `seconds` since the epoch fall on in `zone`."""
    return datetime.fromtimestamp(seconds, zone).date().toordinal()
