"""Hostile input at the answers CSV import (Hypothesis).

Two layers: analysis' strict reader `read_answers_csv` (never raises, a file with any
error gives no rows, every error names a line), and the `flask import FILE.csv` command
on both databases (never crashes, and a refused file stores nothing at all).
"""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis import CSV_COLUMNS, read_answers_csv, read_answers_text

from .test_property_forms import database_state

# Files without the last column (record_key) are read as before: these test the rest.
HEADER = ",".join(CSV_COLUMNS[:-1])
GOOD = (
    "P1,kvinna,1990,nej,Hantverksstegen,Skövde,finsam-indikatorer,1,avslut,"
    "2025-03-14T10:30:00,sv,0,sjalv,nytta,4,"
)
HOSTILE = ["<script>alert(1)</script>", "\x00", "=cmd|' /C calc'!A0", '"', '""', "\r",
           "\n", "x" * 100_000, "\U0010fffd", "\ufeff", "-1", "99999999999999999999", "",
           "NaN", "1e400", "2025-02-30T10:00:00", "9999-12-31T23:59:59", ",,,,"]
cell = st.one_of(st.sampled_from(HOSTILE), st.text(st.characters(codec="utf-8"), max_size=40))
SETTINGS = settings(max_examples=150, deadline=None)


def check(result) -> None:  # type: ignore[no-untyped-def]
    if result.errors:
        assert result.rows == []
        assert all(error.line >= 1 and error.message for error in result.errors)
    for row in result.rows:
        assert row.value is None or isinstance(row.value, int)


@SETTINGS
@given(text=st.text(st.characters(codec="utf-8"), max_size=2000))
def test_any_text_after_the_header_is_read_without_raising(text):
    check(read_answers_text(HEADER + "\n" + text))


# Found by this test: a header line with an unterminated quote (the file '"') made the
# reader raise csv.Error instead of reporting "line 1". Fixed.
@SETTINGS
@given(text=st.text(st.characters(codec="utf-8"), max_size=2000))
@example(text='"')
def test_any_text_is_read_without_raising(text):
    check(read_answers_text(text))


@SETTINGS
@given(data=st.data())
def test_a_good_file_with_hostile_cells(data):
    cells = GOOD.split(",")
    for index in data.draw(st.sets(st.integers(0, len(cells) - 1), min_size=1, max_size=3)):
        cells[index] = data.draw(cell)
    line = ",".join(cells)
    result = read_answers_text(HEADER + "\n" + GOOD + "\n" + line + "\n")
    check(result)


@SETTINGS
@given(body=st.binary(max_size=1500))
def test_undecodable_bytes(body):
    text = body.decode("utf-8", errors="surrogateescape")
    check(read_answers_csv(io.StringIO(HEADER + "\n" + text, newline="")))


def test_comment_with_markup_is_kept_as_text():
    """The reader does not interpret markup; whatever shows a comment must escape it."""
    line = GOOD + '"<script>alert(1)</script>"'
    result = read_answers_text(HEADER + "\n" + line + "\n")
    assert result.ok, result.errors
    assert result.rows[0].comment == "<script>alert(1)</script>"


# Found by these tests: NUL and other control characters passed the reader, but PostgreSQL
# refuses NUL in text and the web forms refuse control characters, so an import would
# have failed half-way or stored what the web app never would. Fixed.
@pytest.mark.parametrize("column", [0, 4, 5, 15])
def test_control_characters_are_refused(column):
    cells = GOOD.split(",")
    cells[column] = "a\x00b"
    result = read_answers_text(HEADER + "\n" + ",".join(cells) + "\n")
    assert not result.ok


# ---- the `flask import` command, on SQLite and PostgreSQL ----------------------------------


@pytest.fixture
def importing(app, tmp_path):  # type: ignore[no-untyped-def]
    from survey.extensions import db
    from survey.models import Insats, Organisation, Site

    organisation = Organisation(name="Förbundet")
    insats = Insats(organisation=organisation, name="Hantverksstegen")
    db.session.add_all([organisation, insats, Site(insats=insats, name="Skövde")])
    db.session.commit()
    runner = app.test_cli_runner()
    path = tmp_path / "svar.csv"

    def run(text: str):  # type: ignore[no-untyped-def]
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        return runner.invoke(args=["import", str(path)])

    return run


def test_import_command_loads_a_good_file(importing):
    result = importing(HEADER + "\n" + GOOD + "\n")
    assert result.exit_code == 0, result.output


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_import_command_refuses_hostile_files_and_stores_nothing(importing, data):
    """The fixture's database is shared by the examples: every property holds whatever
    earlier examples stored (a good file may be imported more than once)."""
    cells = GOOD.split(",")
    for index in data.draw(st.sets(st.integers(0, len(cells) - 1), min_size=1, max_size=3)):
        cells[index] = data.draw(cell)
    text = HEADER + "\n" + GOOD + "\n" + ",".join(cells).replace("\x00", "\x00") + "\n"
    before = database_state()
    result = importing(text)
    assert result.exit_code in {0, 1}, (result.exit_code, result.output, result.exception)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code != 0:
        assert "Inget importerades" in result.output
        assert database_state() == before
