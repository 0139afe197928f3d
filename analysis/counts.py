"""The board's counts: who was enrolled in the period, who was new, who ended, who is
still enrolled at its end, by gender, age band and insats; and avbrott among the ended.

Counted in people (a person with two enrolments is one person in the total and one in
each insats), from the enrolments the web app knows. A CSV of answers has none.

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
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .enrolments import NO_BIRTH_YEAR, EnrolmentColumns
from .i18n import N_
from .rows import GENDERS
from .selection import Selection
from .shares import share_cell

DEFAULT_AGE_BANDS = (16, 30, 50)
UNKNOWN_AGE = "okänd"
CATEGORIES = ("enrolled", "new", "continuing", "ended", "ongoing")
# Kvinnor and män are always listed (a zero is shown), other genders when present.
ALWAYS_LISTED = ("kvinna", "man")

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


def _bands(birth_year: np.ndarray, start_year: np.ndarray,
           bounds: tuple[int, ...]) -> tuple[list[str], np.ndarray]:  # fmt: skip
    """(band names: the configured ones, "0–{first-1}" before them, okänd last; the band of
    each row as an index into them)."""
    names = [f"0–{bounds[0] - 1}", *age_band_names(bounds), UNKNOWN_AGE]
    age = start_year - birth_year
    band = np.searchsorted(np.asarray(bounds), age, side="right")
    band[(birth_year == NO_BIRTH_YEAR) | (age < 0)] = len(names) - 1
    return names, band


def counts_table(
    enrolments: EnrolmentColumns | None, selection: Selection, age_bands: tuple[int, ...]
) -> dict[str, Any]:
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

    # Each person's gender and age band, from their first chosen enrolment.
    person = enrolments.participant.codes.astype(np.int64)
    rows = np.flatnonzero(chosen)
    order = rows[np.lexsort((start[rows], person[rows]))]
    _, first = np.unique(person[order], return_index=True)
    firsts = order[first]
    size = max(len(enrolments.participant.names), 1)
    gender_of = np.full(size, -1, dtype=np.int64)
    gender_of[person[firsts]] = enrolments.gender.codes[firsts]
    start_year = start[firsts].astype("datetime64[Y]").astype(np.int64) + 1970
    band_names, band = _bands(enrolments.birth_year[firsts].astype(np.int64), start_year,
                              age_bands)  # fmt: skip
    band_of = np.full(size, -1, dtype=np.int64)
    band_of[person[firsts]] = band

    gender_names = enrolments.gender.names
    present = {gender_names[c] for c in np.unique(gender_of[person[firsts]]).tolist()}
    rank = {g: i for i, g in enumerate(GENDERS)}
    genders = sorted(present | set(ALWAYS_LISTED), key=lambda g: (rank.get(g, 99), g))
    gender_code = {name: code for code, name in enumerate(gender_names)}
    bands = list(range(1, len(band_names) - 1))
    for extra in (0, len(band_names) - 1):  # under the first band, unknown: when present
        if (band == extra).any():
            bands.append(extra)
    bands.sort()

    out: dict[str, Any] = {"available": True, "note": None}
    for category, mask in masks.items():
        who = np.unique(person[mask])
        g, b = gender_of[who], band_of[who]
        out[category] = {
            "n": int(who.size),
            "by_gender": {name: int((g == gender_code.get(name, -2)).sum()) for name in genders},
            "by_age": {band_names[i]: int((b == i).sum()) for i in bands},
        }
    insats = enrolments.insats.codes
    names = enrolments.insats.names
    out["by_insats"] = {
        names[code]: {category: int(np.unique(person[mask & (insats == code)]).size)
                      for category, mask in masks.items()}
        for code in sorted(np.unique(insats[rows]).tolist(), key=lambda c: str(names[c]))
    }  # fmt: skip
    # Avbrott is counted per ended enrolment, like the exit outcomes.
    left = int((ended & enrolments.left_early).sum())
    total = int(ended.sum())
    out["avbrott"] = {"ended": total, "left_early": left,
                      "share": share_cell(total, left)["share"]}  # fmt: skip
    return out
