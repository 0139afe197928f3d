"""The stored data: typed SQLAlchemy 2.x models.

Participants are pseudonymous: a code the handledare chooses, never a name or a
personnummer. Invitation tokens are stored only as a SHA-256 hash.
"""

from __future__ import annotations

import datetime as dt
import enum

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from analysis.due import DueRule
from analysis.figures.exit_outcomes import WORK_OR_STUDIES
from analysis.perturbation import new_record_key

# The vocabulary is defined once, in questionnaires.vocabulary; the columns below store its
# values. Re-exported, so `from survey.models import Gender` names the same class.
from questionnaires.vocabulary import (  # noqa: F401
    FOLLOWUP_MONTHS_DEFAULT,
    Assisted,
    BornAbroad,
    ExitOutcome,
    Gender,
    IncomeSource,
    Occasion,
)

from .extensions import db

# Arbete and studier (analysis.figures.exit_outcomes.WORK_OR_STUDIES), as stored.
WORK_OUTCOMES_DEFAULT = ",".join(WORK_OR_STUDIES)
FOLLOWUP_POINTS_DEFAULT = ",".join(str(months) for months in FOLLOWUP_MONTHS_DEFAULT)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Role(enum.StrEnum):
    admin = "admin"
    handledare = "handledare"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: readable in exports and in psql.
    return Enum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e])


