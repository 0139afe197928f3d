"""Which surveys are due, sent or answered for each enrolment, and the handledare's to-do.

Pure functions over plain values so the overview makes one query for all rows.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import format_timedelta, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.due import DueRule, due_since, followup_point
from questionnaires import Questionnaire, Registry
from questionnaires.vocabulary import followup_occasion

from ..models import INDICATORS_DEFAULT, SELF_ASSESSMENT_DEFAULT, Insats, utcnow

# The surveys of an enrolment, in the order they happen (and MIDWAY_SLOT, below), with
# our own questionnaires: an insats may fill each role (indicators, self-assessment) with
# another loaded questionnaire (`insats_slots`); the slot keys stay the same.
SLOTS: tuple[tuple[str, str, str, object], ...] = (
    ("start-sjalvskattning", "sjalvskattning", "start", _l("Självskattning start")),
    ("pagaende-indikatorer", "finsam-indikatorer", "pagaende", _l("Indikatorer pågående")),
    ("avslut-indikatorer", "finsam-indikatorer", "avslut", _l("Indikatorer avslut")),
    ("avslut-sjalvskattning", "sjalvskattning", "avslut", _l("Självskattning avslut")),
)
# The self-assessment midway, for a förbund whose settings ask it (DueRule).
MIDWAY_SLOT = ("pagaende-sjalvskattning", "sjalvskattning", "pagaende",
               _l("Självskattning pågående"))
ALL_SLOTS = (*SLOTS[:2], MIDWAY_SLOT, *SLOTS[2:])

# Follow-ups after exit, one slot per point the förbund sets (DueRule.followup_months):
# the slot key and occasion are the point's occasion string ("uppfoljning-6").
FOLLOWUP_QUESTIONNAIRE = "uppfoljning"

# One hand-out at exit: both avslut surveys on one link, one item on the to-do.
EXIT = "avslut"
EXIT_SLOTS = ("avslut-indikatorer", "avslut-sjalvskattning")
EXIT_LABEL = _l("Enkäterna vid avslut")

# Organisation.resend_after_days unless the förbund sets its own.
RESEND_AFTER = dt.timedelta(days=3)


class State(enum.StrEnum):
    not_due = "not_due"
    due = "due"
    sent = "sent"
    started = "started"
    answered = "answered"
    expired = "expired"
    # A follow-up left unanswered past its time on the to-do (analysis.due).
    not_reached = "not_reached"
    # A survey of the programme not answered while it could be: the exit is recorded and
    # its time is over (start, pågående), so "not yet" would no longer be true.
    missed = "missed"


def translated_labels() -> dict[str, str]:
    """The labels translated once per page, not once per table cell."""
    return {state: str(label) for state, label in STATE_LABELS.items()}


def slots(rule: DueRule) -> tuple[tuple[str, str, str, object], ...]:
    """The surveys the förbund asks, in order: the midway self-assessment only when its
    settings say so."""
    return ALL_SLOTS if rule.midway_self_assessment else SLOTS


def followup_label(months: int) -> str:
    return _("Uppföljning %(months)d månader", months=months)


def followup_slots(rule: DueRule) -> list[tuple[str, str, str, str]]:
    """The follow-ups after exit, by their point: "Uppföljning 6 månader"."""
    return [(followup_occasion(months), FOLLOWUP_QUESTIONNAIRE, followup_occasion(months),
             followup_label(months)) for months in rule.followup_months]


def asks(questionnaire: Questionnaire, occasion: str) -> bool:
    """Whether a questionnaire is answered at `occasion` (the loader makes sure each
    occasion a file declares has items)."""
    return occasion in questionnaire.occasions


def fits(questionnaire: Questionnaire, ours: str) -> bool:
    """Whether a questionnaire can take the role of our `ours` in an insats: indicator
    questions are asked at pågående or avslut; a self-assessment at start and avslut,
    since its change is start to avslut."""
    if ours == SELF_ASSESSMENT_DEFAULT:
        return asks(questionnaire, "start") and asks(questionnaire, "avslut")
    return asks(questionnaire, "pagaende") or asks(questionnaire, "avslut")


# The roles a questionnaire can have in an insats, named by our own questionnaire in it.
ROLES = (INDICATORS_DEFAULT, SELF_ASSESSMENT_DEFAULT)


def uses(insats: Insats) -> dict[str, str]:
    """Our key -> the key the insats uses in its place ("" for none)."""
    return {INDICATORS_DEFAULT: insats.indicators_key,
            SELF_ASSESSMENT_DEFAULT: insats.self_assessment_key}


OCCASION_WORDS = {"start": _l("start"), "pagaende": _l("pågående"), "avslut": _l("avslut")}


def staff_name(questionnaire: Questionnaire) -> str:
    """A questionnaire's name on a staff page: its file's English name on an English
    page, when it has one."""
    if str(get_locale() or "sv") != "sv" and questionnaire.about.name_en:
        return questionnaire.about.name_en
    return questionnaire.name


def label_of(key: str, occasion: str, registry: Registry) -> str:
    """The name of a survey: ours by its short name ("Indikatorer avslut"), any other
    questionnaire by its own name and the occasion."""
    ours = next((label for _slot, default, at, label in ALL_SLOTS
                 if (default, at) == (key, occasion)), None)
    if ours is not None:
        return str(ours)
    if key not in registry:
        return key
    return _("%(name)s, %(occasion)s", name=staff_name(registry.latest(key)),
             occasion=OCCASION_WORDS.get(occasion, occasion))


Slot = tuple[str, str, str, str]  # (slot key, questionnaire key, occasion, label)


def insats_slots(insats: Insats, registry: Registry,
                 rule: DueRule | None = None) -> tuple[Slot, ...]:
    """The surveys an insats asks, in order: each of ours whose role the insats fills
    with a loaded questionnaire that has items at its occasion (one with items only at
    avslut gives only an avslut slot). `rule`: the förbund's settings; None: every
    slot there can be, for a hand-out asked by slot key."""
    chosen = uses(insats)
    found = []
    for key, ours, occasion, _label in (ALL_SLOTS if rule is None else slots(rule)):
        questionnaire_key = chosen.get(ours, ours)
        if questionnaire_key not in registry or \
                not asks(registry.latest(questionnaire_key), occasion):
            continue
        found.append((key, questionnaire_key, occasion,
                      label_of(questionnaire_key, occasion, registry)))
    return tuple(found)


def todo_labels(asked: Iterable[Slot]) -> dict[str, str]:
    """A label for every to-do item: the surveys, and both avslut surveys as one."""
    return {**{slot[0]: slot[3] for slot in asked}, EXIT: str(EXIT_LABEL)}


def last_answered(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """When the participant last did something in a begun survey (chose a language or
    answered), for a person: "senast aktiv för 2 dagar sedan"."""
    ago = format_timedelta(moment - (now or utcnow()), add_direction=True)
    return _("senast aktiv %(when)s", when=ago)


STATE_LABELS = {
    State.not_due: _l("Inte aktuell än"),
    State.due: _l("Dags att skicka"),
    State.sent: _l("Skickad"),
    State.started: _l("Påbörjad"),
    State.answered: _l("Besvarad"),
    State.expired: _l("Länken gick ut"),
    State.not_reached: _l("Nåddes inte"),
    State.missed: _l("Inte besvarad"),
}


@dataclass(frozen=True)
class InvitationFacts:
    enrolment_id: int
    questionnaire_key: str
    occasion: str
    expires_at: dt.datetime
    started: bool
    submitted: bool
    # When the newest link was made, and the participant's last step in the survey
    # (Response.updated_at: a language chosen or an answer; None before either).
    sent_at: dt.datetime | None = None
    touched_at: dt.datetime | None = None


@dataclass
class EnrolmentStatus:
    enrolment_id: int
    slots: dict[str, State] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)  # slot keys the handledare should act on
    # Since when each survey that is due has been due (analysis.due).
    due_since: dict[str, dt.date] = field(default_factory=dict)
    today: dt.date = dt.date.min
    # When a begun survey was last touched, by slot key: "Påbörjad" says when.
    touched: dict[str, dt.datetime] = field(default_factory=dict)
    # The slot keys of the follow-ups after exit.
    followups: list[str] = field(default_factory=list)

    @property
    def needs_action(self) -> bool:
        return bool(self.todo)

    @property
    def exit_together(self) -> bool:
        """Both avslut surveys can be handed out as one: the insats asks both and
        neither is answered yet."""
        return all(key in self.slots and self.slots[key] is not State.answered
                   for key in EXIT_SLOTS)

    def state_of(self, key: str) -> State:
        """A to-do item's state; the avslut pair shows the first one still open."""
        if key == EXIT:
            return next((self.slots[k] for k in EXIT_SLOTS
                         if self.slots[k] is not State.answered), State.answered)
        return self.slots[key]

    def since(self, key: str) -> dt.date | None:
        """The day a to-do item became due (None: it is not, only begun and unfinished);
        the avslut pair counts from the earlier of its two."""
        keys = EXIT_SLOTS if key == EXIT else (key,)
        return min((self.due_since[k] for k in keys if k in self.due_since), default=None)

    def touched_of(self, key: str) -> dt.datetime | None:
        if key == EXIT:
            key = next((k for k in EXIT_SLOTS if self.slots[k] is not State.answered), key)
        return self.touched.get(key)

    def can_hand_out(self, key: str) -> bool:
        """Whether a survey can be handed out now: any unanswered one whose time is not
        over (start and pågående end with the exit), but a follow-up only while it is
        due (its link then lives within the retention period)."""
        if self.slots[key] in (State.answered, State.missed):
            return False
        return key not in self.followups or key in self.due_since

    def days_due(self, key: str) -> int | None:
        since = self.since(key)
        return None if since is None else (self.today - since).days

    @property
    def oldest_due(self) -> dt.date:
        """The day the longest-waiting item on the to-do became due (for sorting)."""
        return min((day for key in self.todo if (day := self.since(key)) is not None),
                   default=self.today)


