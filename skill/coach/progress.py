"""A person's week in numbers: routines finished, on how many days, which, and the streak."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from ..content.catalog import Catalog
from ..content.routines import Routine

WEEK_DAYS = 7


@dataclass(frozen=True)
class Progress:
    finished: int  # routines finished in the last seven local days, today included
    days: int  # how many of those days had at least one
    routines: tuple[tuple[Routine, int], ...]  # which, and how often, most often first
    streak: int  # days in a row with at least one, up to today (or yesterday)
    best: int = 0  # the longest run of such days there has been
    today: int = 0  # routines finished today
    recent: tuple[Routine, ...] = ()  # those finished in the seven days, latest first


def summarize(finished: Iterable[tuple[str, datetime]], catalog: Catalog, zone: tzinfo,
              now: datetime, *, streak: int, best: int = 0) -> Progress:
    """The week that `finished` (routine id, when: the last seven local days' at least) shows,
    in the person's local days, with the `streak` and `best` kept as they finished routines."""
    today = now.astimezone(zone).date()
    week_start = today - timedelta(days=WEEK_DAYS - 1)
    week: Counter[str] = Counter()
    week_days: set[date] = set()
    for routine_id, moment in finished:
        if catalog.get(routine_id) is None:
            continue  # a routine since removed from the content
        day = moment.astimezone(zone).date()
        if week_start <= day <= today:
            week[routine_id] += 1
            week_days.add(day)
    order = {routine.id: index for index, routine in enumerate(catalog)}
    ranked = sorted(week.items(), key=lambda item: (-item[1], order[item[0]]))
    return Progress(
        finished=sum(week.values()), days=len(week_days),
        routines=tuple((catalog.get(routine_id), count) for routine_id, count in ranked),
        streak=streak, best=max(streak, best), today=sum(
            1 for routine_id, moment in finished if catalog.get(routine_id) is not None
            and moment.astimezone(zone).date() == today),
        recent=tuple(catalog.get(routine_id) for routine_id in dict.fromkeys(
            routine_id for routine_id, moment in sorted(finished, key=lambda f: f[1],
                                                        reverse=True)
            if routine_id in week)),
    )
