"""Practical tasks in a test world: a task in the bank, a blueprint that draws it, a prepared
and opened session; and a stand-in grader for the tests of the plumbing (the graders of each
kind have tests of their own, on files made by LibreOffice)."""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import docx

from sathach.exams.models import (
    MODULE_CODES,
    Category,
    ExamSession,
    Question,
    QuestionBank,
    QuestionVersion,
)
from sathach.exams.services.sessions import RuleSpec
from sathach.exams.tests.factories import make_bank, make_exam
from sathach.organization.testing import World
from sathach.practical.graders.base import Criterion, Verdict


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def fake_grader(earned: dict[str, str]) -> Any:
    """A grader whose criteria `a` and `b` earn the shares given, with a reason each."""

    def grade(
        data: bytes, extension: str, specs: list[dict[str, Any]], *, starter: Any
    ) -> list[Verdict]:
        return [
            Verdict(str(s["key"]), Decimal(earned.get(str(s["key"]), "0")), f"Lý do {s['key']}")
            for s in specs
        ]

    return SimpleNamespace(
        KIND="document",
        EXTENSIONS=(".docx", ".odt"),
        CRITERIA={
            "a": Criterion("a", "Tiêu chí A"),
            "b": Criterion("b", "Tiêu chí B"),
        },
        make_starter=lambda starter: docx_bytes(*str(starter.get("text", "")).splitlines()),
        grade=grade,
        validate_specs=lambda specs: [],
    )


def add_task(
    bank: QuestionBank,
    kind: str = "document",
    *,
    module: str = "IU03",
    data: dict[str, Any] | None = None,
    text: str = "Soạn công văn theo thể thức Nghị định 30/2020.",
) -> Question:
    category, _created = Category.objects.get_or_create(
        bank=bank, path=f"{module}/Thực hành", defaults={"module": module}
    )
    question = Question.objects.create(bank=bank, category=category)
    version = QuestionVersion.objects.create(
        question=question,
        number=1,
        type=kind,
        text=text,
        data=data
        or {
            "criteria": [{"key": "a", "weight": "2"}, {"key": "b", "weight": "1"}],
            "starter": {"text": "Kính gửi: Ủy ban nhân dân các xã\nNội dung công văn."},
            "starter_required": True,
        },
        default_mark=Decimal(3),
    )
    question.current = version
    question.save(update_fields=["current"])
    return question


def practical_exam(
    world: World, kind: str = "document", data: dict[str, Any] | None = None
) -> ExamSession:
    """An open session whose form holds one question per module and one practical task,
    its review shown at once."""
    bank = QuestionBank.objects.filter(name="default").first() or make_bank()
    add_task(bank, kind, data=data)
    return make_exam(
        world,
        code="76/KH-UBND",
        rules=[*(RuleSpec(module, 1) for module in MODULE_CODES), RuleSpec("IU03", 1, kind=kind)],
        shuffle_questions=False,
        review_answers="immediately",
    )
