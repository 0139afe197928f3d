"""Reports cover whole months: the one parser of months, the period they make, the
previous period, and the day by which something is due."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.selection import Month, MonthError, Selection, month_text, period

TODAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize(("text", "month"), [
    ("2026-03", Month(2026, 3)), (" 2000-01 ", Month(2000, 1)), ("2026-12", Month(2026, 12)),
])
def test_a_month_is_written_yyyy_mm(text: str, month: Month) -> None:
    assert Month.parse(text, TODAY) == month
    assert str(month) == text.strip()


@pytest.mark.parametrize(("text", "reason"), [
    ("2026-03-15", "date"), ("20260315", "date"), ("2026-13", "format"), ("2026-00", "format"),
    ("2026-3", "format"), ("99999-12", "format"), ("mars 2026", "format"), ("", "format"),
    ("0001-01", "range"), ("1999-12", "range"), ("2027-01", "range"), ("9999-12", "range"),
    ("\uff12\uff10\uff12\uff16-\uff10\uff13", "format"), ("2026-03\x00", "format"),
])
def test_anything_else_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(MonthError) as refused:
        Month.parse(text, TODAY)
    assert refused.value.reason == reason
    if reason == "date":
        assert str(refused.value) == (f"{text} är ett datum, men rapporter gäller hela "
                                      "månader: skriv 2026-03.")
    if reason == "range":
        assert str(refused.value) == "Välj en månad från 2000-01 till och med 2026-12."


def test_a_period_is_whole_months_first_day_to_last() -> None:
    assert period(Month(2024, 2), Month(2024, 2)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert period(Month(2025, 11), Month(2026, 1)) == (dt.date(2025, 11, 1),
                                                        dt.date(2026, 1, 31))
    assert period(None, Month(2025, 6)) == (None, dt.date(2025, 6, 30))
    assert period(Month(2025, 6), None) == (dt.date(2025, 6, 1), None)
    with pytest.raises(MonthError) as backwards:
        period(Month(2025, 6), Month(2025, 5))
    assert backwards.value.reason == "order"


def test_the_previous_period_is_as_many_whole_months_before() -> None:
    def before(first: Month, last: Month) -> tuple[dt.date | None, dt.date | None]:
        previous = Selection(*period(first, last), frozenset({"A"}), "Tibro").previous()
        assert previous is not None and previous.insatser == {"A"} and previous.site == "Tibro"
        return previous.date_from, previous.date_to

    assert before(Month(2025, 1), Month(2025, 12)) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert before(Month(2026, 1), Month(2026, 3)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    # The current month (up to today) is followed back by the whole month before.
    assert before(Month(2026, 12), Month(2026, 12)) == (dt.date(2026, 11, 1),
                                                         dt.date(2026, 11, 30))
    assert Selection(*period(Month(2026, 1), None)).previous() is None


def test_due_by_the_earlier_of_the_period_end_and_today() -> None:
    this_month = Selection(*period(Month(2026, 12), Month(2026, 12)))
    assert this_month.due_by(TODAY) == TODAY
    assert Selection(*period(Month(2026, 1), Month(2026, 3))).due_by(TODAY) == dt.date(2026, 3, 31)
    assert Selection().due_by(TODAY) == TODAY


def test_answers_are_dated_by_month() -> None:
    assert month_text(dt.datetime(2026, 3, 31, 23, 59)) == "2026-03"
    assert month_text(None) is None


def test_a_refusal_is_translated_where_it_is_shown() -> None:
    error = MonthError("range", first="2000-01", last="2026-12")
    english = {"Välj en månad från %(first)s till och med %(last)s.":
               "Choose a month from %(first)s to %(last)s."}
    assert error.translated(lambda message: english.get(message, message)) == (
        "Choose a month from 2000-01 to 2026-12.")


def test_dates_still_to_come_are_not_yet() -> None:
    """In the current month (or a period without an end) an enrolment whose end date is
    after today is still enrolled (not ended, not due an avslut answer), and one whose
    start is after today is not enrolled yet."""
    from analysis.enrolments import EnrolmentColumns
    from analysis.rows import EnrolmentRow

    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    rows = [EnrolmentRow(str(n), f"P{n}", "kvinna", "nej", "A", None, start, end, record_key=n)
            for n, (start, end) in enumerate([(dt.date(2020, 1, 1), today),
                                              (dt.date(2020, 1, 1), tomorrow),
                                              (dt.date(2020, 1, 1), None), (tomorrow, None)])]
    columns = EnrolmentColumns.from_rows(rows)
    this_month = Month.of(today)
    for selection in (Selection(*period(this_month, this_month)), Selection()):
        assert columns.ended(selection).tolist() == [True, False, False, False]
        assert columns.selected(selection).tolist() == [True, True, True, False]
    earlier = Selection(*period(this_month.plus(-1), this_month.plus(-1)))
    assert columns.ended(earlier).tolist() == [False, False, False, False]
