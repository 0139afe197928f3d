"""What the PDF's layout can be measured for, on the finished file: text that runs over
another column or off the page, words split by hyphenation, and how full each page is.

Read with Poppler (poppler-utils, scripts/system-deps.sh): `pdftotext -bbox-layout` prints
each page's lines and words with their boxes in PDF points, y downwards; `pdftoppm`
rasters the pages, for how far down they are inked (the charts are drawings, not text).
The project uses other libraries through their public API only, and this sees what a
reader sees rather than how WeasyPrint got there.

What it cannot see: text run so far into the next column that Poppler takes both for one
word ("InskrivnaSvarsfrekvens"). Text overflowing a column rarely does so on every line,
so the words of the other rows still collide (tests/test_report_pdf_layout.py checks the
measure finds the old print style's faults)."""

from __future__ import annotations

import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

EPSILON = 0.5  # PDF points: rounding, and lines set solid touch each other
DPI = 36  # for the ink: a pixel is 2 points
INK = 250  # a grey darker than this (0 black, 255 white) is ink, not anti-aliasing's haze
_XHTML = "{http://www.w3.org/1999/xhtml}"
# A line ending in a piece of a word: the hyphen the layout adds when it hyphenates
# (WeasyPrint's default hyphenate-character, U+2010, or a soft hyphen shown), continued
# in lower case on the next line. A hyphen-minus is the word's own ("e-post", "för- och").
_SPLIT = re.compile(r"\w[\u2010\u00ad]$")


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    def overlaps(self, other: Word) -> bool:
        return (min(self.x_max, other.x_max) - max(self.x_min, other.x_min) > EPSILON
                and min(self.y_max, other.y_max) - max(self.y_min, other.y_min) > EPSILON)


@dataclass
class Layout:
    overflows: list[str]  # words over another word, or off the page
    split_headers: list[str]  # a line ending in a piece of a word
    fill: list[float]  # per page: how much of the height between text and footer is used
    pages: int


@dataclass
class _Page:
    width: float
    height: float
    lines: list[list[Word]]  # in Poppler's reading order, flow by flow


def _word(element: ET.Element) -> Word:
    return Word(element.text or "", *(float(element.attrib[k])
                                      for k in ("xMin", "yMin", "xMax", "yMax")))


def _pages(pdf: bytes) -> list[_Page]:
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", "-", "-"],
                           input=pdf, capture_output=True, check=True).stdout
    root = ET.fromstring(xhtml)  # noqa: S314 - Poppler's output for our own PDF
    return [_Page(float(page.attrib["width"]), float(page.attrib["height"]),
                  [[_word(w) for w in line.iter(f"{_XHTML}word")]
                   for line in page.iter(f"{_XHTML}line")])
            for page in root.iter(f"{_XHTML}page")]


def _inked_rows(pdf: bytes) -> list[list[float]]:
    """Per page, the top of each pixel row with ink, in points from the page's top."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "in.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "in.pdf", "page"], cwd=folder,
                       check=True)
        rows = []
        # pdftoppm numbers the files with as many digits as the last page has.
        for image in sorted(Path(folder).glob("page-*.pgm"), key=lambda f: int(f.stem[5:])):
            # Binary PGM: "P5", width, height, maximum grey, one whitespace, then the rows.
            magic, width, height, _grey, pixels = image.read_bytes().split(maxsplit=4)
            assert magic == b"P5", image
            w, h = int(width), int(height)
            rows.append([y * 72 / DPI for y in range(h)
                         if min(pixels[y * w:(y + 1) * w]) < INK])
        return rows


def _footer_top(pages: list[_Page]) -> float | None:
    """Where the running footer (title, page number) starts: the lowest line of every
    page, at the same height on each; None for one page, or pages without one."""
    lowest = {round(max(w.y_min for line in page.lines for w in line), 1)
              for page in pages if any(page.lines)}
    if len(pages) < 2 or len(lowest) != 1 or not all(any(p.lines) for p in pages):
        return None
    return lowest.pop()


def measure(pdf: bytes) -> Layout:
    pages = _pages(pdf)
    footer = _footer_top(pages)
    overflows: list[str] = []
    split: list[str] = []
    fill: list[float] = []
    content = [[w for line in page.lines for w in line
                if footer is None or w.y_min < footer - EPSILON] for page in pages]
    inked = [[y for y in rows if footer is None or y < footer - EPSILON]
             for rows in _inked_rows(pdf)]
    top = min((rows[0] for rows in inked if rows), default=0.0)
    for number, (page, words, rows) in enumerate(zip(pages, content, inked, strict=True),
                                                 start=1):
        for i, word in enumerate(words):
            if word.x_min < -EPSILON or word.x_max > page.width + EPSILON:
                overflows.append(f"page {number}: {word.text!r} off the page")
            overflows.extend(f"page {number}: {word.text!r} over {other.text!r}"
                             for other in words[i + 1:] if word.overlaps(other))
        for line, following in zip(page.lines, page.lines[1:], strict=False):
            if line and following and _SPLIT.search(line[-1].text) \
                    and following[0].text[:1].islower():
                split.append(f"page {number}: {line[-1].text!r} {following[0].text!r}")
        bottom = footer if footer is not None else page.height - top
        lowest = rows[-1] + 72 / DPI if rows else top
        fill.append((lowest - top) / (bottom - top))
    return Layout(overflows, split, fill, len(pages))
