"""Names shown to förbund staff for items, groups, reasons and outcomes.

Swedish source text marked with `N_`, translated where shown with the caller's gettext
(analysis/i18n.py): `item_name("nytta", _)`.
"""

from __future__ import annotations

from questionnaires.vocabulary import followup_months

from .i18n import N_, Translate, untranslated
from .rows import EXIT_OUTCOMES
from .shares import MIN_BASE

ITEM_NAMES: dict[str, str] = {
    "delaktighet": N_("Delaktighet i stödet"),
    "bemotande": N_("Bemött med respekt"),
    "samordning": N_("Samordnat stöd"),
    "behov": N_("Utgått från mina behov"),
    "nytta": N_("Stöd till stor nytta"),
    "redo": N_("Mer redo för arbete/studier"),
    "planering": N_("Tillräcklig planering"),
    "aktivitet": N_("Aktivitetsnivå"),
    "fysisk_halsa": N_("Fysisk hälsa"),
    "psykisk_halsa": N_("Psykisk hälsa"),
    "balans": N_("Balans i tillvaron"),
    "framtid": N_("Syn på framtiden"),
    "arbete_studier": N_("Möjlighet till arbete/studier"),
    "stod_hjalper": N_("Stödet hjälper fortfarande"),
}

OCCASION_NAMES: dict[str, str] = {
    "start": N_("Start"), "pagaende": N_("Pågående"), "avslut": N_("Avslut"),
}

BREAKDOWN_NAMES: dict[str, str] = {
    "by_gender": N_("Kön"),
    "by_site": N_("Ort"),
    "by_born_abroad": N_("Född utomlands"),
    "by_language": N_("Språk"),
    "by_insats": N_("Insats"),
}

GROUP_NAMES: dict[str, str] = {
    "kvinna": N_("Kvinnor"),
    "man": N_("Män"),
    "annat": N_("Annat kön"),
    "okänt": N_("Okänt"),
    "ja": N_("Utrikes född"),
    "nej": N_("Inrikes född"),
    "lattlast": N_("Lättläst svenska"),
}

# The answer languages (survey/i18n.py PARTICIPANT_LANGUAGES) named in the reader's
# language: a report says "Dari", never the code "prs".
LANGUAGE_NAMES: dict[str, str] = {
    "sv": N_("Svenska"),
    "en": N_("Engelska"),
    "ar": N_("Arabiska"),
    "fa": N_("Persiska"),
    "prs": N_("Dari"),
    "so": N_("Somaliska"),
    "ti": N_("Tigrinja"),
    "uk": N_("Ukrainska"),
}

REASON_NAMES: dict[str, str] = {
    "still_enrolled": N_("Fortfarande inskriven"),
    "left_early": N_("Avbröt i förtid"),
    "no_invitation": N_("Ingen inbjudan skickad"),
    "not_answered": N_("Inbjuden men svarade inte"),
    "unknown": N_("Okänt (syns inte i CSV-filen)"),
}

# Every ExitOutcome (questionnaires/vocabulary.py), named for a report.
OUTCOME_NAMES: dict[str, str] = {
    "arbete": N_("Arbete"),
    "studier": N_("Studier"),
    "arbetssökande": N_("Arbetssökande"),
    "arbetslivsinriktad rehabilitering": N_("Arbetslivsinriktad rehabilitering"),
    "medicinsk rehabilitering": N_("Medicinsk rehabilitering"),
    "sjukersättning": N_("Sjukersättning"),
    "annan insats": N_("Annan insats"),
    "annat": N_("Annat"),
    "okänd": N_("Okänd"),
}

def few_answers(_: Translate = untranslated) -> str:
    """What a share whose published base is under shares.MIN_BASE says instead."""
    return _("färre än %(n)s svar") % {"n": MIN_BASE}


def few_people(_: Translate = untranslated) -> str:
    """The same, where the base is people or enrolments rather than answers (those who
    ended, those due an answer)."""
    return _("färre än %(n)s") % {"n": MIN_BASE}


def method_note(_: Translate = untranslated) -> str:
    """The one sentence every output prints on how the report protects people."""
    return _("Alla antal i rapporten har fått ett litet slumpmässigt brus (oftast 0 eller "
             "±1) så att ingen enskild persons svar kan räknas fram; andelar räknas på de "
             "publicerade antalen.")


def item_name(item: str, _: Translate = untranslated) -> str:
    return _(ITEM_NAMES[item]) if item in ITEM_NAMES else item


def group_name(group: str, _: Translate = untranslated) -> str:
    """A group of a breakdown: gender, born abroad, answer language; sites and insatser
    are named by the förbund and shown as they are."""
    name = GROUP_NAMES.get(group) or LANGUAGE_NAMES.get(group)
    return _(name) if name else group


def outcome_name(outcome: str, _: Translate = untranslated) -> str:
    if outcome in OUTCOME_NAMES:
        return _(OUTCOME_NAMES[outcome])
    return EXIT_OUTCOMES.get(outcome, outcome)


def occasion_name(occasion: str, _: Translate = untranslated) -> str:
    months = followup_months(occasion)
    if months is not None:
        return _("Uppföljning efter %(months)s månader") % {"months": months}
    return _(OCCASION_NAMES[occasion]) if occasion in OCCASION_NAMES else occasion
