"""Who answered: the distinct people (`people`) and enrolments (`enrolments`) with an
answer in the period, and both per insats of the selection (`by_insats`: a person with
answers in two insatser counts in each)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..entries import group_ids
from ..perturbation import Cell
from . import FigureInputs, cells_by, group_codes, insatser


def cells(inputs: FigureInputs) -> dict[str, Any]:
    entries = inputs.entries
    current = np.flatnonzero(entries.in_period)
    person = entries.participant.codes[current]
    insats = entries.insats.codes[current]
    enrolment = entries.enrolment.codes[current]
    keys = entries.record_key[current]
    _, one_person = np.unique(person, return_index=True)
    _, one_enrolment = np.unique(enrolment, return_index=True)
    # Once per (insats, person) and per (insats, enrolment).
    _, insats_person = np.unique(group_ids([insats, person]), return_index=True)
    _, insats_enrolment = np.unique(group_ids([insats, enrolment]), return_index=True)
    names = insatser(inputs)
    where = group_codes(list(entries.insats.names), names)
    people = cells_by(where[insats[insats_person]], keys[insats_person], len(names))
    enrolments = cells_by(where[insats[insats_enrolment]], keys[insats_enrolment], len(names))
    return {
        "people": Cell.of(keys[one_person]),
        "enrolments": Cell.of(keys[one_enrolment]),
        "by_insats": {name: {"people": people[i], "enrolments": enrolments[i]}
                      for i, name in enumerate(names)},
    }  # fmt: skip


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    return dict(published)
