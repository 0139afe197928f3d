"""`flask --app wsgi demo`: a demo förbund to try Stegvis with. Safe to run again."""

from __future__ import annotations

import datetime as dt
import random
import secrets

import click
from argon2 import PasswordHasher
from sqlalchemy import select

from analysis.due import FOLLOWUP_DUE_DAYS, add_months
from analysis.targets import OUTCOME_ITEM
from questionnaires.vocabulary import followup_occasion

from . import invitations, participants
from .extensions import db
from .models import (
    Answer,
    BornAbroad,
    Enrolment,
    ExitOutcome,
    Gender,
    Insats,
    Invitation,
    Occasion,
    Organisation,
    Participant,
    Response,
    Role,
    Site,
    Target,
    TargetKind,
    User,
)

ORGANISATION = "Samordningsförbundet Demo"
INSATS = "Vägen framåt"
# Participants are told how to reach the förbund about their data (docs/privacy.md).
PRIVACY_CONTACT = "dataskydd@demo.stegvis.local, 0500-12 34 56"
SITES = ("Skövde", "Tibro")
STAFF = (
    ("admin@demo.stegvis.local", "Anna Admin", Role.admin),
    ("handledare@demo.stegvis.local", "Hanna Handledare", Role.handledare),
)
# Codes in the format Stegvis makes (participants.new_code), fixed so a rerun finds them;
# (code, gender, born, born abroad, site, enrolled how many days ago): D-3096 starts today,
# so the demo shows both självskattning versions: the newest for her, the one D-0427 and
# D-1853 started with for them (an enrolment keeps its version).
PARTICIPANTS = (
    ("D-0427", Gender.kvinna, 1991, BornAbroad.nej, "Skövde", 60),
    ("D-1853", Gender.man, 1984, BornAbroad.ja, "Tibro", 60),
    ("D-3096", Gender.kvinna, 1978, BornAbroad.ja, "Skövde", 0),
)
# Which surveys each demo participant is handed: (questionnaire key, occasion).
SURVEYS = (("sjalvskattning", "start"), ("finsam-indikatorer", "pagaende"))
TARGETS = (("nytta", "avslut", 0.9), ("planering", "avslut", 0.9), ("redo", "avslut", 0.7))
# Participants with answers, so that reports have something to show: the last ONGOING of
# them are still enrolled (a board report hides the ended when 1 to 4 are still enrolled,
# since enrolled - ended would tell them).
HISTORY = 40
ONGOING = 8
# Their codes: drawn once, like Stegvis draws codes, never one of PARTICIPANTS'.
HISTORY_CODES = tuple(f"D-{number:04d}" for number in random.Random(22).sample(  # noqa: S311
    sorted(set(range(10_000)) - {int(code[2:]) for code, *_rest in PARTICIPANTS}), HISTORY))
# Follow-ups after exit (issue 24): besides the history's recently ended, these ended 13
# to 19 months ago, so the demo has 6- and 12-month follow-ups answered, due and not
# reached. Their codes: drawn like the history's, never one of theirs.
FOLLOWED = 24
FOLLOWED_CODES = tuple(f"D-{number:04d}" for number in random.Random(24).sample(  # noqa: S311
    sorted(set(range(10_000)) - {int(code[2:]) for code, *_rest in PARTICIPANTS}
           - {int(code[2:]) for code in HISTORY_CODES}), FOLLOWED))
# What the ended do at a follow-up and live on, by what they went to at exit (most stay).
STILL_THERE = 0.65
INCOME_OF = {"arbete": "lon", "studier": "studiemedel"}
OTHER_INCOME = ("forsorjningsstod", "sjukpenning", "aktivitetsersattning", "arbetsformedlingen",
                "sjukersattning", "ingen")
# Exit outcomes drawn with weights like a förbund's year (seed 000's shares, roughly).
OUTCOME_WEIGHTS = ((ExitOutcome.arbete, 4), (ExitOutcome.studier, 2),
                   (ExitOutcome.arbetssokande, 4),
                   (ExitOutcome.arbetslivsinriktad_rehabilitering, 3),
                   (ExitOutcome.medicinsk_rehabilitering, 2), (ExitOutcome.annat, 1))


def _get_or_add(model, **where):  # type: ignore[no-untyped-def]
    found = db.session.scalar(select(model).filter_by(**where))
    if found is None:
        found = model(**where)
        db.session.add(found)
        db.session.flush()
    return found


