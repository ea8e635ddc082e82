"""The question bank: storing parsed questions, revising them in versions, exporting them."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.exams.formats.base import (
    Answer,
    Image,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
    ParseResult,
)
from sathach.exams.models import (
    DEFAULT_BANK,  # the command line's default, re-exported
    PRACTICAL,
    AttemptItem,
    Category,
    Question,
    QuestionBank,
    QuestionImage,
    QuestionVersion,
)
from sathach.practical.formats import ParsedTask


def _decimal_text(value: Decimal) -> str:
    """A weight as text without a trailing exponent or zeros ("0.5", "1", "-0.3333333")."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def question_data(question: ParsedQuestion) -> dict[str, Any]:
    """The key and feedback of a parsed question as stored in `QuestionVersion.data` (a
    practical task's criteria and starter, docs/PRACTICAL.md)."""
    if isinstance(question, ParsedTask):
        return dict(question.data)
    data: dict[str, Any] = {}
    if question.answers:
        data["answers"] = [
            {"text": a.text, "fraction": _decimal_text(a.fraction), "feedback": a.feedback}
            for a in question.answers
        ]
    if question.numerical:
        data["numerical"] = [
            {
                "value": _decimal_text(n.value),
                "tolerance": _decimal_text(n.tolerance),
                "fraction": _decimal_text(n.fraction),
                "feedback": n.feedback,
            }
            for n in question.numerical
        ]
    if question.pairs:
        data["pairs"] = [{"prompt": p.prompt, "answer": p.answer} for p in question.pairs]
    if question.truefalse is not None:
        data["truefalse"] = question.truefalse
        data["truefalse_feedback"] = list(question.truefalse_feedback)
    if question.general_feedback:
        data["general_feedback"] = question.general_feedback
    return data


def version_to_parsed(version: QuestionVersion) -> ParsedQuestion:
    """A stored version back in the formats' terms, for export and for editing."""
    data = version.data
    if version.type in PRACTICAL:
        return ParsedTask(
            type=version.type,  # type: ignore[arg-type]
            text=version.text,
            title=version.title,
            category=version.question.category.path,
            default_mark=version.default_mark,
            tags=list(version.tags),
            data=dict(data),
        )
    feedback = data.get("truefalse_feedback") or ["", ""]
    return ParsedQuestion(
        type=version.type,  # type: ignore[arg-type]
        text=version.text,
        title=version.title,
        text_format=version.text_format,  # type: ignore[arg-type]
        category=version.question.category.path,
        answers=[
            Answer(a["text"], Decimal(a["fraction"]), a.get("feedback", ""))
            for a in data.get("answers", [])
        ],
        numerical=[
            NumericalAnswer(
                Decimal(n["value"]),
                Decimal(n.get("tolerance", "0")),
                Decimal(n.get("fraction", "1")),
                n.get("feedback", ""),
            )
            for n in data.get("numerical", [])
        ],
        pairs=[MatchPair(p["prompt"], p["answer"]) for p in data.get("pairs", [])],
        truefalse=data.get("truefalse"),
        truefalse_feedback=(feedback[0], feedback[1]),
        general_feedback=data.get("general_feedback", ""),
        default_mark=version.default_mark,
        shuffle=version.shuffle,
        tags=list(version.tags),
        images=[Image(i.name, i.file.read()) for i in version.images.all()],
    )


def category_for(bank: QuestionBank, path: str) -> Category:
    path = path.strip("/ ") or _("Uncategorised")
    probe = ParsedQuestion(type="single", text="", category=path)
    category, _created = Category.objects.get_or_create(
        bank=bank, path=path, defaults={"module": probe.module or ""}
    )
    return category


def write_version(
    *, question: Question, parsed: ParsedQuestion, number: int, actor: Any
) -> QuestionVersion:
    version = QuestionVersion.objects.create(
        question=question,
        number=number,
        type=parsed.type,
        title=parsed.title[:255],
        text=parsed.text,
        text_format=parsed.text_format,
        data=question_data(parsed),
        default_mark=parsed.default_mark,
        shuffle=parsed.shuffle,
        tags=parsed.tags,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for image in parsed.images:
        digest = hashlib.sha256(image.content).hexdigest()[:16]
        stored = QuestionImage(version=version, name=image.name)
        stored.file.save(f"{digest}-{image.name[-60:]}", ContentFile(image.content), save=False)
        stored.save()
    question.current = version
    question.save(update_fields=["current"])
    return version


@dataclass
class ImportSummary:
    imported: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    warnings: list[dict[str, object]] = field(default_factory=list)
    errors: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "imported": self.imported,
            "by_type": self.by_type,
            "categories": self.categories,
            "warnings": self.warnings,
            "errors": self.errors,
        }


def import_summary(result: ParseResult, *, stored: bool) -> ImportSummary:
    """What an import did (or, on a dry run, would do): counts by type, categories."""
    if result.errors:
        return ImportSummary(
            warnings=[w.as_json() for w in result.warnings],
            errors=[e.as_json() for e in result.errors],
        )
    counts = Counter(str(q.type) for q in result.questions)
    categories: list[str] = []
    for question in result.questions:
        if question.category and question.category not in categories:
            categories.append(question.category)
    return ImportSummary(
        imported=len(result.questions) if stored else 0,
        by_type=dict(counts),
        categories=categories,
        warnings=[w.as_json() for w in result.warnings],
    )


