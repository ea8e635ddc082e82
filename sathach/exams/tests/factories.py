"""Exam test data: a small bank over the six modules, a blueprint and a prepared session."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sathach.campaigns.models import Campaign
from sathach.campaigns.tests.factories import make_campaign
from sathach.exams.formats.base import (
    Answer,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
    ParseResult,
)
from sathach.exams.models import MODULE_CODES, ExamSession, QuestionBank
from sathach.exams.services.bank import questions_import
from sathach.exams.services.sessions import (
    RuleSpec,
    blueprint_save,
    session_create,
    session_prepare,
)
from sathach.organization.models import AdministrativeUnit, Role
from sathach.organization.testing import World, make_user

TOPICS = ("Chủ đề một", "Chủ đề hai")


def single(category: str, n: int, right: int = 0) -> ParsedQuestion:
    return ParsedQuestion(
        type="single",
        title=f"{category} câu {n}",
        text=f"Câu hỏi số {n} của {category}?",
        category=category,
        answers=[
            Answer(f"Phương án {letter}", Decimal(1 if i == right else 0))
            for i, letter in enumerate("ABCD")
        ],
        tags=["difficulty:easy" if n % 2 else "difficulty:medium"],
    )


def make_bank(per_topic: int = 3, name: str = "default") -> QuestionBank:
    """Six modules, two topics each, `per_topic` single-choice questions whose right
    answer is always "Phương án A"."""
    questions = [
        single(f"{module}/{topic}", n)
        for module in MODULE_CODES
        for topic in TOPICS
        for n in range(1, per_topic + 1)
    ]
    # The bank of the test world's district (Cù Lao Dung), when there is one.
    district = AdministrativeUnit.objects.filter(code="945", level=2).first()
    questions_import(
        actor="test", result=ParseResult(questions=questions), bank_name=name, unit=district
    )
    return QuestionBank.objects.get(name=name, unit=district)


def other_types(category: str = "IU04/Công thức") -> list[ParsedQuestion]:
    return [
        ParsedQuestion(
            type="multiple",
            text="Chọn các phần mềm bảng tính",
            category=category,
            answers=[
                Answer("Excel", Decimal("0.5")),
                Answer("Calc", Decimal("0.5")),
                Answer("Word", Decimal("-0.5")),
                Answer("Paint", Decimal("-0.5")),
            ],
        ),
        ParsedQuestion(type="truefalse", text="Ô A1 ở cột A", category=category, truefalse=True),
        ParsedQuestion(
            type="shortanswer",
            text="Gõ kiểu Telex: 'dd' cho ra chữ gì?",
            category=category,
            answers=[Answer("đ", Decimal(1))],
        ),
        ParsedQuestion(
            type="numerical",
            text="=SUM(2;3;5) cho kết quả?",
            category=category,
            numerical=[NumericalAnswer(Decimal(10))],
        ),
        ParsedQuestion(
            type="matching",
            text="Ghép phím tắt",
            category=category,
            pairs=[MatchPair("Ctrl+C", "Sao chép"), MatchPair("Ctrl+V", "Dán")],
        ),
    ]


def make_exam(
    world: World,
    *,
    status: str = Campaign.Status.TESTING,
    per_rule: int = 2,
    session_status: str = ExamSession.Status.OPEN,
    code: str = "75/KH-UBND",
    rules: list[RuleSpec] | None = None,
    **blueprint: Any,
) -> ExamSession:
    """A campaign in testing with a blueprint of `per_rule` questions per module (or the
    `rules` given) and a prepared session of its two leaders (the Đại Ân 1 chairman has an
    account; the An Thạnh 1 chairman is given one)."""
    campaign = make_campaign(world, status=status, code=code)
    bank = QuestionBank.objects.filter(name="default").first() or make_bank()
    blueprint_save(
        actor=world.district_admin,
        campaign=campaign,
        bank=bank,
        rules=rules or [RuleSpec(module, per_rule) for module in MODULE_CODES],
        **blueprint,
    )
    chairman = world.an_thanh_1_chairman
    if chairman.user_id is None:
        chairman.user = make_user(
            "31618.binhnv", Role.EXAMINEE, world.an_thanh_1, full_name=chairman.full_name
        )
        chairman.save()
    now = timezone.now()
    session = session_create(
        actor=world.district_admin,
        campaign=campaign,
        name="Ca 1",
        room="Phòng máy UBND huyện",
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(minutes=30),
        proctor=world.proctor,
        examinees=[world.leader_person, chairman],
    )
    session_prepare(actor=world.district_admin, session=session, seed=1)
    if session_status != ExamSession.Status.SCHEDULED:
        ExamSession.objects.filter(pk=session.pk).update(status=session_status)
        session.refresh_from_db()
    return session
