"""The report's charts as standalone SVG images, for the web page and the PDF alike.

The PDF is the web page's template printed by WeasyPrint, so one SVG serves both. Every
chart has a text alternative (`*_alt`) that says what it shows in words, and its
figures also stand in a table. Legends sit below the bars and the figure is saved
with a tight bounding box, so no legend label is cut; each answer step has its own
shade (a 6-step scale gets three oranges and three blues).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterable
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from questionnaires import Registry

from .i18n import N_, Translate, untranslated
from .labels import item_name
from .numbers import SWEDISH, Numbers

DARK = "#1f2d3d"
GREY = "#c8ced6"
# Colour-blind-safe diverging families: blue = the positive answers, orange = the rest.
IMPROVED, WORSE = "#2171b5", "#d94801"
# Labels written on a bar only when the bar is at least this wide.
LABEL_FROM = 0.08


def shades(family: str, count: int) -> list[str]:
    """`count` distinct shades of a Matplotlib colour map, mildest first."""
    if count <= 0:
        return []
    low, high = 0.3, 0.85
    step = (high - low) / max(count - 1, 1)
    cmap = colormaps[family]
    return [to_hex(cmap(low + step * i if count > 1 else 0.6)) for i in range(count)]


def _ink(colour: str) -> str:
    """Text colour readable on a bar of `colour` (white on dark, dark on light)."""
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "white" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5 else DARK


def _svg(draw: Callable[[Figure, Axes], None], rows: int) -> str:
    # Constrained layout makes room under the axes for the legend ("outside").
    figure = Figure(figsize=(7, 0.36 * rows + 1.0), layout="constrained")
    ax = figure.add_subplot()
    draw(figure, ax)
    buffer = io.BytesIO()
    # tight: the saved picture grows to hold every label and the whole legend.
    figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.08,
                   metadata={"Date": None})
    return buffer.getvalue().decode()


def data_uri(svg: str) -> str:
    """For <img src>: an image is isolated from the page, so its inline styles need no
    CSP exception, and WeasyPrint draws the same SVG into the PDF as vectors."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _legend(figure: Figure, handles: list[Any], labels: list[str]) -> None:
    # Under the chart, in as many rows as needed: a long label ("Stämmer helt och
    # hållet") gets its room instead of being cut at the edge.
    one_row = sum(len(label) + 6 for label in labels) <= 100
    figure.legend(handles, labels, ncols=len(labels) if one_row else 3, fontsize=8,
                  loc="outside lower center", frameon=False)


def _scale(registry: Registry, ident: str, _: Translate, shown: Iterable[str] = ()
           ) -> tuple[list[int], frozenset[int], dict[int, str]]:
    key, _sep, version = ident.partition("/v")
    questionnaire = registry.get(key, int(version)) if version.isdigit() else None
    if questionnaire is None:
        return [], frozenset(), {}
    scale = questionnaire.scale
    own = [item for item in map(questionnaire.item, shown) if item is not None and item.steps]
    if own:
        # A row answered in its own words ("Något varje dag"): the scale's words would
        # misname its steps, so the legend names the values only.
        return sorted(scale.values), scale.positive, {s.value: str(s.value) for s in scale.steps}
    return (sorted(scale.values), scale.positive,
            {s.value: _(s.label.standard) for s in scale.steps})


def _shown(cells: dict[str, dict[str, Any]], share: str = "share") -> dict[str, dict[str, Any]]:
    """The rows a chart draws: those with a share (a published base of 5 or more)."""
    return {key: cell for key, cell in cells.items() if cell[share] is not None}


