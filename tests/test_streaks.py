"""The streak as counters (records.Streak): moved on a finish at a time, said without history."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from skill.store.records import Streak

MONDAY = date(2026, 11, 23).toordinal()


def counted(days) -> Streak:
    streak = Streak()
    for day in days:
        streak = streak.after(day)
    return streak


def days_in_a_row(days: set[int], today: int) -> int:
    """The streak as the skill used to count it, from every day with a finish."""
    day = today if today in days else today - 1
    length = 0
    while day in days:
        length, day = length + 1, day - 1
    return length


def test_a_first_finish_starts_a_streak_of_one():
    assert Streak().after(MONDAY) == Streak(1, 1, MONDAY)


def test_the_next_day_adds_one_and_the_same_day_nothing():
    assert counted([MONDAY, MONDAY, MONDAY + 1, MONDAY + 1]) == Streak(2, 2, MONDAY + 1)


def test_a_missed_day_starts_again_and_the_best_is_kept():
    assert counted([MONDAY, MONDAY + 1, MONDAY + 2, MONDAY + 4]) == Streak(1, 3, MONDAY + 4)


def test_a_day_before_the_last_counted_changes_nothing():
    streak = counted([MONDAY, MONDAY + 1])
    assert streak.after(MONDAY - 3) == streak == streak.after(MONDAY)


def test_a_streak_is_said_until_a_whole_day_is_missed():
    streak = counted([MONDAY, MONDAY + 1])
    assert [streak.on(MONDAY + n) for n in (1, 2, 3)] == [2, 2, 0]
    assert Streak().on(MONDAY) == 0


def test_two_and_five_years_of_daily_routines_several_a_day():
    for years in (2, 5):
        length = round(years * 365.25)
        days = [MONDAY - length + 1 + n for n in range(length) for _ in range(3)]
        assert counted(days) == Streak(length, length, MONDAY)
        assert counted(days).on(MONDAY + 1) == length


def test_five_years_with_a_gap_counts_from_the_gap():
    start = MONDAY - 5 * 365
    days = [start + n for n in range(5 * 365 + 1) if start + n != MONDAY - 100]
    assert counted(days) == Streak(100, 5 * 365 - 100, MONDAY)


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=80),
       st.integers(min_value=0, max_value=62))
def test_the_counters_say_what_counting_every_day_says(offsets, today_offset):
    days = sorted(MONDAY + offset for offset in offsets)
    today = max([MONDAY + today_offset, *days])
    assert counted(days).on(today) == days_in_a_row(set(days), today)
    runs = [days_in_a_row(set(days), day) for day in days] or [0]
    assert counted(days).best == max(runs)

