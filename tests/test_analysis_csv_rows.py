"""The strict CSV reader: every error with its line number, and no rows if any."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis import CSV_COLUMNS, read_answers_csv, read_answers_text
from analysis.synthetic import make_row, to_csv_text

HEADER = ",".join(CSV_COLUMNS)
GOOD = (
    "P1,kvinna,1990,nej,Hantverksstegen,Skövde,finsam-indikatorer,1,avslut,"
    "2025-03-14T10:30:00,sv,0,sjalv,nytta,4,,12345"
)


def _text(*lines: str) -> str:
    return "\n".join((HEADER, *lines)) + "\n"


def test_good_file_gives_rows() -> None:
    result = read_answers_text(_text(GOOD))
    assert result.ok
    (row,) = result.rows
    assert row.participant == "P1"
    assert row.version == 1
    assert row.value == 4
    assert row.submitted_at == dt.datetime(2025, 3, 14, 10, 30)
    assert row.comment is None
    assert row.easy is False


def test_empty_value_is_vet_inte() -> None:
    (row,) = read_answers_text(_text(GOOD.replace("nytta,4,", "nytta,,"))).rows
    assert row.value is None


def test_one_bad_line_among_a_thousand(tmp_path: Path) -> None:
    rows = [
        make_row(participant=f"P{i // 7}", item=item, submitted_at=dt.datetime(2025, 1, 1, 9))
        for i, item in zip(
            range(1001),
            ["delaktighet", "bemotande", "samordning", "behov", "nytta", "redo", "planering"] * 143,
            strict=False,
        )
    ]
    lines = to_csv_text(rows).splitlines()
    # Line 1 is the header, so row index 600 is line 602.
    lines[601] = lines[601].replace(",avslut,", ",slutet,")
    path = tmp_path / "answers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_answers_csv(path)
    assert result.rows == []
    assert [e.line for e in result.errors] == [602]
    assert "Okänt tillfälle" in result.errors[0].message
    assert "slutet" in result.errors[0].message


def test_wrong_header_is_one_error() -> None:
    result = read_answers_text("participant,kön\nP1,man\n")
    assert result.rows == []
    (error,) = result.errors
    assert error.line == 1
    assert "Fel rubrikrad" in error.message
    assert "gender" in error.message


def test_header_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text(_text(GOOD), encoding="utf-8-sig")
    assert read_answers_csv(path).ok


def test_empty_file() -> None:
    (error,) = read_answers_text("").errors
    assert "tom" in error.message


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (GOOD.replace("nytta,4,", "hopp,4,"), "Okänd fråga"),
        (GOOD.replace("nytta,4,", "nytta,5,"), "finns inte på skalan"),
        (GOOD.replace("nytta,4,", "nytta,fyra,"), "finns inte på skalan"),
        (GOOD.replace("2025-03-14T10:30:00", "14/3 2025"), "Ogiltig tidpunkt"),
        (GOOD.replace(",kvinna,", ",kvinnan,"), "Okänt kön"),
        (GOOD.replace(",1990,", ",90,"), "födelseår"),
        (GOOD.replace(",nej,", ",kanske,"), "född utomlands"),
        (GOOD.replace("finsam-indikatorer,1", "finsam-indikatorer,7"), "ingen version"),
        (GOOD.replace("finsam-indikatorer,1", "okand-enkat,1"), "Okänt frågeformulär"),
        (GOOD.replace(",avslut,", ",start,"), "används inte"),
        (GOOD.replace(",sv,0,", ",sv,2,"), "Lättläst"),
        (GOOD.replace(",sjalv,", ",mamma,"), "hjälp"),
        (GOOD.replace("P1,", ",", 1), "Deltagarkod"),
        (GOOD + ",extra", "fält"),
    ],
)
def test_each_kind_of_error_is_named(bad: str, words: str) -> None:
    result = read_answers_text(_text(GOOD.replace("P1", "P0"), bad))
    assert result.rows == []
    assert result.errors, bad
    assert all(e.line == 3 for e in result.errors)
    assert any(words in e.message for e in result.errors), result.errors


def test_selfassessment_has_no_vet_inte() -> None:
    line = GOOD.replace("finsam-indikatorer,1,avslut", "sjalvskattning,1,avslut").replace(
        "nytta,4,", "framtid,,"
    )
    (error,) = read_answers_text(_text(line)).errors
    assert "vet inte" in error.message


def test_participant_with_two_genders() -> None:
    other = GOOD.replace("kvinna", "man").replace("nytta", "redo").replace("10:30", "11:30")
    errors = read_answers_text(_text(GOOD, other)).errors
    assert [e.line for e in errors] == [3]
    assert "kön" in errors[0].message and "rad 2" in errors[0].message


def test_item_answered_twice_in_one_response() -> None:
    errors = read_answers_text(_text(GOOD, GOOD.replace("nytta,4", "nytta,3"))).errors
    assert [e.line for e in errors] == [3]
    assert "två gånger" in errors[0].message


def test_all_errors_are_reported_not_just_the_first() -> None:
    lines = [GOOD.replace("nytta,4", f"nytta,{v}").replace("P1", f"P{v}") for v in (9, 4, 8)]
    errors = read_answers_text(_text(*lines)).errors
    assert [e.line for e in errors] == [2, 4]
    assert str(errors[0]).startswith("Rad 2: ")


def test_timezone_offset_is_stored_as_utc() -> None:
    (row,) = read_answers_text(_text(GOOD.replace("10:30:00", "10:30:00+01:00"))).rows
    assert row.submitted_at == dt.datetime(2025, 3, 14, 9, 30)


def test_round_trip_through_csv() -> None:
    rows = [make_row(), make_row(item="redo", value=None, comment="Bra, tack\nhej")]
    assert read_answers_text(to_csv_text(rows)).rows == rows


def test_record_key_is_read_and_kept_per_participant() -> None:
    (row,) = read_answers_text(_text(GOOD)).rows
    assert row.record_key == 12345
    changed = GOOD.replace("nytta,4,,12345", "redo,4,,54321").replace("10:30", "11:30")
    errors = read_answers_text(_text(GOOD, changed)).errors
    assert [e.line for e in errors] == [3] and "radnyckel (record_key)" in errors[0].message


@pytest.mark.parametrize("key", ["abc", "-1", "2147483647", "1.5"])
def test_a_bad_record_key_is_an_error(key: str) -> None:
    errors = read_answers_text(_text(GOOD.replace(",12345", f",{key}"))).errors
    assert [e.line for e in errors] == [2] and "Ogiltig radnyckel" in errors[0].message


def test_a_file_without_record_keys_is_read_but_gives_no_report(tmp_path: Path) -> None:
    from analysis import build_report_from_csv

    old = "\n".join((",".join(CSV_COLUMNS[:-1]), GOOD.removesuffix(",12345"))) + "\n"
    (row,) = read_answers_text(old).rows
    assert row.record_key is None
    path = tmp_path / "old.csv"
    path.write_text(old, encoding="utf-8")
    report, errors = build_report_from_csv(path)
    assert report is None
    assert [e.line for e in errors] == [1] and "record_key" in errors[0].message
    assert "Exportera filen igen från Stegvis" in errors[0].message


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"date_from": dt.date(2024, 6, 1), "date_to": dt.date(2025, 1, 31)},
        {"insatser": ("Elings ark",), "site": "Götene"},
    ],
)
def test_csv_report_equals_report_from_rows(tmp_path: Path, options: dict) -> None:
    from analysis import AnswerCsvReader, ReportOptions, build_report, build_report_from_csv
    from analysis.synthetic import write_csv

    path = tmp_path / "answers.csv"
    write_csv(path, 300, seed=7)
    chosen = ReportOptions(**options)
    from_file, errors = build_report_from_csv(path, chosen)
    assert errors == []
    assert from_file == build_report(AnswerCsvReader(path).rows(), chosen)
    assert from_file["people"] > 0


def test_csv_report_refuses_a_bad_file(tmp_path: Path) -> None:
    from analysis import build_report_from_csv

    path = tmp_path / "answers.csv"
    path.write_text(_text(GOOD, GOOD.replace("P1", "P2").replace("nytta,4", "nytta,0")))
    report, errors = build_report_from_csv(path)
    assert report is None
    assert [e.line for e in errors] == [3]
