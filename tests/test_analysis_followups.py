"""After exit (issue 24, point 3): the follow-up figure, counted by hand from rows, from
a CSV of answers and from the database (SQLite and PostgreSQL), and the existing
figures at a follow-up point (response rates, the indicators' stod_hjalper).

The second half of 2025. A follow-up point falls 6 or 12 calendar months after the end
date; it is due in the period its point falls in, and an answer counts in the month it
was given.

    F1 A ended 2025-02-10 arbete/lön            6 m 2025-08-10 due; answers: arbete, lön
    F2 A ended 2025-03-31 arbetssökande/fs      6 m 2025-09-30 due; studier, studiemedel
    F3 A ended 2025-05-15 studier/studiemedel   6 m 2025-11-15 due; arbetssökande, fs
    F4 A ended 2025-06-30 annat/—               6 m 2025-12-30 due; no answer (invited)
    F5 B ended 2024-08-15 arbete/lön           12 m 2025-08-15 due; vet inte, ingen
    F6 B ended 2025-01-20 okänd/sjukpenning     6 m 2025-07-20 due; arbete, sjukpenning
    F7 A ended 2024-12-10 arbete/lön            6 m 2025-06-10 (before); answers late,
                                                in July: arbete, lön; 12 m 2025-12-10
                                                due, not invited
    F8 A still enrolled                         never due
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import pytest
from sqlalchemy import select

from analysis import EnrolmentRow, ReportOptions, build_report
from analysis.enrolments import EnrolmentColumns
from analysis.figures import FigureInputs, followups, indicators, response_rates
from analysis.from_rows import columns_from_rows
from analysis.perturbation import KEY_RANGE, Cell, exact
from analysis.report import build_report_from_csv, report_from_columns
from analysis.responses import to_entries
from analysis.rows import AnswerRow
from analysis.synthetic import make_row, to_csv_text
from questionnaires import Registry

H2 = ReportOptions(date_from=dt.date(2025, 7, 1), date_to=dt.date(2025, 12, 31),
                   insatser=("A", "B"), sites=("Skövde",))
KEYS = {f"F{i}": i * 1_000_003 for i in range(1, 9)}
# (person, insats, start, end, exit outcome, income at exit)
PEOPLE = [
    ("F1", "A", dt.date(2024, 9, 1), dt.date(2025, 2, 10), "arbete", ("lon",)),
    ("F2", "A", dt.date(2024, 10, 1), dt.date(2025, 3, 31), "arbetssökande",
     ("forsorjningsstod",)),
    ("F3", "A", dt.date(2024, 11, 1), dt.date(2025, 5, 15), "studier", ("studiemedel",)),
    ("F4", "A", dt.date(2025, 1, 1), dt.date(2025, 6, 30), "annat", None),
    ("F5", "B", dt.date(2024, 2, 1), dt.date(2024, 8, 15), "arbete", ("lon",)),
    ("F6", "B", dt.date(2024, 8, 1), dt.date(2025, 1, 20), None, ("sjukpenning",)),
    ("F7", "A", dt.date(2024, 6, 1), dt.date(2024, 12, 10), "arbete", ("lon",)),
    ("F8", "A", dt.date(2025, 3, 1), None, None, None),
]
# (person, months, day answered, sysselsattning, forsorjning, stod_hjalper); None: vet inte
FOLLOWUPS = [
    ("F1", 6, dt.date(2025, 8, 20), 1, 1, 4),
    ("F2", 6, dt.date(2025, 10, 5), 2, 2, 3),
    ("F3", 6, dt.date(2025, 11, 20), 3, 3, 2),
    ("F5", 12, dt.date(2025, 9, 1), None, 9, None),
    ("F6", 6, dt.date(2025, 7, 25), 1, 4, 1),
    ("F7", 6, dt.date(2025, 7, 2), 1, 1, 4),
]
INVITED = {"F1": 6, "F2": 6, "F3": 6, "F4": 6, "F5": 12, "F6": 6, "F7": 6}


def key(*people: str) -> int:
    return sum(KEYS[p] for p in people) % KEY_RANGE


def enrolment_rows() -> list[EnrolmentRow]:
    return [EnrolmentRow(None, person, "kvinna", "nej", insats, "Skövde", start, end, outcome,
                         invited=frozenset({("uppfoljning", f"uppfoljning-{INVITED[person]}")})
                         if person in INVITED else frozenset(),
                         income_exit=income, record_key=KEYS[person])
            for person, insats, start, end, outcome, income in PEOPLE]  # fmt: skip


def answer_rows() -> list[AnswerRow]:
    insats = {person: place for person, place, *_ in PEOPLE}
    return [make_row(participant=person, insats=insats[person], site="Skövde",
                     questionnaire="uppfoljning", occasion=f"uppfoljning-{months}",
                     submitted_at=dt.datetime.combine(day, dt.time(11)), item=item,
                     value=value, record_key=KEYS[person])
            for person, months, day, *values in FOLLOWUPS
            for item, value in zip(("sysselsattning", "forsorjning", "stod_hjalper"), values,
                                   strict=True)]  # fmt: skip


def inputs_for(enrolments: list[EnrolmentRow] | None, options: ReportOptions = H2
               ) -> FigureInputs:  # fmt: skip
    registry = Registry.load()
    entries = to_entries(*columns_from_rows(answer_rows(), registry), options.selection)
    columns = None if enrolments is None else EnrolmentColumns.from_rows(enrolments)
    return FigureInputs(entries, columns, options.selection, options, None, registry)


# The exact figures, by hand (see the module's table).
SIX = {
    "due": Cell(5, key("F1", "F2", "F3", "F4", "F6")),
    "answered": Cell(5, key("F1", "F2", "F3", "F6", "F7")),
    # What they do now: everyone answered it; arbete or studier: all but F3.
    "now": {"n": Cell(5, key("F1", "F2", "F3", "F6", "F7")),
            "positive": Cell(4, key("F1", "F2", "F6", "F7"))},
    # F6's exit outcome is okänd: not in the transition.
    "transition": {"known": Cell(4, key("F1", "F2", "F3", "F7")),
                   "still": {"count": Cell(2, key("F1", "F7"))},
                   "into": {"count": Cell(1, key("F2"))},
                   "out_of": {"count": Cell(1, key("F3"))}, "neither": {"count": Cell(0, 0)}},
    "self_supporting": {
        "exit": {"n": Cell(5, key("F1", "F2", "F3", "F6", "F7")),
                 "positive": Cell(3, key("F1", "F3", "F7"))},
        "now": {"n": Cell(5, key("F1", "F2", "F3", "F6", "F7")),
                "positive": Cell(3, key("F1", "F2", "F7"))},
    },
}
TWELVE_B = {
    "due": Cell(1, key("F5")),
    "answered": Cell(1, key("F5")),
    "now": {"n": Cell(0, 0), "positive": Cell(0, 0)},  # vet inte
    "transition": {"known": Cell(0, 0), **{name: {"count": Cell(0, 0)}
                                            for name in followups.TRANSITIONS}},
    "self_supporting": {"exit": {"n": Cell(1, key("F5")), "positive": Cell(1, key("F5"))},
                        "now": {"n": Cell(1, key("F5")), "positive": Cell(0, 0)}},  # ingen
}
TWELVE = {**TWELVE_B, "due": Cell(2, key("F5", "F7"))}


def _without_insats(point: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in point.items() if name not in ("by_insats", "months")}


def test_followup_cells_by_hand() -> None:
    cells = followups.cells(inputs_for(enrolment_rows()))
    assert cells["available"] is True
    assert cells["counted"] == ["arbete", "studier"]
    assert list(cells["by_point"]) == ["uppfoljning-6", "uppfoljning-12"]
    six, twelve = cells["by_point"]["uppfoljning-6"], cells["by_point"]["uppfoljning-12"]
    assert six["months"] == 6
    assert _without_insats(six) == SIX
    assert _without_insats(twelve) == TWELVE
    # Per insats: A has F1-F4 due and F1, F2, F3, F7 answering; B has F6 at 6 months.
    a, b = six["by_insats"]["A"], six["by_insats"]["B"]
    assert a["due"] == Cell(4, key("F1", "F2", "F3", "F4"))
    assert a["answered"] == Cell(4, key("F1", "F2", "F3", "F7"))
    assert a["transition"] == SIX["transition"]  # F6 (B) was not in it
    assert b["due"] == b["answered"] == Cell(1, key("F6"))
    assert b["now"] == {"n": Cell(1, key("F6")), "positive": Cell(1, key("F6"))}
    assert b["transition"]["known"] == Cell(0, 0)
    assert twelve["by_insats"]["A"]["due"] == Cell(1, key("F7"))
    assert twelve["by_insats"]["A"]["answered"] == Cell(0, 0)
    assert _without_insats(twelve["by_insats"]["B"]) == TWELVE_B


def test_the_forbunds_counted_outcomes_and_points() -> None:
    options = dataclasses.replace(H2, work_outcomes=("arbete",), followup_months=(6,))
    cells = followups.cells(inputs_for(enrolment_rows(), options))
    assert list(cells["by_point"]) == ["uppfoljning-6"]
    six = cells["by_point"]["uppfoljning-6"]
    # Studier no longer counts: F2 (arbetssökande → studier) is neither; F3 (studier →
    # arbetssökande) too.
    assert six["now"]["positive"] == Cell(3, key("F1", "F6", "F7"))
    assert six["transition"] == {"known": Cell(4, key("F1", "F2", "F3", "F7")),
                                 "still": {"count": Cell(2, key("F1", "F7"))},
                                 "into": {"count": Cell(0, 0)}, "out_of": {"count": Cell(0, 0)},
                                 "neither": {"count": Cell(2, key("F2", "F3"))}}


def test_a_period_before_the_points() -> None:
    # The first half of 2025: F7's 6-month point (June) and F5's 6-month point
    # (February) fall in it, no 12-month point; nobody answered a follow-up in it.
    options = dataclasses.replace(H2, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 6, 30))
    points = followups.cells(inputs_for(enrolment_rows(), options))["by_point"]
    assert points["uppfoljning-6"]["due"] == Cell(2, key("F5", "F7"))
    assert points["uppfoljning-6"]["answered"] == Cell(0, 0)
    assert points["uppfoljning-12"]["due"] == Cell(0, 0)


def test_response_rates_at_each_follow_up_point() -> None:
    rates = exact(response_rates.cells(inputs_for(enrolment_rows())))["by_questionnaire"]
    # Due at 6 months: F1, F2, F3, F4, F6; F7 answered but was not due in the period.
    assert rates["uppfoljning"]["uppfoljning-6"] == {
        "due": 5, "answered": 4, "missing": 1,
        "reasons": {"left_early": 0, "no_invitation": 0, "not_answered": 1}}
    # Due at 12 months: F5 (answered) and F7 (never invited).
    assert rates["uppfoljning"]["uppfoljning-12"] == {
        "due": 2, "answered": 1, "missing": 1,
        "reasons": {"left_early": 0, "no_invitation": 1, "not_answered": 0}}


def test_indicators_at_a_follow_up_point_leave_out_choice_items() -> None:
    tree = exact(indicators.cells(inputs_for(enrolment_rows())))
    assert list(tree["uppfoljning/v1"]) == ["uppfoljning-6", "uppfoljning-12"]
    six = tree["uppfoljning/v1"]["uppfoljning-6"]
    # stod_hjalper only: F1 4, F2 3, F3 2, F6 1, F7 4.
    assert list(six) == ["stod_hjalper"]
    assert (six["stod_hjalper"]["n"], six["stod_hjalper"]["positive"]) == (5, 3)
    assert tree["uppfoljning/v1"]["uppfoljning-12"]["stod_hjalper"]["dont_know"] == 1


def test_published_followups_keep_small_bases_to_themselves() -> None:
    report = build_report(answer_rows(), H2, enrolments=enrolment_rows())
    figure = report["followups"]
    assert figure["available"] is True
    six, twelve = figure["by_point"]["uppfoljning-6"], figure["by_point"]["uppfoljning-12"]
    for block in (six, *six["by_insats"].values(), twelve, *twelve["by_insats"].values()):
        transition = block["transition"]
        for name in followups.TRANSITIONS:
            part = transition[name]
            assert (part["count"] is None) == (transition["known"] < 5)
            assert part["count"] is None or part["count"] <= transition["known"]
        for share in (block["now"], *block["self_supporting"].values()):
            assert (share["share"] is None) == (share["n"] < 5)
    # A base of 1 (B at 6 months, the 12-month point) shows no share.
    assert six["by_insats"]["B"]["now"]["share"] is None
    assert twelve["self_supporting"]["exit"]["share"] is None


def test_from_a_csv_only_the_answers_are_counted() -> None:
    report, errors = build_report_from_csv(io.StringIO(to_csv_text(answer_rows()),
                                                       newline=""), H2)  # fmt: skip
    assert errors == []
    assert report is not None
    figure = report["followups"]
    assert figure["available"] is False and figure["note"]
    six = figure["by_point"]["uppfoljning-6"]
    assert six["due"] is None and six["transition"] is None
    assert six["self_supporting"]["exit"] is None
    cells = followups.cells(inputs_for(None))["by_point"]["uppfoljning-6"]
    assert cells["answered"] == SIX["answered"]
    assert cells["now"] == SIX["now"]
    assert cells["self_supporting"]["now"] == SIX["self_supporting"]["now"]
    # The response rates need who was due: not from a CSV.
    assert report["response_rates"]["available"] is False


def test_the_csv_reader_takes_a_follow_up_point_and_choice_values() -> None:
    text = to_csv_text(answer_rows())
    assert "uppfoljning-6" in text
    bad = text.replace("uppfoljning-12", "uppfoljning-7")
    report, errors = build_report_from_csv(io.StringIO(bad, newline=""), H2)
    assert report is None and "uppfoljning-7" in errors[0].message
    # forsorjning's choice 9 is not on the agreement scale (1-4) but is its own value;
    # 10 is neither.
    wrong = text.replace(",forsorjning,9,", ",forsorjning,10,")
    report, errors = build_report_from_csv(io.StringIO(wrong, newline=""), H2)
    assert report is None and "1–9" in errors[0].message


# The database: the same people and answers, stored as the web app stores them.


@pytest.fixture
def stored(app):  # type: ignore[no-untyped-def]
    from survey.extensions import db
    from survey.models import (
        Answer,
        BornAbroad,
        Enrolment,
        Gender,
        Insats,
        Invitation,
        Organisation,
        Participant,
        Response,
        Site,
    )

    organisation = Organisation(name="Förbundet")
    places = {name: Insats(organisation=organisation, name=name) for name in ("A", "B")}
    sites = {name: Site(insats=insats, name="Skövde") for name, insats in places.items()}
    db.session.add_all([organisation, *places.values(), *sites.values()])
    db.session.flush()
    enrolments = {}
    for person, insats, start, end, outcome, income in PEOPLE:
        participant = Participant(organisation_id=organisation.id, pseudonym=person,
                                  gender=Gender.kvinna, birth_year=1990,
                                  born_abroad=BornAbroad.nej, record_key=KEYS[person])
        enrolments[person] = Enrolment(participant=participant, insats=places[insats],
                                       site=sites[insats], start_date=start, end_date=end,
                                       exit_outcome=outcome,
                                       income_exit=list(income) if income else None)
        db.session.add_all([participant, enrolments[person]])
    answered = {person: rest for person, *rest in FOLLOWUPS}
    for person, months in INVITED.items():
        invitation = Invitation(enrolment=enrolments[person], questionnaire_key="uppfoljning",
                                questionnaire_version=1, occasion="uppfoljning",
                                followup_months=months, token_hash=f"{person:0>64}",
                                expires_at=dt.datetime(2030, 1, 1))
        db.session.add(invitation)
        if person in answered:
            _months, day, *values = answered[person]
            moment = dt.datetime.combine(day, dt.time(11))
            db.session.add(Response(
                invitation=invitation, language="sv", started_at=moment, updated_at=moment,
                submitted_at=moment,
                answers=[Answer(item_id=item, value=value) for item, value in
                         zip(("sysselsattning", "forsorjning", "stod_hjalper"), values,
                             strict=True)]))  # fmt: skip
    db.session.commit()
    return [insats.id for insats in places.values()]


def test_followups_from_the_database(app, stored) -> None:  # type: ignore[no-untyped-def]
    from survey.reports.columns import enrolment_columns, report_columns
    from survey.reports.rows import answer_rows as exported

    registry = app.extensions["stegvis.questionnaires"]
    enrolments = enrolment_columns(stored)
    # The database composes the follow-up's occasion from its point.
    assert enrolments.invited[("uppfoljning", "uppfoljning-6")].sum() == 6
    responses, answers = report_columns(stored, registry, enrolments)
    assert sorted(set(responses.occasion.names)) == ["uppfoljning-12", "uppfoljning-6"]
    entries = to_entries(responses, answers, H2.selection)
    inputs = FigureInputs(entries, enrolments, H2.selection, H2, None, registry)
    cells = followups.cells(inputs)["by_point"]
    assert _without_insats(cells["uppfoljning-6"]) == SIX
    assert _without_insats(cells["uppfoljning-12"]) == TWELVE
    assert cells["uppfoljning-6"]["by_insats"]["A"]["due"] == Cell(4, key("F1", "F2", "F3",
                                                                            "F4"))
    rates = exact(response_rates.cells(inputs))["by_questionnaire"]["uppfoljning"]
    assert (rates["uppfoljning-6"]["due"], rates["uppfoljning-6"]["answered"]) == (5, 4)
    # The export writes the point, and the whole report equals the one from rows.
    rows = list(exported(stored))
    assert {row.occasion for row in rows} == {"uppfoljning-6", "uppfoljning-12"}
    database = report_from_columns(*report_columns(stored, registry, enrolments), H2,
                                   enrolments, registry)  # fmt: skip
    assert database["followups"]["by_point"]["uppfoljning-6"]["answered"] == \
        build_report(rows, H2, enrolments=enrolments)["followups"]["by_point"][
            "uppfoljning-6"]["answered"]


def test_export_and_import_keep_the_follow_up_point(app, stored, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from survey.extensions import db
    from survey.models import Invitation, Organisation

    path = tmp_path / "svar.csv"
    result = app.test_cli_runner().invoke(args=["export", "--insats", "A", "--insats", "B",
                                                "--organisation", "Förbundet",
                                                "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert "uppfoljning-12" in path.read_text(encoding="utf-8")
    other = Organisation(name="Andra förbundet")
    db.session.add(other)
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["import", str(path), "--create-insats", "--organisation", "Andra förbundet"])
    assert result.exit_code == 0, result.output
    stored_points = db.session.execute(
        select(Invitation.occasion, Invitation.followup_months)
        .where(Invitation.followup_months.is_not(None))).all()
    # The seven invitations, and the six answered ones again as imported.
    assert sorted((str(o), m) for o, m in stored_points) == sorted(
        [("uppfoljning", 6)] * (6 + 5) + [("uppfoljning", 12)] * 2)


def test_every_output_shows_the_follow_ups_beside_the_exit_outcomes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from analysis.report_csv import write_report_csv
    from analysis.tables import all_tables
    from analysis.text import summary
    from analysis.xlsx import write_xlsx
    from tests.published import check_published

    report = build_report(answer_rows(), H2, enrolments=enrolment_rows())
    check_published(report)
    assert report["selection"]["followup_months"] == [6, 12]
    tables = all_tables(report)
    names = [table.name for table in tables]
    # Right after the exit outcomes.
    at = names.index("Avslutsorsaker")
    assert names[at + 1:at + 3] == ["Efter avslut", "Försörjning efter avslut"]
    work, income = tables[at + 1], tables[at + 2]
    figure = report["followups"]["by_point"]
    # One row per point in total and per insats, each showing the published figures.
    assert [row[:2] for row in work.rows] == [
        ["Efter 6 månader", "Alla"], ["Efter 6 månader", "A"], ["Efter 6 månader", "B"],
        ["Efter 12 månader", "Alla"], ["Efter 12 månader", "A"], ["Efter 12 månader", "B"]]
    six = figure["uppfoljning-6"]
    assert work.rows[0][2:6] == [six["due"], six["answered"], six["now"]["n"],
                                 "" if six["now"]["positive"] is None
                                 else six["now"]["positive"]]
    assert work.rows[0][7] == six["transition"]["known"]
    assert income.rows[0][2:4] == [six["answered"], six["self_supporting"]["exit"]["n"]]
    # A base under 5 says so instead of a share.
    assert income.rows[5][4] == "färre än 5"
    text = summary(report)
    assert "Efter avslut" in text and "Uppföljning efter 12 månader" in text
    path = tmp_path / "rapport.xlsx"
    write_xlsx(report, path)
    assert {"Efter avslut", "Försörjning efter avslut"} <= set(load_workbook(path).sheetnames)
    buffer = io.StringIO()
    write_report_csv(report, buffer)
    assert "Efter avslut: vad de gör nu jämfört med vid avslut" in buffer.getvalue()


def test_from_a_csv_the_tables_leave_what_it_cannot_give_empty() -> None:
    from analysis.tables import all_tables

    report, _errors = build_report_from_csv(io.StringIO(to_csv_text(answer_rows()),
                                                        newline=""), H2)  # fmt: skip
    assert report is not None
    work = next(t for t in all_tables(report) if t.name == "Efter avslut")
    assert work.rows[0][2] == "" and work.rows[0][7:] == ["", "", "", "", ""]
    assert any("CSV-fil" in note for note in work.notes)
