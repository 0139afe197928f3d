"""Försörjning (how a participant supports themselves) at start and at exit.

Staff record one or more `IncomeSource` values at enrolment and at exit. The board asks
two things: how the support changed (a start × exit table) and how many support
themselves at exit. A person can have several sources, so each list is first put in one
group (`income_group`), in the order public support is counted in FINSAM follow-up:
any försörjningsstöd first, then Försäkringskassan's benefits, then Arbetsförmedlingen;
only then own support. This is the one place these groups and "self-supporting" are
defined (docs/data-format.md describes them); the figure is `figures/income.py`.
"""

from __future__ import annotations

from collections.abc import Iterable

from questionnaires.vocabulary import IncomeSource, values

from .i18n import N_

INCOME_SOURCES = values(IncomeSource)

SELF_SUPPORTING = "egen_forsorjning"
# Self-supporting: wages and/or student finance (studiemedel) and nothing else; no
# försörjningsstöd, no benefit from Försäkringskassan or Arbetsförmedlingen, nothing
# "annat". Studiemedel counts as own support, as studies count as a good exit.
OWN_SUPPORT = frozenset({IncomeSource.lon.value, IncomeSource.studiemedel.value})
FORSAKRINGSKASSAN = frozenset({IncomeSource.sjukpenning.value,
                               IncomeSource.aktivitetsersattning.value,
                               IncomeSource.sjukersattning.value})  # fmt: skip

# Group key -> name (Swedish source; translated where shown).
INCOME_GROUPS: dict[str, str] = {
    SELF_SUPPORTING: N_("Egen försörjning (lön eller studiemedel)"),
    "forsorjningsstod": N_("Försörjningsstöd"),
    "forsakringskassan": N_("Ersättning från Försäkringskassan"),
    "arbetsformedlingen": N_("Ersättning via Arbetsförmedlingen"),
    "annat": N_("Annan försörjning"),
    "ingen": N_("Ingen inkomst"),
}

def income_sources(stored: Iterable[str] | None) -> tuple[str, ...] | None:
    """The recorded sources as a sorted tuple, None when nothing was recorded."""
    if not stored:
        return None
    found = tuple(sorted(set(stored)))
    unknown = [source for source in found if source not in INCOME_SOURCES]
    if unknown:
        raise ValueError(f"unknown income source {unknown[0]!r}; use one of "
                         f"{', '.join(INCOME_SOURCES)}")  # fmt: skip
    return found


def income_group(sources: tuple[str, ...] | None) -> str | None:
    """The group of one recorded list of sources (None: not recorded)."""
    if not sources:
        return None
    given = set(sources) - {IncomeSource.ingen.value}
    if IncomeSource.forsorjningsstod.value in given:
        return "forsorjningsstod"
    if given & FORSAKRINGSKASSAN:
        return "forsakringskassan"
    if IncomeSource.arbetsformedlingen.value in given:
        return "arbetsformedlingen"
    if given and given <= OWN_SUPPORT:
        return SELF_SUPPORTING
    return "annat" if given else "ingen"
