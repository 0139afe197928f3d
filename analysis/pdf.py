"""PDF report with Matplotlib only: something a förbundschef can attach to a delårsrapport.

Pages are laid out top to bottom by a small writer that knows how much room is left,
so long tables continue on the next page with their header repeated. Every chart is
followed by a table of its numbers.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from questionnaires import Registry

from .instruments import heading, key_name, notes
from .labels import (
    BREAKDOWN_NAMES,
    OCCASION_NAMES,
    REASON_NAMES,
    SUPPRESSED_MARK,
    decimal,
    fewer,
    group_name,
    item_name,
    outcome_name,
    percent,
)
from .suppression import is_suppressed
from .tables import VERDICT_NAMES, outcome_by_gender

PAGE_W, PAGE_H = 8.27, 11.69  # A4 in inches
MARGIN = 0.75
TOP = PAGE_H - 0.8
BOTTOM = 0.8
TEXT_W = PAGE_W - 2 * MARGIN
DARK = "#1f2d3d"
GREY = "#6b7785"
# Colour-blind-safe diverging pair (blue = agree, orange = disagree).
AGREE = ("#a6c8e4", "#2c6fa7")
DISAGREE = ("#f4b183", "#c45a1a")


@dataclass
class Col:
    title: str
    width: float  # inches
    align: str = "left"


class _Writer:
    def __init__(self, pdf: PdfPages, footer: str) -> None:
        self.pdf = pdf
        self.footer = footer
        self.fig: Figure | None = None
        self.y = TOP
        self.page = 0

    # --- page handling -------------------------------------------------------------
    def new_page(self) -> None:
        self.close_page()
        self.fig = plt.figure(figsize=(PAGE_W, PAGE_H))
        self.page += 1
        self.y = TOP
        self.fig.text(MARGIN / PAGE_W, 0.4 / PAGE_H, self.footer, fontsize=7, color=GREY)
        self.fig.text(
            (PAGE_W - MARGIN) / PAGE_W, 0.4 / PAGE_H, f"Sida {self.page}",
            fontsize=7, color=GREY, ha="right",
        )  # fmt: skip

    def close_page(self) -> None:
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            plt.close(self.fig)
            self.fig = None

    def need(self, height: float) -> None:
        if self.fig is None or self.y - height < BOTTOM:
            self.new_page()

    @property
    def figure(self) -> Figure:
        if self.fig is None:
            self.new_page()
        return self.fig  # type: ignore[return-value]

    def _text(self, x: float, y: float, text: str, **kwargs: Any) -> None:
        self.figure.text(x / PAGE_W, y / PAGE_H, text, va="top", **kwargs)

    # --- content -------------------------------------------------------------------
    def heading(self, text: str, size: float = 13) -> None:
        self.need(size / 72 * 2.2 + 0.6)  # keep a heading with what follows
        self.y -= 0.12
        self._text(MARGIN, self.y, text, fontsize=size, fontweight="bold", color=DARK)
        self.y -= size / 72 * 1.7

    def paragraph(
        self, text: str, size: float = 9, color: str = "black", indent: float = 0
    ) -> None:
        chars = int((TEXT_W - indent) / (size / 72 * 0.52))
        for line in textwrap.wrap(text, chars) or [""]:
            self.need(size / 72 * 1.45)
            self._text(MARGIN + indent, self.y, line, fontsize=size, color=color)
            self.y -= size / 72 * 1.45
        self.y -= 0.04

    def table(
        self, columns: Sequence[Col], rows: Sequence[Sequence[str]], size: float = 7.5
    ) -> None:
        line = size / 72 * 1.6

        def wrap(title: str, width: float) -> list[str]:
            # Bold header text is wider than body text.
            return textwrap.wrap(title, int(_chars(width, size) * 0.85)) or [""]

        header_lines = max(len(wrap(c.title, c.width)) for c in columns)

        def header() -> None:
            x = MARGIN
            for c in columns:
                for i, part in enumerate(wrap(c.title, c.width)):
                    self._cell(x, self.y - i * line, c, part, size, bold=True)
                x += c.width
            self.y -= header_lines * line
            self._rule(self.y + line * 0.25)

        self.need(line * (header_lines + 2))
        header()
        for row in rows:
            if self.y - line < BOTTOM:
                self.new_page()
                header()
            x = MARGIN
            for c, value in zip(columns, row, strict=True):
                self._cell(x, self.y, c, _clip(value, c.width, size), size)
                x += c.width
            self.y -= line
        self._rule(self.y + line * 0.25, light=True)
        self.y -= 0.12

    def _cell(self, x: float, y: float, c: Col, text: str, size: float, bold: bool = False) -> None:
        weight = "bold" if bold else "normal"
        if c.align == "right":
            self._text(x + c.width - 0.06, y, text, fontsize=size, ha="right", fontweight=weight)
        else:
            # Keep a left-aligned column clear of a right-aligned one before it.
            pad = 0.12 if x > MARGIN else 0
            self._text(x + pad, y, text, fontsize=size, fontweight=weight)

    def _rule(self, y: float, light: bool = False) -> None:
        self.figure.add_artist(
            plt.Line2D(
                [MARGIN / PAGE_W, (PAGE_W - MARGIN) / PAGE_W], [y / PAGE_H, y / PAGE_H],
                color="#c8ced6" if light else GREY, linewidth=0.6,
            )
        )  # fmt: skip

    def chart(self, height: float, draw: Callable[[Axes], None], left: float = 1.9) -> None:
        self.need(height + 0.5)
        # Room above the axes for a legend or title, and below for the tick labels.
        above, below = 0.4, 0.35
        ax = self.figure.add_axes(
            (
                (MARGIN + left) / PAGE_W,
                (self.y - height) / PAGE_H,
                (TEXT_W - left - 0.1) / PAGE_W,
                (height - above) / PAGE_H,
            )
        )
        draw(ax)
        self.y -= height + below + 0.05


def _chars(width: float, size: float) -> int:
    return max(4, int(width / (size / 72 * 0.55)))


def _clip(text: str, width: float, size: float) -> str:
    limit = _chars(width, size)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- sections ------------------------------------------------------------------------
def _title_page(w: _Writer, report: dict[str, Any]) -> None:
    s = report["selection"]
    w.new_page()
    w._text(MARGIN, w.y, report.get("title") or "Uppföljning av insatser", fontsize=20,
            fontweight="bold", color=DARK)  # fmt: skip
    w.y -= 0.45
    w._text(MARGIN, w.y, "Rapport från Stegvis", fontsize=11, color=GREY)
    w.y -= 0.45
    facts = [
        ("Period", f"{s['from'] or 'från början'} – {s['to'] or 'till idag'}"),
        ("Insatser", ", ".join(s["insatser"]) or "alla"),
        ("Ort", s["site"] or "alla"),
        ("Deltagare", _people(report)),
        ("Frågeformulär", "; ".join(heading(report, i) for i in report["versions"]) or "–"),
    ]
    for label, value in facts:
        w._text(MARGIN, w.y, label, fontsize=9, color=GREY)
        w.paragraph(value, size=9, indent=1.3)
    for note in notes(report):
        w.paragraph(note, size=8.5, color=GREY)
    w.y -= 0.1
    if report.get("left_out"):
        w.paragraph(report["left_out"], size=8.5)
    w.paragraph(
        "Alla andelar visas med antal: ”27 av 29” betyder att 27 av 29 som svarade gav ett "
        "positivt svar; ”vet inte” räknas inte in. En person räknas en gång, även med flera "
        "inskrivningar. Intervallet (95 % KI) visar osäkerheten: med få svar är det brett. "
        f"Grupper med färre än {s['min_group']} personer visas som {SUPPRESSED_MARK}, och så "
        "många fler att ingen dold siffra kan räknas fram ur de andra; en fråga med färre än "
        f"{s['min_group']} svar visas utan siffror. Så kan ingen identifieras.",
        size=8.5, color=GREY,
    )  # fmt: skip


def _people(report: dict[str, Any]) -> str:
    if isinstance(report["people"], dict):
        return f"{fewer(report['selection']['min_group'])} personer"
    return f"{report['people']} personer i {report['enrolments']} inskrivningar"


def _targets(w: _Writer, report: dict[str, Any]) -> None:
    if not report["targets"]:
        return
    w.heading("Mål")
    for t in report["targets"]:
        mark = {"met": "✓", "met_uncertain": "(✓)", "not_met": "✗", "too_few": "?"}[t["verdict"]]
        w.paragraph(f"{mark}  {t['summary']}.", size=10)
    rows = []
    for t in report["targets"]:
        low, high = t["ci95"] or (None, None)
        answers = (f"{fewer(report['selection']['min_group'])} svar" if is_suppressed(t["n"])
                   else f"{t['positive']} av {t['n']}")  # fmt: skip
        rows.append(
            [item_name(t["item"]), OCCASION_NAMES[t["occasion"]], percent(t["threshold"]),
             answers, percent(t["share"]),
             f"{percent(low)}–{percent(high)}" if t["ci95"] else "–", VERDICT_NAMES[t["verdict"]],
             (t["questionnaire"] or "–").rpartition("/")[2]]
        )  # fmt: skip
    w.table(
        [Col("Fråga", 1.85), Col("Tillfälle", 0.65), Col("Mål", 0.5, "right"),
         Col("Positiva", 0.85, "right"), Col("Andel", 0.55, "right"),
         Col("95 % KI", 0.95, "right"), Col("Bedömning", 0.95), Col("Version", 0.5)],
        rows,
    )  # fmt: skip
    w.paragraph(
        f"Ett mål bedöms bara med minst {report['selection']['min_answers']} svar. "
        "”Uppnått även vid nedre gränsen” betyder att målet nås också i "
        "osäkerhetsintervallets nedre ände.",
        size=7.5, color=GREY,
    )  # fmt: skip


def _scale(registry: Registry, ident: str) -> tuple[list[int], frozenset[int], dict[int, str]]:
    key, _, version = ident.partition("/v")
    q = registry.get(key, int(version))
    if q is None:
        return [], frozenset(), {}
    values = sorted(q.scale.values)
    return values, q.scale.positive, {s.value: s.label.standard for s in q.scale.steps}


def diverging_bars(
    ax: Axes, items: dict[str, dict[str, Any]], registry: Registry, ident: str
) -> None:
    values, positive, labels = _scale(registry, ident)
    negative = [v for v in values if v not in positive]
    agree = sorted(v for v in values if v in positive)
    items = {item: cell for item, cell in items.items() if not is_suppressed(cell)}
    names = [item_name(i) for i in items][::-1]
    cells = list(items.values())[::-1]
    handles = {}
    for row, cell in enumerate(cells):
        n = cell["n"] or 1
        left = 0.0
        for rank, v in enumerate(reversed(negative)):  # the mildest disagreement nearest 0
            share = cell["distribution"][str(v)] / n
            colour = DISAGREE[min(rank, 1)]
            handles[v] = ax.barh(row, -share, left=-left, color=colour, height=0.6)
            left += share
        right = 0.0
        for rank, v in enumerate(agree):
            share = cell["distribution"][str(v)] / n
            colour = AGREE[min(rank, 1) if len(agree) <= 2 else int(rank >= len(agree) / 2)]
            handles[v] = ax.barh(row, share, left=right, color=colour, height=0.6)
            if share >= 0.08:
                ax.text(right + share / 2, row, percent(share), ha="center", va="center",
                        fontsize=6.5, color="white" if rank else DARK)  # fmt: skip
            right += share
    ax.axvline(0, color=DARK, linewidth=0.8)
    ax.set_yticks(range(len(names)), names, fontsize=7.5)
    ax.set_xlim(-1, 1)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1], ["100 %", "50 %", "0", "50 %", "100 %"], fontsize=7)
    ax.spines[["top", "right", "left"]].set_visible(False)
    order = values
    ax.legend(
        [handles[v] for v in order if v in handles],
        [labels.get(v, str(v)) for v in order if v in handles],
        ncols=4, fontsize=6.5, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
    )  # fmt: skip


def _indicators(w: _Writer, report: dict[str, Any], registry: Registry) -> None:
    for ident, occasions in report["indicators_by_version"].items():
        for occasion, items in occasions.items():
            w.heading(f"Svar {OCCASION_NAMES[occasion].lower()} – {heading(report, ident)}")
            rows = []
            shown = {item: cell for item, cell in items.items() if not is_suppressed(cell)}
            values = list(next(iter(shown.values()))["distribution"]) if shown else []
            for item, cell in items.items():
                if is_suppressed(cell):
                    few = f"{fewer(report['selection']['min_group'])} svar"
                    rows.append([item_name(item), few, *[""] * (3 + len(values))])
                    continue
                low, high = cell["ci95"] or (None, None)
                rows.append(
                    [item_name(item), f"{cell['positive']} av {cell['n']}", percent(cell["share"]),
                     f"{percent(low)}–{percent(high)}" if cell["ci95"] else "–",
                     str(cell["dont_know"]),
                     *(str(c) for c in cell["distribution"].values())]
                )  # fmt: skip
            if ident.startswith("finsam-indikatorer/") and shown:
                w.chart(
                    0.3 * len(shown) + 0.5,
                    lambda ax, i=shown, d=ident: diverging_bars(ax, i, registry, d),
                )
            w.table(
                [Col("Fråga", 1.9), Col("Positiva", 0.85, "right"), Col("Andel", 0.55, "right"),
                 Col("95 % KI", 0.95, "right"), Col("Vet inte", 0.6, "right"),
                 *(Col(f"Svar {v}", (TEXT_W - 4.85) / len(values), "right") for v in values)],
                rows,
            )  # fmt: skip
            _breakdowns(w, report, shown)


def _group_cell(sub: dict[str, Any] | None, share: str, count: str, n: str) -> str:
    """One group's cell in a breakdown table: "93 % (27 av 29)", the mark of a group too
    small to show, or empty where the group has no answers."""
    if sub is None:
        return ""
    if is_suppressed(sub):
        return SUPPRESSED_MARK
    return f"{percent(sub[share])} ({sub[count]} av {sub[n]})"


def _suppression_footnote(w: _Writer, report: dict[str, Any]) -> None:
    m = report["selection"]["min_group"]
    w.paragraph(f"{SUPPRESSED_MARK} döljs: färre än {m} personer, eller så att en dold siffra "
                "inte kan räknas fram ur de andra", size=7.5, color=GREY)  # fmt: skip


def _breakdowns(w: _Writer, report: dict[str, Any], items: dict[str, dict[str, Any]]) -> None:
    any_hidden = False
    for breakdown in ("by_gender", "by_born_abroad", "by_site", "by_language", "by_insats"):
        groups: list[str] = []
        for cell in items.values():
            for group in cell.get(breakdown, {}):
                if group not in groups:
                    groups.append(group)
        if len(groups) < 2:
            continue
        shown = groups[:6]
        rows = []
        for item, cell in items.items():
            row = [item_name(item)]
            for group in shown:
                row.append(_group_cell(cell.get(breakdown, {}).get(group),
                                       "share", "positive", "n"))  # fmt: skip
            rows.append(row)
        any_hidden |= any(SUPPRESSED_MARK in row for row in rows)
        width = (TEXT_W - 1.9) / len(shown)
        w.need(0.7)  # keep the caption with its table
        w.paragraph(f"Per {BREAKDOWN_NAMES[breakdown].lower()}", size=8.5, color=DARK)
        w.table([Col("Fråga", 1.9), *(Col(group_name(g), width, "right") for g in shown)], rows)
        if len(groups) > len(shown):
            w.paragraph(f"Ytterligare {len(groups) - len(shown)} grupper finns i Excel-filen.",
                        size=7, color=GREY)  # fmt: skip
    if any_hidden:
        _suppression_footnote(w, report)


def change_bars(ax: Axes, dims: dict[str, dict[str, Any]]) -> None:
    dims = {d: c for d, c in dims.items() if not is_suppressed(c)}
    names = [item_name(d) for d in dims][::-1]
    cells = list(dims.values())[::-1]
    for row, c in enumerate(cells):
        n = c["pairs"] or 1
        parts = [(c["improved"], "#2c6fa7", "förbättrade"), (c["same"], "#c8ced6", "oförändrade"),
                 (c["worse"], "#c45a1a", "försämrade")]  # fmt: skip
        left = 0.0
        for count, colour, label in parts:
            share = count / n
            ax.barh(
                row, share, left=left, color=colour, height=0.6, label=label if row == 0 else None
            )
            if share >= 0.08:
                ax.text(left + share / 2, row, percent(share), ha="center", va="center",
                        fontsize=6.5, color="white" if colour != "#c8ced6" else DARK)  # fmt: skip
            left += share
    ax.set_yticks(range(len(names)), names, fontsize=7.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "25 %", "50 %", "75 %", "100 %"], fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(ncols=3, fontsize=6.5, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)


def _means_chart(ax: Axes, dims: dict[str, dict[str, Any]], low: int, high: int) -> None:
    dims = {d: c for d, c in dims.items() if not is_suppressed(c)}
    names = [item_name(d) for d in dims][::-1]
    cells = list(dims.values())[::-1]
    for row, c in enumerate(cells):
        if c["mean_start"] is None:
            continue
        ax.annotate("", xy=(c["mean_end"], row), xytext=(c["mean_start"], row),
                    arrowprops={"arrowstyle": "->", "color": "#2c6fa7", "lw": 1.4})  # fmt: skip
        ax.plot([c["mean_start"]], [row], "o", color=GREY, markersize=4)
        ax.text(c["mean_end"] + 0.08, row, decimal(c["mean_end"], 1), va="center", fontsize=6.5)
        ax.text(c["mean_start"] - 0.08, row, decimal(c["mean_start"], 1), va="center",
                ha="right", fontsize=6.5, color=GREY)  # fmt: skip
    ax.set_yticks(range(len(names)), names, fontsize=7.5)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.set_xlim(low - 0.5, high + 0.5)
    ax.set_xticks(range(low, high + 1), [str(v) for v in range(low, high + 1)], fontsize=7)
    ax.set_title("Medelvärde vid start (grå) och avslut (pil)", fontsize=7.5, color=DARK)
    ax.spines[["top", "right"]].set_visible(False)


def _change(w: _Writer, report: dict[str, Any], registry: Registry) -> None:
    for ident, dims in report["change_by_version"].items():
        if not dims:
            continue
        w.heading(f"Förändring från start till avslut – {heading(report, ident)}")
        w.paragraph(
            "Samma persons svar vid start och vid avslut jämförs (par). 6 är bäst.",
            size=8.5, color=GREY,
        )  # fmt: skip
        shown = {d: c for d, c in dims.items() if not is_suppressed(c)}
        if shown:
            w.chart(0.3 * len(shown) + 0.5, lambda ax, d=shown: change_bars(ax, d))
            values, _, _ = _scale(registry, ident)
            low, high = (min(values), max(values)) if values else (1, 6)
            w.chart(0.3 * len(shown) + 0.5,
                    lambda ax, d=shown, lo=low, hi=high: _means_chart(ax, d, lo, hi))  # fmt: skip
        few = f"{fewer(report['selection']['min_group'])} par"
        rows = [
            [item_name(d), few, *[""] * 7] if is_suppressed(c) else
            [item_name(d), str(c["pairs"]), f"{c['improved']} / {c['same']} / {c['worse']}",
             percent(c["share_improved"]), decimal(c["median_start"], 1),
             decimal(c["median_end"], 1), decimal(c["mean_difference"]), _p(c["p_value"]),
             decimal(c["rank_biserial"])]
            for d, c in dims.items()
        ]  # fmt: skip
        w.table(
            [Col("Område", 1.45), Col("Par", 0.45, "right"),
             Col("Bättre / lika / sämre", 1.25, "right"), Col("Andel bättre", 0.75, "right"),
             Col("Median start", 0.65, "right"), Col("Median avslut", 0.7, "right"),
             Col("Medel-förändring", 0.8, "right"), Col("p-värde", 0.6, "right"),
             Col("Effekt r", 0.6, "right")],
            rows,
        )  # fmt: skip
        w.paragraph(
            "p-värde: Wilcoxons teckenrangtest, tvåsidigt (visas vid minst 6 par med någon "
            "förändring). Effekt r: rangbiserial korrelation för parade data, från −1 (alla "
            "som ändrades blev sämre) till 1 (alla som ändrades blev bättre).",
            size=7.5, color=GREY,
        )  # fmt: skip
        _change_by_gender(w, report, shown)


def _change_by_gender(w: _Writer, report: dict[str, Any], dims: dict[str, dict[str, Any]]) -> None:
    genders: list[str] = []
    for c in dims.values():
        genders += [g for g in c["by_gender"] if g not in genders]
    if len(genders) < 2:
        return
    rows = []
    for d, c in dims.items():
        row = [item_name(d)]
        for g in genders:
            row.append(_group_cell(c["by_gender"].get(g), "share_improved", "improved", "pairs"))
        rows.append(row)
    w.need(0.7)
    w.paragraph("Andel förbättrade per kön", size=8.5, color=DARK)
    width = (TEXT_W - 1.9) / len(genders)
    w.table([Col("Område", 1.9), *(Col(group_name(g), width, "right") for g in genders)], rows)
    if any(SUPPRESSED_MARK in row for row in rows):
        _suppression_footnote(w, report)


def _p(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0,001" if p < 0.001 else decimal(p, 3)


def _missing(w: _Writer, report: dict[str, Any]) -> None:
    missing = report["missing"]
    w.heading("Vilka saknas")
    rows = []
    for key, m in missing["by_questionnaire"].items():
        if is_suppressed(m):
            rows.append([key_name(report, key), fewer(report["selection"]["min_group"]),
                         *[""] * 5])
            continue

        def show(v: Any) -> str:
            return "–" if v is None or is_suppressed(v) else str(v)

        reasons = ", ".join(f"{REASON_NAMES[r].lower()} {show(n)}"
                            for r, n in m["reasons"].items() if n)  # fmt: skip
        rows.append(
            [key_name(report, key), str(m["enrolled"]), show(m["with_start"]),
             show(m["with_pagaende"]), show(m["with_avslut"]), show(m["paired"]),
             show(m["without_avslut"])]
        )  # fmt: skip
        if reasons:
            rows.append(["", "", "", "", "", "", ""])
    w.table(
        [Col("Frågeformulär", 1.8), Col("Inskrivna", 0.8, "right"), Col("Svar start", 0.8, "right"),
         Col("Svar pågående", 0.9, "right"), Col("Svar avslut", 0.8, "right"),
         Col("Par start–avslut", 0.9, "right"), Col("Utan avslutssvar", 0.77, "right")],
        [r for r in rows if any(r)],
    )  # fmt: skip
    for key, m in missing["by_questionnaire"].items():
        if not is_suppressed(m) and m["without_avslut"]:
            reasons = ", ".join(
                f"{REASON_NAMES[r].lower()}: {SUPPRESSED_MARK if is_suppressed(n) else n}"
                for r, n in m["reasons"].items() if n
            )
            w.paragraph(f"{key_name(report, key)}, varför avslutssvar saknas – {reasons}.",
                        size=8.5)
    if missing["note"]:
        w.paragraph(missing["note"], size=7.5, color=GREY)


def _outcomes(w: _Writer, report: dict[str, Any]) -> None:
    outcomes = report["exit_outcomes"]
    if outcomes["available"]:
        w.need(0.25 * len(outcomes["outcomes"]) + 2.0)  # heading, sentence and chart together
    w.heading("Avslutsorsaker")
    if not outcomes["available"]:
        w.paragraph(outcomes["note"], size=9)
        return
    if is_suppressed(outcomes["ended"]):
        few = fewer(report["selection"]["min_group"])
        w.paragraph(f"{few.capitalize()} inskrivningar avslutades under perioden.", size=9)
        return
    work = outcomes["work_or_studies"]
    w.paragraph(
        f"{outcomes['ended']} inskrivningar avslutades under perioden. Till arbete eller studier: "
        + (SUPPRESSED_MARK if is_suppressed(work)
           else f"{percent(work['share'])} ({work['count']} av {outcomes['ended']})") + ".",
        size=9,
    )  # fmt: skip
    items = outcomes["outcomes"]

    def draw(ax: Axes) -> None:
        shown = {k: c for k, c in items.items() if not is_suppressed(c)}
        names = [outcome_name(k) for k in shown][::-1]
        counts = [c["count"] for c in shown.values()][::-1]
        ax.barh(range(len(names)), counts, color="#2c6fa7", height=0.6)
        for row, count in enumerate(counts):
            ax.text(count, row, f" {count}", va="center", fontsize=6.5)
        ax.set_yticks(range(len(names)), names, fontsize=7.5)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_xlim(0, max([*counts, 1]) * 1.15)
        ax.spines[["top", "right"]].set_visible(False)

    w.chart(0.25 * len(items) + 0.5, draw, left=2.2)
    genders = list(outcomes["by_gender"])
    rows = []
    for key, cell in items.items():
        row = ([outcome_name(key), SUPPRESSED_MARK, SUPPRESSED_MARK] if is_suppressed(cell)
               else [outcome_name(key), str(cell["count"]), percent(cell["share"])])  # fmt: skip
        row += [str(outcome_by_gender(outcomes, g, key)) for g in genders]
        rows.append(row)
    width = (TEXT_W - 3.4) / max(1, len(genders))
    w.table(
        [Col("Avslutsorsak", 2.2), Col("Antal", 0.6, "right"), Col("Andel", 0.6, "right"),
         *(Col(group_name(g), width, "right") for g in genders)],
        rows,
    )  # fmt: skip
    if any(SUPPRESSED_MARK in row for row in rows):
        _suppression_footnote(w, report)


def write_pdf(report: dict[str, Any], path: Path | str, registry: Registry | None = None) -> None:
    registry = registry or Registry.load()
    s = report["selection"]
    footer = f"Stegvis · period {s['from'] or 'början'} – {s['to'] or 'idag'}"
    with PdfPages(path, metadata={"Title": report.get("title") or "Stegvis – uppföljning"}) as pdf:
        w = _Writer(pdf, footer)
        _title_page(w, report)
        _targets(w, report)
        w.new_page()
        _indicators(w, report, registry)
        w.new_page()
        _change(w, report, registry)
        _missing(w, report)
        _outcomes(w, report)
        w.close_page()
