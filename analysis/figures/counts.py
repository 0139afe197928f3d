"""The board's counts (JSON key `counts`): who was enrolled in the period, who was new,
who ended, who is still enrolled at its end, by gender, age band and insats; and avbrott
among the ended.

Counted in people (a person with two enrolments is one person in the total and one in
each insats), from the enrolments the web app knows. A CSV of answers has none. Every
count is a Cell of the people's record keys (avbrott's of the ended enrolments' people).

Categories, for the enrolments the selection covers (`EnrolmentColumns.selected`: in
the chosen insatser and site, overlapping the period):
- enrolled (inskrivna): all of them;
- new (nya): started in the period;
- continuing (från tidigare): started before it (enrolled = new + continuing);
- ended (avslutade): ended in the period (`EnrolmentColumns.ended`);
- ongoing (pågående vid periodens slut): not ended in it (enrolled = ended + ongoing).

A person's age band is their age in the year their first enrolment in the selection
started (birth year only is stored, so "age" is the year difference). Age at enrolment
rather than at the period's end: a person keeps one band from one report to the next and
in every category, and eligibility (unga 16–29) is decided at enrolment.

The groups are their definitions, every one listed with its published count (0 too):
the four genders, every age band (with the one under the first bound and okänd), the
insatser of the selection.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

from ..enrolments import NO_BIRTH_YEAR
from ..i18n import N_
from ..perturbation import Cell
from ..rows import GENDERS
from ..shares import share_cell
from . import insatser

if TYPE_CHECKING:
    from . import FigureInputs

DEFAULT_AGE_BANDS = (16, 30, 50)
UNKNOWN_AGE = "okänd"
CATEGORIES = ("enrolled", "new", "continuing", "ended", "ongoing")

CSV_NOTE = N_(
    "Antal inskrivna, nya, avslutade och avbrott finns inte i en CSV-fil med svar; de "
    "kommer från inskrivningarna i webbtjänsten."
)


def age_band_names(bounds: tuple[int, ...]) -> list[str]:
    """Band names for the lower bounds (16, 30, 50): 16–29, 30–49, 50+."""
    if not bounds or list(bounds) != sorted(set(bounds)) or bounds[0] < 1:
        raise ValueError(f"age bands must be increasing whole years from 1, not {bounds!r}")
    names = [f"{low}–{high - 1}" for low, high in itertools.pairwise(bounds)]
    return [*names, f"{bounds[-1]}+"]


def all_band_names(bounds: tuple[int, ...]) -> list[str]:
    """Every band a person can be in: under the first bound, the configured ones, okänd."""
    return [f"0–{bounds[0] - 1}", *age_band_names(bounds), UNKNOWN_AGE]


def _bands(birth_year: np.ndarray, start_year: np.ndarray, bounds: tuple[int, ...]) -> np.ndarray:
    """Each row's band, as an index into `all_band_names(bounds)`."""
    age = start_year - birth_year
    band = np.searchsorted(np.asarray(bounds), age, side="right")
    band[(birth_year == NO_BIRTH_YEAR) | (age < 0)] = len(bounds) + 1
    return band


def portion(base: int, count: int) -> dict[str, Any]:
    """{count, share, ci95} of a published count of a published base, by
    `shares.share_cell`'s rule: the count capped at the base; share and ci95 null and
    `few` true when the base is under 5."""
    cell = share_cell(base, count)
    return {"count": cell["positive"], "share": cell["share"], "ci95": cell["ci95"],
            **({"few": True} if cell.get("few") else {})}  # fmt: skip


def cells(inputs: FigureInputs) -> dict[str, Any]:
    enrolments, selection = inputs.enrolments, inputs.selection
    if enrolments is None:
        return {"available": False, "note": CSV_NOTE}
    start = enrolments.start_date
    chosen = enrolments.selected(selection)
    new = chosen.copy()
    if selection.date_from is not None:
        new &= start >= np.datetime64(selection.date_from)
    ended = enrolments.ended(selection)
    masks = {"enrolled": chosen, "new": new, "continuing": chosen & ~new, "ended": ended,
             "ongoing": chosen & ~ended}  # fmt: skip

    # Each person's key, gender and age band (from their first chosen enrolment).
    person = enrolments.participant.codes.astype(np.int64)
    size = max(len(enrolments.participant.names), 1)
    key_of = np.zeros(size, dtype=np.int64)
    key_of[person] = enrolments.record_key
    rows = np.flatnonzero(chosen)
    order = rows[np.lexsort((start[rows], person[rows]))]
    _, first = np.unique(person[order], return_index=True)
    firsts = order[first]
    gender_of = np.full(size, -1, dtype=np.int64)
    gender_of[person[firsts]] = enrolments.gender.codes[firsts]
    start_year = start[firsts].astype("datetime64[Y]").astype(np.int64) + 1970
    bounds = inputs.options.age_bands
    band_of = np.full(size, -1, dtype=np.int64)
    band_of[person[firsts]] = _bands(enrolments.birth_year[firsts].astype(np.int64),
                                     start_year, bounds)  # fmt: skip
    gender_code = {name: code for code, name in enumerate(enrolments.gender.names)}

    out: dict[str, Any] = {"available": True, "note": None}
    for category, mask in masks.items():
        who = np.unique(person[mask])
        keys, gender, band = key_of[who], gender_of[who], band_of[who]
        out[category] = {
            "n": Cell.of(keys),
            "by_gender": {name: Cell.of(keys[gender == gender_code.get(name, -2)])
                          for name in GENDERS},
            "by_age": {name: Cell.of(keys[band == i])
                       for i, name in enumerate(all_band_names(bounds))},
        }  # fmt: skip
    insats_code = {name: code for code, name in enumerate(enrolments.insats.names)}
    insats = enrolments.insats.codes
    out["by_insats"] = {
        name: {category: Cell.of(key_of[np.unique(person[mask & (insats == code)])])
               for category, mask in masks.items()}
        for name in insatser(inputs)
        for code in (insats_code.get(name, -1),)
    }  # fmt: skip
    # Avbrott is counted per ended enrolment, like the exit outcomes.
    keys = enrolments.record_key
    out["avbrott"] = {"ended": Cell.of(keys[ended]),
                      "left_early": Cell.of(keys[ended & enrolments.left_early])}  # fmt: skip
    return out


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    """{"counts": the figure}, from its published cells."""
    if not published["available"]:
        return {"counts": published}
    avbrott = published["avbrott"]
    share = portion(avbrott["ended"], avbrott["left_early"])
    return {"counts": {**published, "avbrott": {
        "ended": avbrott["ended"], "left_early": share.pop("count"), **share}}}