def questions_import(
    *,
    actor: Any,
    result: ParseResult,
    bank_name: str = DEFAULT_BANK,
    source: str = "",
    unit: Any = None,
) -> ImportSummary:
    """Store every parsed question in the bank `bank_name` of `unit` (the installation's
    when None), or none: a result with errors stores nothing."""
    if result.errors:
        return import_summary(result, stored=False)
    if unit is None and getattr(actor, "is_authenticated", False) and not actor.is_superuser:
        raise DomainError(_("Only a superuser changes the banks of the whole system."))
    with transaction.atomic():
        bank, _created = QuestionBank.objects.get_or_create(name=nfc(bank_name), unit=unit)
        for parsed in result.questions:
            category = category_for(bank, parsed.category)
            question = Question.objects.create(
                bank=bank, category=category, difficulty=parsed.difficulty
            )
            write_version(question=question, parsed=parsed, number=1, actor=actor)
        summary = import_summary(result, stored=True)
        audit_log(
            actor=actor,
            action=AuditAction.QUESTIONS_IMPORTED,
            obj=bank,
            summary={
                "bank": bank.name,
                "source": source,
                "imported": summary.imported,
                "by_type": summary.by_type,
            },
        )
    return summary


def question_revise(*, actor: Any, question: Question, parsed: ParsedQuestion) -> QuestionVersion:
    """Change a question. A version that an attempt has used is kept as it is and a new
    version takes its place; an unused current version is changed in place."""
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        current = question.current
        question.category = category_for(question.bank, parsed.category or question.category.path)
        question.difficulty = parsed.difficulty
        question.save(update_fields=["category", "difficulty"])
        used = current is not None and AttemptItem.objects.filter(version=current).exists()
        if current is not None and not used:
            number = current.number
            current.delete()
        else:
            top = question.versions.aggregate(top=Max("number"))["top"] or 0
            number = top + 1
        version = write_version(question=question, parsed=parsed, number=number, actor=actor)
        audit_log(
            actor=actor,
            action=AuditAction.QUESTION_REVISED,
            obj=question,
            unit=question.bank.unit,
            summary={"version": version.number, "new_version": used},
        )
    return version


def question_set_active(*, actor: Any, question: Question, active: bool) -> None:
    with transaction.atomic():
        question.is_active = active
        question.save(update_fields=["is_active"])
        audit_log(
            actor=actor,
            action=AuditAction.QUESTION_REVISED,
            obj=question,
            unit=question.bank.unit,
            summary={"active": active},
        )


def questions_export(
    *, bank: QuestionBank, leave_out: set[int] | None = None
) -> list[ParsedQuestion]:
    """The current version of every question of `bank` in use, in category order, less the
    questions `leave_out` names (those still on a test that is not over)."""
    versions = (
        QuestionVersion.objects.filter(question__bank=bank, question__is_active=True)
        .filter(question__current_id=F("pk"))
        .select_related("question__category")
        .prefetch_related("images")
        .order_by("question__category__path", "question_id")
    )
    if leave_out:
        versions = versions.exclude(question_id__in=leave_out)
    return [version_to_parsed(version) for version in versions]


def bank_named(name: str, unit: Any = None) -> QuestionBank:
    """For the command line: the bank of that name in `unit`, or, without a unit, the only
    bank of that name (the installation's when several units have one)."""
    banks = QuestionBank.objects.filter(name=nfc(name))
    if unit is not None:
        banks = banks.filter(unit=unit)
    elif banks.count() > 1:
        banks = banks.filter(unit__isnull=True)
    bank = banks.first()
    if bank is None:
        raise DomainError(_("There is no question bank named %(name)s.") % {"name": name})
    return bank


def bank_copy(
    *, actor: Any, bank: QuestionBank, unit: Any, name: str, leave_out: set[int]
) -> QuestionBank:
    """Copy the questions in use of a bank the actor reads into a new bank of `unit` (the
    current version of each, pictures included), less those still on a test not over."""
    name = nfc(name).strip()
    if not name:
        raise DomainError(_("Give the new bank a name."))
    if QuestionBank.objects.filter(unit=unit, name=name).exists():
        raise DomainError(_("Your unit already has a bank named %(name)s.") % {"name": name})
    questions = questions_export(bank=bank, leave_out=leave_out)
    with transaction.atomic():
        questions_import(
            actor=actor,
            result=ParseResult(questions=questions),
            bank_name=name,
            source=f"{bank.name} ({bank.unit.name if bank.unit else '*'})",
            unit=unit,
        )
        copy = QuestionBank.objects.get(unit=unit, name=name)
    return copy


def bank_set_shared(*, actor: Any, bank: QuestionBank, shared: bool) -> QuestionBank:
    """Let the units below and beside read and copy the bank, or stop them."""
    with transaction.atomic():
        bank.shared = shared
        bank.save(update_fields=["shared"])
        audit_log(
            actor=actor,
            action=AuditAction.QUESTION_BANK_SHARED,
            obj=bank,
            summary={"bank": bank.name, "shared": shared},
        )
    return bank
