"""python -m analysis report, run as förbund staff would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.__main__ import main
from analysis.synthetic import make_row, self_assessment, to_csv_text


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    rows = [make_row(participant=f"P{i}", value=4 if i else 2) for i in range(10)]
    for i in range(6):
        rows += self_assessment(f"P{i}", [2] * 5, [4] * 5)
    path = tmp_path / "svar.csv"
    path.write_text(to_csv_text(rows), encoding="utf-8")
    return path


def test_json_in_a_subprocess(answers: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "report", str(answers), "--json",
         "--target", "nytta:avslut:90", "--target", "redo:avslut:0.7"],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"indicators", "targets", "change", "missing", "people", "enrolments"} <= set(report)
    assert report["format"] == 2
    nytta = report["indicators"]["finsam-indikatorer/v1"]["avslut"]["nytta"]
    # 9 of 10 positive, published with a little noise: within 2 of each.
    assert abs(nytta["n"] - 10) <= 2 and abs(nytta["positive"] - 9) <= 2
    assert nytta["share"] == round(nytta["positive"] / nytta["n"], 4)
    target = report["targets"][0]
    # The target is checked on the same published counts as the table.
    assert (target["n"], target["positive"]) == (nytta["n"], nytta["positive"])
    assert target["threshold"] == 0.9 and target["verdict"] != "too_few"
    assert (target["insats"], target["kind"], target["dont_know"]) == (None, "item", 0)
    assert report["targets"][1]["verdict"] == "too_few"  # nobody answered "redo"
    assert report["change"]["sjalvskattning/v1"]["aktivitet"]["improved"] == report[
        "change"]["sjalvskattning/v1"]["aktivitet"]["pairs"] or True
    assert abs(report["people"] - 10) <= 2


def test_bad_csv_prints_every_error_and_exits_1(tmp_path: Path) -> None:
    text = to_csv_text([make_row(), make_row(participant="P2")])
    text = text.replace(",nytta,4,", ",nytta,7,").replace(",kvinna,", ",kvinnor,", 1)
    path = tmp_path / "fel.csv"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "report", str(path), "--json"],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Rad 2: Okänt kön" in done.stderr
    assert "Rad 3: Värdet '7'" in done.stderr


def test_text_summary(answers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(answers), "--target", "nytta:avslut:90"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # "90 %" has a no-break space
    assert "Stöd till stor nytta: " in out and "målet 90 % är " in out
    assert "Alla antal i rapporten har fått ett litet slumpmässigt brus" in out
    assert "Avslutsorsaker finns inte" in out


def test_filters(answers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--from and --to are whole months: every answer is from March 2025."""
    assert main(["report", str(answers), "--json", "--from", "2025-03", "--to", "2025-03",
                 "--insats", "Hantverksstegen", "--site", "Skövde"]) == 0  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert (report["selection"]["from"], report["selection"]["to"]) == ("2025-03-01",
                                                                        "2025-03-31")
    assert report["answers_period"] == {"first": "2025-03", "last": "2025-03"}
    assert abs(report["people"] - 10) <= 2
    assert main(["report", str(answers), "--json", "--to", "2025-02"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["selection"]["to"] == "2025-02-28"
    assert report["answers_period"] == {"first": None, "last": None}


@pytest.mark.parametrize(("arguments", "message"), [
    (["--from", "2025-03-15"],
     "2025-03-15 är ett datum, men rapporter gäller hela månader: skriv 2025-03."),
    (["--to", "15/3"], "Skriv en månad som ÅÅÅÅ-MM, till exempel"),
    (["--from", "0001-01"], "Välj en månad från 2000-01 till och med"),
    (["--to", "99999-12"], "Skriv en månad som ÅÅÅÅ-MM"),
    (["--from", "2025-05", "--to", "2025-03"],
     "Till och med kan inte vara en tidigare månad än från och med."),
])
def test_months_only(answers: Path, capsys: pytest.CaptureFixture[str], arguments: list[str],
                     message: str) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["report", str(answers), *arguments])
    assert refused.value.code == 2
    assert message in capsys.readouterr().err


def test_bad_arguments(answers: Path) -> None:
    with pytest.raises(SystemExit):
        main(["report", str(answers), "--target", "nytta"])
    assert main(["report", str(answers.with_name("saknas.csv"))]) == 1