@click.command("demo")
def demo() -> None:
    """Create the demo förbund, insats, staff and participants; print logins and links."""
    organisation = _get_or_add(Organisation, name=ORGANISATION)
    organisation.privacy_contact = organisation.privacy_contact or PRIVACY_CONTACT
    insats = _get_or_add(Insats, organisation_id=organisation.id, name=INSATS)
    insats.start_date = insats.start_date or dt.date.today().replace(month=1, day=1)
    sites = {name: _get_or_add(Site, insats_id=insats.id, name=name) for name in SITES}
    if not insats.targets:
        insats.targets = [Target(item_id=item, occasion=Occasion(occasion), threshold=threshold)
                          for item, occasion, threshold in TARGETS]
        # The FINSAM goal the seeds report: a quarter of those who end go to work or studies.
        insats.targets.append(Target(questionnaire_key="", item_id=OUTCOME_ITEM,
                                     occasion=Occasion.avslut, threshold=0.25,
                                     kind=TargetKind.outcome))

    hasher = PasswordHasher()
    click.echo("Demo-inloggning för personal (lösenorden är nya varje gång demo körs):")
    for email, name, role in STAFF:
        password = secrets.token_urlsafe(9)
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, organisation_id=organisation.id, name=name, role=role)
            db.session.add(user)
        user.password_hash = hasher.hash(password)
        if role is Role.handledare and insats not in user.insatser:
            user.insatser.append(insats)
        click.echo(f"  {role.value:<11} {email}  lösenord: {password}")

    click.echo("Demo-länkar för deltagare:")
    for code, gender, year, abroad, site_name, days_ago in PARTICIPANTS:
        enrolment = participants.find_or_enrol(
            insats, code, participants.Person(gender, year, abroad), sites[site_name],
            dt.date.today() - dt.timedelta(days=days_ago)).enrolment
        db.session.flush()
        for key, occasion in SURVEYS:
            questionnaire = invitations.questionnaire_for(enrolment, key)
            token = invitations.create(enrolment, questionnaire, occasion)
            link = invitations.public_link(token)
            click.echo(f"  {code}  {questionnaire.ident:<22} {occasion:<9} {link}")
    _history(organisation, insats, list(sites.values()))
    _followed(insats, list(sites.values()))
    counts = _followups(organisation, insats)
    if counts:
        click.echo("Uppföljningar efter avslut: {besvarad} besvarade, {aktuell} aktuella nu, "
                   "{ej_nadd} nåddes inte.".format(**counts))
    db.session.commit()


def _history(organisation, insats, sites) -> None:  # type: ignore[no-untyped-def]
    """Demo participants with start and avslut answers, the last ONGOING still enrolled
    with only a start answer (made once, seeded)."""
    if db.session.scalar(select(Participant).where(Participant.pseudonym == HISTORY_CODES[0])):
        return
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    today = dt.date.today()
    for number, code in enumerate(HISTORY_CODES, start=1):
        start = today - dt.timedelta(days=rng.randint(200, 400))
        end = start + dt.timedelta(days=rng.randint(120, 180))
        enrolment = participants.find_or_enrol(
            insats, code, participants.Person(
                gender=rng.choice([Gender.kvinna, Gender.kvinna, Gender.man, Gender.man,
                                   Gender.annat]),
                birth_year=rng.randint(1965, 2004),
                born_abroad=rng.choice([BornAbroad.ja, BornAbroad.nej])),
            rng.choice(sites), start, ["forsorjningsstod"]).enrolment
        gain = rng.choice([0, 1, 1, 2])
        plan: tuple = (("sjalvskattning", "start", start, lambda r: r.randint(1, 4)),)
        if number <= HISTORY - ONGOING:
            enrolment.end_date = end
            outcomes, weights = zip(*OUTCOME_WEIGHTS, strict=True)
            enrolment.exit_outcome = rng.choices(outcomes, weights)[0]
            enrolment.income_exit = [rng.choice(["lon", "studiemedel", "forsorjningsstod"])]
            plan += (
                ("sjalvskattning", "avslut", end, lambda r, g=gain: min(6, r.randint(2, 4) + g)),
                ("finsam-indikatorer", "avslut", end,
                 lambda r: r.choice([4, 4, 4, 3, 3, 2, None])),
            )
        for key, occasion, day, value in plan:
            questionnaire = invitations.questionnaire_for(enrolment, key)
            _answered(enrolment, questionnaire, occasion, day, rng, lambda _item, v=value: v(rng))


def _answered(enrolment, questionnaire, occasion, day, rng, value) -> Invitation:  # type: ignore[no-untyped-def]
    """An invitation answered on `day`, `value(item)` to each item."""
    invitations.create(enrolment, questionnaire, occasion)
    invitation = enrolment.invitations[-1]
    at = dt.datetime.combine(day, dt.time(10, 0))
    response = Response(invitation=invitation, language="sv", easy=rng.random() < 0.3,
                        started_at=at, updated_at=at, submitted_at=at)
    response.answers = [Answer(item_id=item.id, value=value(item))
                        for item in questionnaire.items]
    db.session.add(response)
    return invitation