insats_staff = Table(
    "insats_staff",
    db.metadata,
    Column("insats_id", ForeignKey("insats.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Enrolments are anonymised this many months after exit (flask purge).
    retention_months: Mapped[int] = mapped_column(Integer, default=24)
    # When set, an admin cannot log in without a second factor (TOTP).
    admins_need_totp: Mapped[bool] = mapped_column(default=False)
    # How participants reach the förbund about their data (welcome screen, letter).
    privacy_contact: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The exit outcomes (ExitOutcome values, comma-separated) this förbund counts as "went
    # to work or studies" in reports and outcome targets.
    work_outcomes: Mapped[str] = mapped_column(String(300), default=WORK_OUTCOMES_DEFAULT,
                                               server_default=WORK_OUTCOMES_DEFAULT)
    # A pågående survey is due from this many days after enrolment (to-do list, participant
    # table and the report's response rates: analysis.due).
    pagaende_due_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    # The self-assessment is also asked midway, at pågående (issue 22).
    midway_self_assessment: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The förbund's own format for participant codes, a regular expression the whole code
    # must match (codes from its own register); empty: Stegvis makes the codes
    # (participant_codes.py).
    participant_code_pattern: Mapped[str] = mapped_column(String(100), default="",
                                                          server_default="")
    # Reports: the lower bounds of the age bands, "16,30,50" (16–29, 30–49, 50+).
    age_bands: Mapped[str] = mapped_column(String(40), default="16,30,50",
                                           server_default="16,30,50")
    # The to-do offers "Skicka igen" for a survey sent or begun only once the participant
    # has not come back for this many days (or the link expired): sooner, they are
    # probably still answering, and a resend would only add a link.
    resend_after_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # Follow-up points after exit, months, comma-separated ("6,12"; issue 24); one of
    # questionnaires.vocabulary.FOLLOWUP_MONTHS_ALLOWED each. Empty: no follow-ups.
    followup_points: Mapped[str] = mapped_column(String(40), default=FOLLOWUP_POINTS_DEFAULT,
                                                 server_default=FOLLOWUP_POINTS_DEFAULT)
    # A follow-up link lives this many days (people who have left answer when they can).
    followup_link_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")

    insatser: Mapped[list[Insats]] = relationship(back_populates="organisation")

    @property
    def counted_outcomes(self) -> tuple[str, ...]:
        return tuple(value for value in self.work_outcomes.split(",") if value)

    @property
    def followup_months(self) -> tuple[int, ...]:
        return tuple(sorted(int(value) for value in self.followup_points.split(",")
                            if value.strip().isdigit()))

    @property
    def due_rule(self) -> DueRule:
        return DueRule(pagaende_days=self.pagaende_due_days,
                       midway_self_assessment=self.midway_self_assessment,
                       followup_months=self.followup_months)


# Our own questionnaires, which an insats uses unless the förbund chooses others.
INDICATORS_DEFAULT = "finsam-indikatorer"
SELF_ASSESSMENT_DEFAULT = "sjalvskattning"


class Insats(db.Model):
    __tablename__ = "insats"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    # The questionnaires the insats hands out (issue 22): the key of its indicator
    # questions (pågående, avslut) and of its self-assessment (start, avslut), any key the
    # registry holds, e.g. a förbund's licensed national instrument; "" for none. Which
    # version an enrolment is asked stays invitations.questionnaire_for's rule.
    indicators_key: Mapped[str] = mapped_column(String(60), default=INDICATORS_DEFAULT,
                                                server_default=INDICATORS_DEFAULT)
    self_assessment_key: Mapped[str] = mapped_column(String(60),
                                                     default=SELF_ASSESSMENT_DEFAULT,
                                                     server_default=SELF_ASSESSMENT_DEFAULT)

    organisation: Mapped[Organisation] = relationship(back_populates="insatser")
    sites: Mapped[list[Site]] = relationship(back_populates="insats", order_by="Site.name")
    staff: Mapped[list[User]] = relationship(secondary=insats_staff, back_populates="insatser")
    targets: Mapped[list[Target]] = relationship(
        back_populates="insats", cascade="all, delete-orphan", order_by="Target.id"
    )


class TargetKind(enum.StrEnum):
    # The share of positive answers to an item of questionnaire_key at occasion.
    item = "item"
    # The share of ended enrolments whose exit outcome is in `outcomes` (empty: the
    # förbund's list, Organisation.work_outcomes); item_id "work_or_studies", occasion avslut.
    outcome = "outcome"
    # The share of pairs (start, avslut) improved on the self-assessment dimension item_id
    # (questionnaire_key sjalvskattning, occasion avslut).
    improved = "improved"
    # The share of enrolments that ended with an outcome in `outcomes` within `months` of
    # their start (item_id "work_or_studies", occasion avslut).
    outcome_within = "outcome_within"
    # The share of follow-up answers at point `months` in `outcomes` (item_id
    # "work_or_studies", occasion uppfoljning).
    followup = "followup"


class TargetBase(enum.StrEnum):
    """Whom a target's share is of (analysis.targets.BASES)."""

    # Those who answered, "vet inte" (or an unknown outcome) left out: the base of every
    # target set before issue 24 except the outcome targets.
    answered = "answered"
    # Everyone who answered, "vet inte" included (every ended enrolment, okänd included):
    # what "av deltagarna" means in the förbund's own reports; new targets' default.
    all = "all"


class Target(db.Model):
    """A target an insats reports against, e.g. nytta at avslut >= 0.9, or at least 25 %
    of ended enrolments to work or studies."""

    __tablename__ = "target"
    # Two targets may share an item and occasion when their kind, outcomes or months differ.
    __table_args__ = (UniqueConstraint("insats_id", "kind", "questionnaire_key", "item_id",
                                       "occasion", "outcomes", "months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="CASCADE"), index=True)
    questionnaire_key: Mapped[str] = mapped_column(String(60), default="finsam-indikatorer")
    item_id: Mapped[str] = mapped_column(String(40))
    occasion: Mapped[Occasion] = mapped_column(_enum(Occasion, "occasion"))
    # A fraction: 0.9 means at least 90 % positive answers.
    threshold: Mapped[float] = mapped_column(Float)
    kind: Mapped[TargetKind] = mapped_column(_enum(TargetKind, "target_kind"),
                                             default=TargetKind.item, server_default="item")
    # Outcome kinds: the ExitOutcome values that count, comma-separated, plus the
    # pseudo-outcome "egen_forsorjning" (self-supporting: analysis.income); empty: the
    # förbund's list (Organisation.work_outcomes).
    outcomes: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # outcome_within: months from start; followup: the follow-up point in months; 0 for
    # the other kinds (not NULL, so that the unique constraint holds for them too).
    months: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    # The rows of before issue 24 keep the base they were judged on (the migration);
    # a new target counts "vet inte" in, as "av deltagarna" does.
    base: Mapped[TargetBase] = mapped_column(_enum(TargetBase, "target_base"),
                                             default=TargetBase.all,
                                             server_default=TargetBase.answered.value)

    @property
    def outcome_list(self) -> tuple[str, ...]:
        return tuple(value for value in self.outcomes.split(",") if value)

    insats: Mapped[Insats] = relationship(back_populates="targets")


class Site(db.Model):
    """Where an insats runs, usually a kommun."""

    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("insats_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    insats: Mapped[Insats] = relationship(back_populates="sites")


class User(UserMixin, db.Model):
    """Staff: förbund admins and handledare."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Base32 TOTP secret (RFC 6238) once the user has set up a second factor.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The time step of the last code accepted: a code works once.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    insatser: Mapped[list[Insats]] = relationship(secondary=insats_staff, back_populates="staff")
    organisation: Mapped[Organisation] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active


class Participant(db.Model):
    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("organisation_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    gender: Mapped[Gender] = mapped_column(_enum(Gender, "gender"))
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    born_abroad: Mapped[BornAbroad] = mapped_column(_enum(BornAbroad, "born_abroad"))
    # The language the participant reads best: preselected for letters and surveys.
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The report's protection step adds up these keys (analysis/perturbation.py): kept
    # when the code changes or the participant is anonymised, never shown in a report.
    record_key: Mapped[int] = mapped_column(Integer, default=new_record_key)

    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )


class Enrolment(db.Model):
    """One participant in one insats at one site; a person can have several."""

    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    exit_outcome: Mapped[ExitOutcome | None] = mapped_column(_enum(ExitOutcome, "exit_outcome"))
    # Avbrott: the participant stopped before the insats was completed.
    left_early: Mapped[bool] = mapped_column(default=False)
    # Lists of IncomeSource values; the step towards egenförsörjning shows between them.
    income_start: Mapped[list[str]] = mapped_column(JSON, default=list)
    income_exit: Mapped[list[str] | None] = mapped_column(JSON)

    participant: Mapped[Participant] = relationship(back_populates="enrolments")
    insats: Mapped[Insats] = relationship()
    site: Mapped[Site | None] = relationship()
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan"
    )


class Invitation(db.Model):
    """A link a participant answers one questionnaire through, at one occasion."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    questionnaire_key: Mapped[str] = mapped_column(String(60))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    occasion: Mapped[Occasion] = mapped_column(_enum(Occasion, "occasion"))
    # The follow-up point in months after exit when occasion is uppfoljning, else None
    # (questionnaires.vocabulary.followup_occasion makes the report's occasion string).
    followup_months: Mapped[int | None] = mapped_column(SmallInteger)
    # SHA-256 of the token; the token itself exists only in the link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of the short code printed on a letter (typed on /kod); None until printed.
    short_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # One hand-out at exit: after this survey the same link runs the next one.
    next_invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # When the newest link was made by a resend; None: when the invitation was created.
    resent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)

    enrolment: Mapped[Enrolment] = relationship(back_populates="invitations")
    next_invitation: Mapped[Invitation | None] = relationship(remote_side=[id])
    earlier_links: Mapped[list[EarlierLink]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", passive_deletes=True)
    response: Mapped[Response | None] = relationship(
        back_populates="invitation", cascade="all, delete-orphan"
    )


class EarlierLink(db.Model):
    """A link to an invitation handed out before its newest one (token_hash above).

    A resend adds a link rather than replacing one: the participant may still be
    answering on the old one, and both continue the same answers. Every link works until
    the survey is submitted (then it says so), unless the handledare ends them all on
    purpose (sent to the wrong person). Like the newest, only hashes are kept.
    """

    __tablename__ = "earlier_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The short code of the letter printed for this link, if one was.
    short_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    invitation: Mapped[Invitation] = relationship(back_populates="earlier_links")


class Response(db.Model):
    """The answers given through one invitation; at most one per invitation."""

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), unique=True
    )
    language: Mapped[str] = mapped_column(String(16))
    easy: Mapped[bool] = mapped_column(default=False)
    assisted: Mapped[Assisted] = mapped_column(_enum(Assisted, "assisted"), default=Assisted.sjalv)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)

    invitation: Mapped[Invitation] = relationship(back_populates="response")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(40))
    # None means "vet inte".
    value: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


class AuditEvent(db.Model):
    """Who did what and when: logins, exports, deletions, purges."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    # What it concerned, as a name: never answers or tokens. A participant is referred to
    # by id, not pseudonym, so the log shows the anonymised code once purge has run.
    subject: Mapped[str] = mapped_column(String(300), default="")
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True)
    # Why, where the action asks for it (the Dataexport's stated purpose).
    reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    user: Mapped[User | None] = relationship()
    participant: Mapped[Participant | None] = relationship()


class StaffSession(db.Model):
    """A staff member's login. The cookie holds only a random id; this row, keyed by its
    SHA-256, is what makes the cookie worth anything, so deleting it ends the session on
    every worker and machine at once (logout, password change, deactivation, idle time)."""

    __tablename__ = "staff_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # Tablet hand-over: set while a participant holds the device (invitation, enrolment,
    # assisted); staff pages stay locked until the handledare's password is given.
    kiosk: Mapped[dict | None] = mapped_column(JSON)
    unlock_failures: Mapped[int] = mapped_column(Integer, default=0)
    # The link just made, for the hand-out page, letter, e-mail and tablet; never in the
    # cookie, gone with the session.
    handout_invitation_id: Mapped[int | None] = mapped_column(Integer)
    handout_token: Mapped[str | None] = mapped_column(String(64))
    handout_code: Mapped[str | None] = mapped_column(String(20))


class LoginThrottle(db.Model):
    """Failed passwords per account (as typed) and client address: each failure past the
    first few doubles the wait before that address may try that account again. Nobody
    else's address is slowed, so an attacker cannot keep the owner out. Wrong
    second-factor codes have one row per account (address throttle.SECOND_FACTOR)."""

    __tablename__ = "login_throttle"

    account: Mapped[str] = mapped_column(String(254), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # The last failure; the wait runs from here (throttle.wait_after).
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class TranslationReview(db.Model):
    """A reviewer's sign-off of one language's translation of one questionnaire version.

    Translations are written by the Stegvis team first; until a certified translator (or,
    for lättläst, an easy-Swedish editor) has checked one, admins see it as awaiting review.
    """

    __tablename__ = "translation_review"
    __table_args__ = (
        UniqueConstraint("language", "questionnaire_key", "questionnaire_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(16))  # a participant language code
    questionnaire_key: Mapped[str] = mapped_column(String(60))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(200))  # who checked it, as they sign
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class Recording(db.Model):
    """A person reading one participant text aloud, in one language, for one förbund.

    Kept in the database, not on disk, so every app server behind a load balancer plays
    the same recordings; `screen` is an item id or a screen name (welcome, review, ...).
    """

    __tablename__ = "recording"
    __table_args__ = (UniqueConstraint("organisation_id", "questionnaire_key",
                                       "questionnaire_version", "screen", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    questionnaire_key: Mapped[str] = mapped_column(String(60))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    screen: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(16))
    mimetype: Mapped[str] = mapped_column(String(40))
    audio: Mapped[bytes] = mapped_column(LargeBinary)
    # SHA-256 of the audio: the cache key (ETag) and a check that it arrived whole.
    checksum: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


class DataVersion(db.Model):
    """What a förbund's reports read, as one number: every committed write a report reads
    (answers submitted, enrolments, participants, insatser, sites, targets, settings,
    imports) adds one (survey/data_version.py). A kept report is served while the number
    it was made at is the current one."""

    __tablename__ = "data_version"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class JobState(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class ReportJob(db.Model):
    """A report asked for (the page's figures, PDF, Excel or CSV), made by the report
    runner beside the web workers (survey/reports/jobs.py) and kept, bytes and all, so
    that every app server can hand it out. One job per parameters and data version."""

    __tablename__ = "report_job"
    __table_args__ = (UniqueConstraint("params_hash", "data_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    # Who asked first: their limits count it (others who ask the same join it).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    # Canonical JSON (sorted keys): insatser, months, site, appendix, language, day.
    params: Mapped[str] = mapped_column(Text)
    params_hash: Mapped[str] = mapped_column(String(64))
    data_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[JobState] = mapped_column(_enum(JobState, "report_job_state"),
                                            default=JobState.queued, index=True)
    result: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(100), default="")
    filename: Mapped[str] = mapped_column(String(100), default="")
    # For the log and the runner's operator; the staff user reads a kind sentence.
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
