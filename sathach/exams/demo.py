"""The demo's IT-skills test: the shipped bank of questions (TT 03/2014 modules IU01 to IU06)
with the shipped practical tasks, the campaign's blueprint and one session with every demo
leader, forms drawn."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sathach.campaigns.models import Campaign
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.exams.formats.gift import read_gift
from sathach.exams.models import MODULE_CODES, ExamSession, QuestionBank
from sathach.exams.services.bank import DEFAULT_BANK, questions_import
from sathach.exams.services.sessions import (
    RuleSpec,
    blueprint_save,
    session_create,
    session_prepare,
)
from sathach.organization.demo import DEMO_PASSWORD
from sathach.organization.models import LEADER_POSITIONS, Membership, Person, Role, User
from sathach.organization.services import examinee_username
from sathach.practical.demo import demo_tasks_load

BANK_FILE = Path(__file__).resolve().parent / "data" / "bank-tt03.gift"
QUESTIONS_PER_MODULE = 5
DURATION_MINUTES = 45
# The practice round's practical lines (docs/PRACTICAL.md, "The demo"): one document, one
# spreadsheet and one typing passage beside the questions, with the time they take.
PRACTICAL_RULES = (("IU03", "document"), ("IU04", "spreadsheet"), ("IU01", "typing"))
PRACTICAL_MINUTES = 30


def demo_bank_load(unit: Any) -> QuestionBank:
    """The shipped bank, imported once into the default bank of `unit` (the district), with
    the shipped practical tasks (added once too)."""
    bank = QuestionBank.objects.filter(name=DEFAULT_BANK, unit=unit).first()
    if bank is not None and bank.questions.exists():
        demo_tasks_load(bank)
        return bank
    result = read_gift(BANK_FILE.read_text("utf-8"))
    if result.errors:
        raise DomainError(f"{BANK_FILE}: {result.errors[0].message} (line {result.errors[0].line})")
    questions_import(
        actor="demo", result=result, bank_name=DEFAULT_BANK, source=BANK_FILE.name, unit=unit
    )
    bank = QuestionBank.objects.get(name=DEFAULT_BANK, unit=unit)
    demo_tasks_load(bank)
    return bank


def _examinee_accounts(campaign: Campaign) -> None:
    """Every demo leader gets an examinee account with the demo password, so that any of
    them can take the test in `make run` (a real district issues one-time passwords)."""
    leaders = Person.objects.filter(
        unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS, user__isnull=True
    ).select_related("unit")
    password = make_password(DEMO_PASSWORD)
    created = []
    for person in leaders:
        user = User.objects.create(
            username=examinee_username(person), full_name=person.full_name, password=password
        )
        Membership.objects.create(user=user, role=Role.EXAMINEE, unit=person.unit)
        person.user = user
        person.save(update_fields=["user"])
        created.append(user.username)
    if created:
        audit_log(
            actor="demo",
            action=AuditAction.DEMO_LOADED,
            unit=campaign.issuing_unit,
            summary={"examinee_accounts": created},
        )


def demo_exam_load(
    *,
    campaign: Campaign,
    seed: int = 2020,
    admin_name: str = "noivu.admin",
    proctor_name: str = "giamthi",
    session_name: str = "Ca 1 — Lãnh đạo UBND các xã, thị trấn",
    room: str = "Phòng máy UBND huyện Cù Lao Dung",
    practical: bool = False,
) -> ExamSession:
    """The blueprint (5 questions per module, 45 minutes, pass mark 50%; with `practical`,
    also one document, one spreadsheet and one typing task, 30 minutes more) and a session
    open for starts from now for a week, with the forms drawn. Kept when it exists."""
    existing = ExamSession.objects.filter(campaign=campaign).first()
    if existing is not None:
        return existing
    admin = User.objects.get(username=admin_name)
    proctor = User.objects.filter(username=proctor_name).first()
    with transaction.atomic():
        bank = demo_bank_load(campaign.unit)
        blueprint_save(
            actor=admin,
            campaign=campaign,
            bank=bank,
            rules=[
                *(RuleSpec(module, QUESTIONS_PER_MODULE) for module in MODULE_CODES),
                *(
                    RuleSpec(module, 1, kind=kind)
                    for module, kind in (PRACTICAL_RULES if practical else ())
                ),
            ],
            duration_minutes=DURATION_MINUTES + (PRACTICAL_MINUTES if practical else 0),
        )
        _examinee_accounts(campaign)
        opens = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        session = session_create(
            actor=admin,
            campaign=campaign,
            name=session_name,
            room=room,
            opens_at=opens,
            closes_at=opens + datetime.timedelta(days=7),
            proctor=proctor,
        )
        session_prepare(actor=admin, session=session, seed=seed)
    return session
