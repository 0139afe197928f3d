"""The pyarrow path (analysis/fast_csv.py) must give the strict reader's report or step aside.

Whenever it returns columns, the report must equal the one built row by row; whenever a
file has an error or anything it cannot vouch for, it returns None and the strict
reader gives every error with its line number.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis import AnswerCsvReader, ReportOptions, build_report, build_report_from_csv
from analysis.fast_csv import read_csv_columns
from analysis.synthetic import write_csv
from questionnaires import Registry


def _file(tmp_path: Path, people: int = 200) -> Path:
    path = tmp_path / "answers.csv"
    write_csv(path, people, seed=3)
    return path


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _same_as_rows(path: Path, options: ReportOptions | None = None) -> dict:
    options = options or ReportOptions()
    report, errors = build_report_from_csv(path, options)
    assert errors == []
    assert report == build_report(AnswerCsvReader(path).rows(), options)
    return report


def test_a_good_file_takes_the_fast_path(tmp_path: Path) -> None:
    path = _file(tmp_path)
    assert read_csv_columns(path, Registry.load()) is not None
    _same_as_rows(path)
    _same_as_rows(path, ReportOptions(date_from=dt.date(2024, 9, 1), site="Skövde"))


def test_quoted_comment_with_comma_and_newline(tmp_path: Path) -> None:
    path = _file(tmp_path)
    # The first answer row gets a comment over two lines, with a comma and a quote.
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].rstrip("\r") + '"bra, men\nlångt ""svar"""'
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read_csv_columns(path, Registry.load()) is not None
    _same_as_rows(path)
    # An error after the comment is on the right line (the comment spans lines 2-3).
    lines[3] = lines[3].replace(",sv,", ",,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read_csv_columns(path, Registry.load()) is None
    report, errors = build_report_from_csv(path)
    assert report is None
    assert [e.line for e in errors] == [5]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (",sjalvskattning,1,", ',sjalvskattning,"1"x,'),  # quote then text: strict csv refuses
        (",kvinna,", ",Kvinna,"),
        (",nytta,", ",okand_fraga,"),
        (",start,", ",borjan,"),
        ("2024-", "2024/"),
        (",Skövde,", ",Sk\x00övde,"),  # control characters are refused on both paths
    ],
)
def test_a_bad_file_gets_the_strict_readers_errors(tmp_path: Path, old: str, new: str) -> None:
    path = _file(tmp_path, 50)
    _edit(path, old, new)
    assert read_csv_columns(path, Registry.load()) is None
    report, errors = build_report_from_csv(path)
    assert report is None
    expected = AnswerCsvReader(path)
    list(expected.rows())
    assert errors == expected.errors
    assert errors


def test_unusual_but_valid_files_give_the_same_report(tmp_path: Path) -> None:
    path = _file(tmp_path, 50)
    # "v1" and "1" for one version: two spellings the fast path leaves to the reader.
    _edit(path, ",sjalvskattning,1,", ",sjalvskattning,v1,", 3)
    _same_as_rows(path)
    # A timezone offset is converted to UTC like the reader does.
    path = _file(tmp_path, 50)
    text = path.read_text(encoding="utf-8")
    stamp = text.split("\n")[1].split(",")[9]
    _edit(path, stamp, stamp + "+01:00", text.count(stamp))
    assert read_csv_columns(path, Registry.load()) is not None
    _same_as_rows(path)


def test_empty_value_and_duplicate_item(tmp_path: Path) -> None:
    path = _file(tmp_path, 30)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(2, lines[1])  # the same item twice in one response
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read_csv_columns(path, Registry.load()) is None
    report, errors = build_report_from_csv(path)
    assert report is None
    assert [e.line for e in errors] == [3]


def test_rows_of_a_response_apart_are_still_one_response(tmp_path: Path) -> None:
    """The fast path folds neighbouring rows into runs; shuffled rows give many runs per
    response, which must be grouped exactly as the reader groups them."""
    import random

    path = _file(tmp_path, 80)
    header, *lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    random.Random(5).shuffle(lines)  # noqa: S311 - test data, not secrets
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    assert read_csv_columns(path, Registry.load()) is not None
    _same_as_rows(path)
    _same_as_rows(path, ReportOptions(date_from=dt.date(2024, 9, 1), insatser=("Elings ark",)))
    # An item answered twice, the two rows far apart.
    lines.append(lines[0])
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    assert read_csv_columns(path, Registry.load()) is None
    report, errors = build_report_from_csv(path)
    assert report is None
    assert [e.line for e in errors] == [len(lines) + 1]


def test_a_control_character_in_a_comment_is_the_readers_error(tmp_path: Path) -> None:
    path = _file(tmp_path, 30)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[5] += "bra\x07svar"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read_csv_columns(path, Registry.load()) is None
    report, errors = build_report_from_csv(path)
    assert report is None
    assert [e.line for e in errors] == [6]
