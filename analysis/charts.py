"""The report's charts as standalone SVG images for the web page.

They draw with the same functions as the PDF, so screen and paper show the same picture.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from questionnaires import Registry

from .pdf import change_bars, diverging_bars


def _svg(draw, rows: int) -> str:  # type: ignore[no-untyped-def]
    figure = Figure(figsize=(6.5, 0.35 * rows + 0.9))
    ax = figure.add_axes((0.3, 0.12, 0.65, 0.68))
    draw(ax)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue().decode()


def data_uri(svg: str) -> str:
    """For <img src>: an image is isolated from the page, so its inline styles need no
    CSP exception."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def indicator_chart(items: dict[str, dict[str, Any]], registry: Registry, ident: str) -> str:
    return _svg(lambda ax: diverging_bars(ax, items, registry, ident), len(items))


def change_chart(dims: dict[str, dict[str, Any]]) -> str:
    return _svg(lambda ax: change_bars(ax, dims), len(dims))