def _followed(insats, sites) -> None:  # type: ignore[no-untyped-def]
    """FOLLOWED participants who ended 13 to 19 months ago, with start and avslut answers
    (made once, seeded)."""
    if db.session.scalar(select(Participant).where(Participant.pseudonym == FOLLOWED_CODES[0])):
        return
    rng = random.Random(2024)  # noqa: S311 - demo data, not security
    today = dt.date.today()
    outcomes, weights = zip(*OUTCOME_WEIGHTS, strict=True)
    for code in FOLLOWED_CODES:
        end = today - dt.timedelta(days=rng.randint(380, 580))
        start = end - dt.timedelta(days=rng.randint(120, 240))
        enrolment = participants.find_or_enrol(
            insats, code, participants.Person(
                gender=rng.choice([Gender.kvinna, Gender.man]), birth_year=rng.randint(1965, 2004),
                born_abroad=rng.choice([BornAbroad.ja, BornAbroad.nej])),
            rng.choice(sites), start, ["forsorjningsstod"]).enrolment
        enrolment.end_date = end
        enrolment.exit_outcome = rng.choices(outcomes, weights)[0]
        enrolment.income_exit = [INCOME_OF.get(enrolment.exit_outcome, "forsorjningsstod")]
        gain = rng.choice([0, 1, 1, 2])
        for occasion, day in (("start", start), ("avslut", end)):
            questionnaire = invitations.questionnaire_for(enrolment, "sjalvskattning")
            _answered(enrolment, questionnaire, occasion, day, rng,
                      lambda _item, g=(gain if occasion == "avslut" else 0):
                      min(6, rng.randint(1, 4) + g))
        questionnaire = invitations.questionnaire_for(enrolment, "finsam-indikatorer")
        _answered(enrolment, questionnaire, "avslut", end, rng,
                  lambda _item: rng.choice([4, 4, 4, 3, 3, 2, None]))


def _followups(organisation, insats) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Every follow-up point that has come for the insats's ended: most answered once past
    (what the person does now mostly what they went to at exit), some sent and some not
    yet sent while due, the rest not reached (made once, seeded)."""
    asked = select(Invitation.id).join(Enrolment).where(
        Enrolment.insats_id == insats.id, Invitation.occasion == Occasion.uppfoljning)
    if db.session.scalar(asked.limit(1)) is not None:
        return {}
    rng = random.Random(6)  # noqa: S311 - demo data, not security
    today = dt.date.today()
    counts = {"besvarad": 0, "aktuell": 0, "ej_nadd": 0}
    ended = db.session.scalars(select(Enrolment).where(
        Enrolment.insats_id == insats.id, Enrolment.exit_outcome.is_not(None))
        .order_by(Enrolment.id))
    for enrolment in ended:
        questionnaire = invitations.questionnaire_for(enrolment, "uppfoljning")
        for months in organisation.followup_months:
            point = add_months(enrolment.end_date, months)
            if point > today:
                continue
            occasion = followup_occasion(months)
            due = (today - point).days <= FOLLOWUP_DUE_DAYS
            fate = rng.random()
            if fate < (0.3 if due else 0.7):
                day = point + dt.timedelta(days=rng.randint(0, min((today - point).days, 30)))
                answers = _followup_answers(questionnaire, str(enrolment.exit_outcome), rng)
                invitation = _answered(enrolment, questionnaire, occasion, day, rng,
                                       lambda item, given=answers: given[item.id])
                invitation.created_at = dt.datetime.combine(day, dt.time(9, 0))
                counts["besvarad"] += 1
                continue
            counts["aktuell" if due else "ej_nadd"] += 1
            if fate < 0.85:
                # Sent, not (yet) answered: its link still works while due, else ran out.
                invitations.create(enrolment, questionnaire, occasion)
                sent = dt.datetime.combine(point + dt.timedelta(days=rng.randint(0, 3)),
                                           dt.time(9, 0))
                invitation = enrolment.invitations[-1]
                invitation.created_at = sent
                invitation.expires_at = sent + dt.timedelta(days=organisation.followup_link_days)
    return counts


def _followup_answers(questionnaire, outcome: str, rng: random.Random) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    """A follow-up's answers: what the person does now (mostly what they went to at exit),
    what they mostly live on, and whether the support still helps."""
    items = {item.id: item for item in questionnaire.items}
    doing = {choice.means: choice.value for choice in items["sysselsattning"].choices}
    incomes = {choice.means: choice.value for choice in items["forsorjning"].choices}
    now = outcome if outcome in doing and rng.random() < STILL_THERE else rng.choice(list(doing))
    income = INCOME_OF.get(now) if rng.random() < 0.8 else None
    return {"sysselsattning": None if rng.random() < 0.05 else doing[now],
            "forsorjning": incomes[income or rng.choice(OTHER_INCOME)],
            "stod_hjalper": rng.choice([4, 4, 3, 3, 3, 2, 1, None])}