def _slot_state(found: list[InvitationFacts], occasion: str, due: bool,
                now: dt.datetime) -> State:
    live = [i for i in found if i.expires_at > now]
    if any(i.submitted for i in found):
        return State.answered
    if found and not live:
        # Expired says so whatever happened before: a started link that ran out
        # cannot be finished, only sent again.
        return State.expired
    if any(i.started for i in live):
        return State.started
    if live:
        return State.sent
    return State.due if due else State.not_due


def _on_todo(state: State, found: list[InvitationFacts], occasion: str, due: bool) -> bool:
    """The to-do: every survey that is due with no link that can still be answered,
    avslut surveys not yet answered once exit is near, and any survey a participant began
    but did not finish ("skicka igen")."""
    unsent = due and state in (State.due, State.expired)
    missing_avslut = occasion == "avslut" and due and state in (State.sent, State.started)
    unfinished = state is State.started or (
        state is State.expired and any(i.started for i in found))
    return unsent or missing_avslut or unfinished


def _waiting(state: State, found: list[InvitationFacts], now: dt.datetime,
             resend_after: dt.timedelta) -> bool:
    """A link sent or answered on lately: the participant may be answering right now, so
    "Skicka igen" waits until they have stayed away resend_after (or the link expired)."""
    if state not in (State.sent, State.started):
        return False
    moments = [m for i in found for m in (i.sent_at, i.touched_at) if m is not None]
    return bool(moments) and now - max(moments) < resend_after


