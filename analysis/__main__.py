"""python -m analysis report FILE.csv [...]: the report from a CSV of answers alone.

JSON, Excel or a text summary. The PDF is the web report page printed (survey/reports/
document.py), so it comes from the web app: the download button or `flask report --pdf`.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from questionnaires import Registry

from .report import ReportOptions, build_report_from_csv
from .selection import Month, MonthError, period
from .targets import DEFAULT_MIN_ANSWERS, Target, parse_target
from .text import summary


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except MonthError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _target(text: str) -> Target:
    try:
        return parse_target(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="rapport från en CSV-fil med svar")
    report.add_argument("file", type=Path)
    report.add_argument(
        "--target", type=_target, action="append", default=[],
        metavar="[INSATS=]ITEM:OCCASION:THRESHOLD[:BASE]",
        help="mål, t.ex. nytta:avslut:90 eller nytta:avslut:0.9 (tal över 1 är procent); "
             "Steget=nytta:avslut:90 är insatsen Stegets mål, bedömt på dess deltagare; "
             "BASE svarat (standard: vet inte räknas inte) eller alla (vet inte räknas in)",
    )  # fmt: skip
    report.add_argument("--min-answers", type=int, default=DEFAULT_MIN_ANSWERS)
    report.add_argument("--from", dest="first", type=_month, metavar="ÅÅÅÅ-MM",
                        help="första månaden (rapporter gäller hela månader)")
    report.add_argument("--to", dest="last", type=_month, metavar="ÅÅÅÅ-MM",
                        help="sista månaden; den här månaden räknas till och med i dag")
    report.add_argument("--insats", action="append", default=[])
    report.add_argument("--site")
    report.add_argument("--title")
    output = report.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--xlsx", type=Path, metavar="OUT.xlsx")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        args.date_from, args.date_to = period(args.first, args.last)
    except MonthError as error:
        parser.error(str(error))
    # The one pass keeps millions of live objects but creates no reference cycles, so
    # the cyclic garbage collector only burns time scanning them (about 40 % of the run).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if was_enabled:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"Filen {args.file} finns inte.", file=sys.stderr)
        return 1
    options = ReportOptions(
        date_from=args.date_from,
        date_to=args.date_to,
        insatser=tuple(args.insats),
        site=args.site,
        targets=tuple(args.target),
        min_answers=args.min_answers,
        title=args.title,
    )
    registry = Registry.load()
    report, errors = build_report_from_csv(args.file, options, registry=registry)
    if report is None:
        print(f"{args.file}: {len(errors)} fel, ingen rapport gjord.", file=sys.stderr)
        for error in errors:
            print(str(error), file=sys.stderr)
        return 1
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.xlsx:
        from .xlsx import write_xlsx

        write_xlsx(report, args.xlsx)
    else:
        print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
