"""analysis.due: the one rule for when a survey is due, as the to-do list asks it (one
enrolment, today) and as the report asks it (many enrolments, a period), and the two
agree."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analysis.due import AVSLUT_BEFORE_DAYS, DueRule, due_in_period, due_since

TODAY = dt.date(2026, 6, 1)
RULE = DueRule(pagaende_days=30)


def test_start_is_due_from_the_first_day():
    assert due_since("start", TODAY, None, False, TODAY, RULE) == TODAY
    assert due_since("start", TODAY + dt.timedelta(days=1), None, False, TODAY, RULE) is None


@pytest.mark.parametrize(("days", "due"), [(29, None), (30, dt.date(2026, 5, 2)),
                                           (45, dt.date(2026, 5, 2))])
def test_pagaende_is_due_the_days_the_forbund_set_after_start(days, due):
    start = dt.date(2026, 4, 2)
    today = start + dt.timedelta(days=days)
    assert due_since("pagaende", start, None, False, today, RULE) == due


def test_pagaende_closes_when_the_enrolment_ends():
    start = dt.date(2026, 1, 1)
    assert due_since("pagaende", start, dt.date(2026, 5, 1), True, TODAY, RULE) is None


def test_avslut_is_due_before_the_end_and_once_it_is_recorded():
    start = dt.date(2026, 1, 1)
    end = TODAY + dt.timedelta(days=AVSLUT_BEFORE_DAYS)
    assert due_since("avslut", start, end, False, TODAY, RULE) == TODAY
    later = TODAY + dt.timedelta(days=AVSLUT_BEFORE_DAYS + 1)
    assert due_since("avslut", start, later, False, TODAY, RULE) is None
    assert due_since("avslut", start, None, False, TODAY, RULE) is None
    # Recorded today with a later end date: due now all the same.
    assert due_since("avslut", start, later, True, TODAY, RULE) == TODAY


def test_the_report_and_the_to_do_list_agree():
    """Every enrolment the to-do list calls due on the period's last day, the report
    counts as due in the period (pågående: whatever happened before; start: enrolled in
    the period)."""
    rng = np.random.default_rng(22)
    starts = [TODAY - dt.timedelta(days=int(d)) for d in rng.integers(0, 200, 300)]
    ends = [None if rng.random() < 0.5 else s + dt.timedelta(days=int(rng.integers(0, 150)))
            for s in starts]
    ends = [None if e is not None and e > TODAY else e for e in ends]
    start = np.array(starts, dtype="datetime64[D]")
    end = np.array(["NaT" if e is None else e for e in ends], dtype="datetime64[D]")
    ended = ~np.isnat(end)
    for occasion in ("start", "pagaende", "avslut"):
        in_period = due_in_period(occasion, start, end, ended, None, TODAY, RULE)
        for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
            if due_since(occasion, s, e, e is not None, TODAY, RULE) is not None:
                assert in_period[i], (occasion, s, e)
    # Pågående: someone who ended after the window opened was due, though no longer.
    pagaende = due_in_period("pagaende", start, end, ended, None, TODAY, RULE)
    opened = start + np.timedelta64(30, "D")
    assert (pagaende == (opened <= np.where(ended, end, np.datetime64(TODAY)))).all()


def test_start_counts_only_those_enrolled_in_the_period():
    start = np.array(["2026-01-10", "2026-03-10"], dtype="datetime64[D]")
    end = np.array(["NaT", "NaT"], dtype="datetime64[D]")
    due = due_in_period("start", start, end, np.zeros(2, dtype=bool), dt.date(2026, 3, 1),
                        TODAY, RULE)
    assert due.tolist() == [False, True]


@pytest.mark.parametrize(("end", "months", "point"), [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),   # a shorter month: its last day
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),   # leap year
    (dt.date(2026, 8, 15), 6, dt.date(2027, 2, 15)),   # across the year
    (dt.date(2026, 12, 31), 12, dt.date(2027, 12, 31)),
])
def test_add_months_is_calendar_months(end, months, point):
    from analysis.due import add_months
    assert add_months(end, months) == point


def test_a_followup_is_due_from_its_point_and_leaves_the_list_unanswered():
    from analysis.due import FOLLOWUP_DUE_DAYS
    start, end = dt.date(2025, 6, 1), dt.date(2025, 12, 1)
    point = dt.date(2026, 6, 1)
    assert due_since("uppfoljning-6", start, end, True, point - dt.timedelta(days=1),
                     RULE) is None
    assert due_since("uppfoljning-6", start, end, True, point, RULE) == point
    last = point + dt.timedelta(days=FOLLOWUP_DUE_DAYS)
    assert due_since("uppfoljning-6", start, end, True, last, RULE) == point
    assert due_since("uppfoljning-6", start, end, True, last + dt.timedelta(days=1),
                     RULE) is None
    # Never for someone still enrolled, whatever the dates say.
    assert due_since("uppfoljning-6", start, end, False, point, RULE) is None
    assert due_since("uppfoljning-12", start, end, True, point, RULE) is None


def test_a_followup_is_due_in_the_period_its_point_falls_in():
    start = np.array(["2025-01-01"] * 4, dtype="datetime64[D]")
    end = np.array(["2025-12-31", "2026-01-01", "2025-11-30", "NaT"], dtype="datetime64[D]")
    ended = np.zeros(4, dtype=bool)
    june = due_in_period("uppfoljning-6", start, end, ended, dt.date(2026, 6, 1),
                         dt.date(2026, 6, 30), RULE)
    # 31 Dec + 6 months = 30 June (in June); 1 Jan → 1 July; 30 Nov → 30 May; enrolled: never.
    assert june.tolist() == [True, False, False, False]
    year = due_in_period("uppfoljning-6", start, end, ended, dt.date(2026, 1, 1),
                         dt.date(2026, 12, 31), RULE)
    assert year.tolist() == [True, True, True, False]


def test_start_closes_when_the_exit_is_recorded():
    start = dt.date(2026, 1, 1)
    assert due_since("start", start, dt.date(2026, 5, 1), False, TODAY, RULE) == start
    assert due_since("start", start, dt.date(2026, 5, 1), True, TODAY, RULE) is None