def indicator_chart(items: dict[str, dict[str, Any]], registry: Registry, ident: str,
                    _: Translate = untranslated, numbers: Numbers = SWEDISH) -> str:
    """Each item's answers as a diverging bar: positive steps right of 0, the rest left."""
    items = _shown(items)
    values, positive, labels = _scale(registry, ident, _, items)
    negative = [v for v in values if v not in positive]
    agree = [v for v in values if v in positive]
    colours = dict(zip(reversed(negative), shades("Oranges", len(negative)), strict=True))
    colours |= dict(zip(agree, shades("Blues", len(agree)), strict=True))

    def draw(figure: Figure, ax: Axes) -> None:
        handles: dict[int, Any] = {}
        for row, cell in enumerate(reversed(list(items.values()))):
            # The published steps need not add up to the published n: each is its own
            # count, so the bar is of their sum.
            n = sum(cell["distribution"].values()) or 1
            left = 0.0
            for v in reversed(negative):  # the mildest disagreement nearest 0
                share = cell["distribution"][str(v)] / n
                handles[v] = ax.barh(row, -share, left=-left, color=colours[v], height=0.6)
                left += share
            right = 0.0
            for v in agree:
                share = cell["distribution"][str(v)] / n
                handles[v] = ax.barh(row, share, left=right, color=colours[v], height=0.6)
                if share >= LABEL_FROM:
                    ax.text(right + share / 2, row, numbers.percent(share), ha="center",
                            va="center", fontsize=7, color=_ink(colours[v]))
                right += share
        ax.axvline(0, color=DARK, linewidth=0.8)
        ax.set_yticks(range(len(items)), [item_name(i, _) for i in items][::-1], fontsize=8.5)
        ax.set_xlim(-1, 1)
        ticks = [-1, -0.5, 0, 0.5, 1]
        ax.set_xticks(ticks, [numbers.percent(abs(t)) for t in ticks], fontsize=8)
        ax.spines[["top", "right", "left"]].set_visible(False)
        shown = [v for v in values if v in handles]
        _legend(figure, [handles[v] for v in shown], [labels.get(v, str(v)) for v in shown])

    return _svg(draw, len(items))


def _alt(sentence: str, cells: dict[str, dict[str, Any]], share: str, _: Translate,
         numbers: Numbers) -> str:
    """A chart in words: each shown row's name and share, in one sentence."""
    parts = [_("%(item)s %(share)s") % {"item": item_name(key, _),
                                          "share": numbers.percent(cell[share])}
             for key, cell in _shown(cells, share).items()]
    return _(sentence) % {"parts": "; ".join(parts)}


def indicator_alt(items: dict[str, dict[str, Any]], _: Translate = untranslated,
                  numbers: Numbers = SWEDISH) -> str:
    """The indicator chart in words: each item's share of positive answers."""
    return _alt(N_("Andel positiva svar per fråga: %(parts)s."), items, "share", _, numbers)


def change_chart(dims: dict[str, dict[str, Any]], _: Translate = untranslated,
                 numbers: Numbers = SWEDISH) -> str:
    """Each area's pairs as improved, unchanged and worse shares of one bar."""
    dims = _shown(dims, "share_improved")
    parts = [("improved", IMPROVED, _("förbättrade")), ("same", GREY, _("oförändrade")),
             ("worse", WORSE, _("försämrade"))]

    def draw(figure: Figure, ax: Axes) -> None:
        handles = []
        for row, c in enumerate(reversed(list(dims.values()))):
            n = (c["improved"] + c["same"] + c["worse"]) or 1
            left = 0.0
            for key, colour, _label in parts:
                share = c[key] / n
                bar = ax.barh(row, share, left=left, color=colour, height=0.6)
                if row == 0:
                    handles.append(bar)
                if share >= LABEL_FROM:
                    ax.text(left + share / 2, row, numbers.percent(share), ha="center",
                            va="center", fontsize=7, color=_ink(colour))
                left += share
        ax.set_yticks(range(len(dims)), [item_name(d, _) for d in dims][::-1], fontsize=8.5)
        ax.set_xlim(0, 1)
        ticks = [0, 0.25, 0.5, 0.75, 1]
        ax.set_xticks(ticks, [numbers.percent(t) for t in ticks], fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        _legend(figure, handles, [label for _key, _colour, label in parts])

    return _svg(draw, len(dims))


def change_alt(dims: dict[str, dict[str, Any]], _: Translate = untranslated,
               numbers: Numbers = SWEDISH) -> str:
    """The change chart in words: each area's share improved."""
    return _alt(N_("Andel förbättrade per område: %(parts)s."), dims, "share_improved", _,
                numbers)
