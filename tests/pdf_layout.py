"""What the PDF's layout can be measured for, on WeasyPrint's laid-out pages (the boxes
of `HTML(...).render()`, see survey/reports/document.py `laid_out`): text that runs out
of its table cell (into the next column or off the page), header words split by
hyphenation, and how full each page is."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from weasyprint.formatting_structure import boxes

EPSILON = 0.5  # CSS px: rounding in the layout
# Where a header may break besides a space: after a hyphen or dash that is in the words.
_PIECES = re.compile(r"[^\s\-–‐]+[\-–‐]?|[\-–‐]")


@dataclass
class Layout:
    overflows: list[str]  # text outside its cell or the page's content area
    split_headers: list[str]  # a header line with a piece of a word
    fill: list[float]  # per page: how much of the content area's height is used
    pages: int


def _children(box: Any) -> Iterator[Any]:
    yield from getattr(box, "children", ())


def _walk(box: Any, in_header: bool = False) -> Iterator[tuple[Any, bool]]:
    """Every box below `box` with whether it is in a table's header rows; not the page
    margins' boxes (title and page number)."""
    for child in _children(box):
        if isinstance(child, boxes.MarginBox):
            continue
        header = in_header or (isinstance(child, boxes.TableRowGroupBox) and child.is_header)
        yield child, header
        yield from _walk(child, header)


def _lines(box: Any) -> Iterator[tuple[str, float, float]]:
    """Each line in `box`: its text and the left and right edge of its text boxes."""
    for line in box.descendants():
        if isinstance(line, boxes.LineBox):
            texts = [t for t in line.descendants() if isinstance(t, boxes.TextBox)]
            if texts:
                yield ("".join(t.text for t in texts), min(t.position_x for t in texts),
                       max(t.position_x + t.width for t in texts))


def _words(element: Any) -> set[str]:
    text = "".join(element.itertext()) if element is not None else ""
    return set(text.split()) | set(_PIECES.findall(text))


def measure(document: Any) -> Layout:
    overflows: list[str] = []
    split: list[str] = []
    fill: list[float] = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box  # WeasyPrint's laid-out page (its public Page wraps it)
        left = page_box.content_box_x()
        right = left + page_box.width
        top = page_box.content_box_y()
        bottom = top
        for box, in_header in _walk(page_box):
            if isinstance(box, boxes.TextBox):
                bottom = max(bottom, box.position_y + box.margin_height())
                if box.position_x + box.width > right + EPSILON or box.position_x < left - EPSILON:
                    overflows.append(f"page {number}: {box.text!r} outside the page")
            if not isinstance(box, boxes.TableCellBox):
                continue
            cell_left = box.border_box_x()
            cell_right = cell_left + box.border_width()
            words = _words(box.element) if in_header else set()
            for text, start, end in _lines(box):
                if start < cell_left - EPSILON or end > cell_right + EPSILON:
                    overflows.append(f"page {number}: {text!r} runs out of its cell")
                if in_header and not set(text.split()) <= words:
                    split.append(f"page {number}: header line {text!r}")
        fill.append((bottom - top) / page_box.height)
    return Layout(overflows, split, fill, len(document.pages))