def compute(enrolment_id: int, start: dt.date, end: dt.date | None, exited: bool,
            invitations: Iterable[InvitationFacts], now: dt.datetime,
            rule: DueRule, resend_after: dt.timedelta = RESEND_AFTER,
            asked: Iterable[Slot] | None = None) -> EnrolmentStatus:
    """The status of each survey the förbund asks (`rule`: its settings; `asked`: the
    insats's surveys, `insats_slots`, else ours) and the to-do."""
    today = now.date()
    status = EnrolmentStatus(enrolment_id, today=today)
    mine = [inv for inv in invitations if inv.enrolment_id == enrolment_id]
    for key, questionnaire, occasion, _label in (slots(rule) if asked is None else asked):
        found = [i for i in mine if i.questionnaire_key == questionnaire and i.occasion == occasion]
        since = due_since(occasion, start, end, exited, today, rule)
        due = since is not None
        state = _slot_state(found, occasion, due, now)
        if exited and state is State.not_due:
            state = State.missed
        status.slots[key] = state
        if since is not None and state is not State.answered:
            status.due_since[key] = since
        touched = [i.touched_at for i in found if i.touched_at is not None]
        if state is State.started and touched:
            status.touched[key] = max(touched)
        if _on_todo(state, found, occasion, due) and not _waiting(state, found, now,
                                                                   resend_after):
            status.todo.append(key)
    _followups(status, mine, start, end, exited, now, rule, resend_after)
    if all(key in status.todo for key in EXIT_SLOTS):
        # Handed out together (one link, one letter, one tablet session): one item.
        at = status.todo.index(EXIT_SLOTS[0])
        status.todo[at:at + 2] = [EXIT]
    return status


def _followups(status: EnrolmentStatus, mine: list[InvitationFacts], start: dt.date,
               end: dt.date | None, exited: bool, now: dt.datetime, rule: DueRule,
               resend_after: dt.timedelta) -> None:
    """Each follow-up point: on the to-do only while it is due (analysis.due); past that
    unanswered, with no link left to answer on, the person was not reached."""
    for months in rule.followup_months:
        key = occasion = followup_occasion(months)
        status.followups.append(key)
        found = [i for i in mine
                 if (i.questionnaire_key, i.occasion) == (FOLLOWUP_QUESTIONNAIRE, occasion)]
        since = due_since(occasion, start, end, exited, status.today, rule)
        state = _slot_state(found, occasion, since is not None, now)
        point = followup_point(end, occasion) if exited and end is not None else None
        if since is None and point is not None and point <= status.today and \
                state in (State.not_due, State.expired):
            state = State.not_reached
        status.slots[key] = state
        touched = [i.touched_at for i in found if i.touched_at is not None]
        if state is State.started and touched:
            status.touched[key] = max(touched)
        if since is None:
            continue
        if state is not State.answered:
            status.due_since[key] = since
        if _on_todo(state, found, occasion, True) and not _waiting(state, found, now,
                                                                    resend_after):
            status.todo.append(key)
