"""Practical tasks in the question bank: creating one and changing it from the editor.

A task is a question of the bank (docs/PRACTICAL.md); changing it goes through the bank's
own versioning (`question_revise`: a version an attempt used is kept and a new one takes
its place) and audit entry. The checks are those of the import: the kind's grader refuses
criteria it cannot grade."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.exams.models import Question, QuestionBank, QuestionVersion
from sathach.exams.services.bank import category_for, question_revise, write_version
from sathach.practical import kinds
from sathach.practical.formats import ParsedTask, make_task, task_problems


class TaskInvalid(DomainError):
    """The task cannot be stored: `problems` says why, in Vietnamese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _task(kind: str, fields: dict[str, Any]) -> ParsedTask:
    if kind not in kinds.KINDS:
        raise TaskInvalid([_("Unknown kind of practical task.")])
    task = make_task(kind=kind, **fields)
    problems = []
    if not task.text:
        problems.append(_("The task has no statement."))
    if task.module is None:
        problems.append(_("Write the category as a module and a topic: IU03/Soạn thảo."))
    if not task.data["criteria"]:
        problems.append(_("Choose at least one criterion."))
    problems += task_problems(kind, task.data)
    if problems:
        raise TaskInvalid(problems)
    return task


def task_create(*, actor: Any, bank: QuestionBank, kind: str, **fields: Any) -> Question:
    """A new practical task in `bank`: `fields` are make_task's (text, category, title,
    difficulty, starter, starter_required, criteria)."""
    task = _task(kind, fields)
    with transaction.atomic():
        question = Question.objects.create(
            bank=bank, category=category_for(bank, task.category), difficulty=task.difficulty
        )
        write_version(question=question, parsed=task, number=1, actor=actor)
        audit_log(
            actor=actor,
            action=AuditAction.QUESTIONS_IMPORTED,
            obj=question,
            unit=bank.unit,
            summary={"bank": bank.name, "imported": 1, "kind": kind},
        )
    return question


def task_revise(*, actor: Any, question: Question, **fields: Any) -> QuestionVersion:
    """Change a practical task, its kind kept: a new version when an attempt used the
    current one, the same version otherwise (question_revise)."""
    current = question.current
    if current is None or current.type not in kinds.KINDS:
        raise TaskInvalid([_("This question is not a practical task.")])
    return question_revise(actor=actor, question=question, parsed=_task(current.type, fields))
