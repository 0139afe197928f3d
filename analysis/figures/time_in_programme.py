"""Time in the programme (JSON key `time_in_programme`, tid i insatsen): the enrolments
that ended in the period, by how long they lasted (under 3 months, 3–6, 6–12, 12 or
more) and by exit outcome, in total and per insats.

The units are the exit outcomes' (`exit_outcomes.ended_outcomes`: each ended enrolment,
a Cell of its person's record key), split further by band, so the all-bands figures
(ended, each outcome, work or studies) are the exit outcomes' cells and publish as the
same numbers. Only counts in bands are published, never one person's length of stay (no
shortest, longest or median), which would name the person at either end.

A band is counted in calendar months by `due.add_months`, the rule of the follow-up
points: an enrolment from 31 January that ended on 30 April lasted 3 months (31 January
+ 3 months is 30 April), one that ended on 29 April lasted under 3. So "3–6 months" is
at least 3 whole months and under 6.

The band's counts are parts of its group's ended and each band's outcomes parts of the
band (`shares.parts`, through `counts.portion`): behind fewer than 5 ended (published),
they are withheld, or a lone leaver's published band would tell how long they stayed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..due import add_months
from ..i18n import N_
from .counts import portion
from .exit_outcomes import block, ended_outcomes, finish_block, insats_masks

if TYPE_CHECKING:
    from . import FigureInputs

# Band -> its lower bound in whole calendar months; each band runs to the next one's.
BANDS: dict[str, int] = {"under_3": 0, "3_to_6": 3, "6_to_12": 6, "12_or_more": 12}
BAND_NAMES: dict[str, str] = {
    "under_3": N_("Under 3 månader"),
    "3_to_6": N_("3–6 månader"),
    "6_to_12": N_("6–12 månader"),
    "12_or_more": N_("12 månader eller mer"),
}

CSV_NOTE = N_(
    "Tid i insatsen finns inte i en CSV-fil med svar; den kommer från inskrivningarna i "
    "webbtjänsten."
)


def bands(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Each enrolment's band (an index into BANDS) from its start and end days
    (datetime64[D]): the last band whose bound, added to the start by `add_months`, the
    end has reached."""
    if not start.size:
        return np.zeros(0, dtype=np.int64)
    days, where = np.unique(start, return_inverse=True)
    bounds = list(BANDS.values())[1:]
    # add_months once per distinct start day: a period's leavers started on at most a
    # few thousand days, however many they are.
    reached = np.asarray([[add_months(day, months) for months in bounds]
                          for day in days.astype(object)], dtype="datetime64[D]")  # fmt: skip
    return (end[:, None] >= reached[where.reshape(-1)]).sum(axis=1).astype(np.int64)


def _group(keys: np.ndarray, outcome: np.ndarray, work: np.ndarray,
           band: np.ndarray) -> dict[str, Any]:  # fmt: skip
    """One group's cells: the exit outcomes' block, and the same block per band."""
    return {**block(keys, outcome, work),
            "by_band": {name: block(keys[mine], outcome[mine], work[mine])
                        for i, name in enumerate(BANDS) for mine in (band == i,)}}  # fmt: skip


def cells(inputs: FigureInputs) -> dict[str, Any]:
    enrolments, counted = inputs.enrolments, inputs.options.work_outcomes
    if enrolments is None:
        return {"available": False, "note": CSV_NOTE, "counted": list(counted),
                "bands": list(BANDS)}  # fmt: skip
    rows, outcome, work = ended_outcomes(enrolments, inputs)
    keys = enrolments.record_key[rows]
    band = bands(enrolments.start_date[rows], enrolments.end_date[rows])
    return {
        "available": True,
        "note": None,
        "counted": list(counted),
        "bands": list(BANDS),
        **_group(keys, outcome, work, band),
        "by_insats": {name: _group(keys[mine], outcome[mine], work[mine], band[mine])
                      for name, mine in insats_masks(enrolments, inputs, rows).items()},
    }  # fmt: skip


def _finish_band(band: dict[str, Any], ended: int) -> dict[str, Any]:
    """A band as published: its ended and their share of the group's `ended`, withheld
    with the outcomes when the group's ended are under 5; its outcomes and work or
    studies with their shares of the band."""
    share = portion(ended, band["ended"])
    count = share.pop("count")
    return {**finish_block({**band, "ended": count or 0}), "ended": count, **share}


def _finish_group(group: dict[str, Any]) -> dict[str, Any]:
    return {**finish_block(group),
            "by_band": {name: _finish_band(band, group["ended"])
                        for name, band in group["by_band"].items()}}  # fmt: skip


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    """{"time_in_programme": the figure}, from its published cells."""
    if not published["available"]:
        return {"time_in_programme": published}
    return {"time_in_programme": {
        **published, **_finish_group(published),
        "by_insats": {name: _finish_group(group)
                      for name, group in published["by_insats"].items()}}}  # fmt: skip
