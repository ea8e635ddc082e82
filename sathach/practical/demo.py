"""The demo bank's practical tasks: twelve tasks of a commune office (four documents, four
spreadsheets, two presentations, two Vietnamese typing passages), shipped as data in
data/demo-tasks.json and loaded into a bank once, so that the demo's practice round can
draw them (docs/PRACTICAL.md, "The demo")."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.exams.models import Category, Question, QuestionBank, QuestionVersion
from sathach.practical import kinds

TASKS_FILE = Path(__file__).resolve().parent / "data" / "demo-tasks.json"
# The marks of a task: a file task is worth a good part of its module, typing less.
FILE_MARK = Decimal(5)
TYPING_MARK = Decimal(2)


def demo_tasks() -> list[dict[str, Any]]:
    """The shipped tasks as written in the data file."""
    tasks: list[dict[str, Any]] = json.loads(TASKS_FILE.read_text("utf-8"))["tasks"]
    return tasks


def task_data(task: dict[str, Any]) -> dict[str, Any]:
    """The question version's data of a shipped task (what its grader reads)."""
    return {
        "criteria": task["criteria"],
        "starter": task.get("starter") or {},
        "starter_required": bool(task.get("starter_required")),
    }


def task_problems(task: dict[str, Any]) -> list[str]:
    """Why a shipped task cannot go into a bank (empty: it can): its kind, module and
    category, its criteria as its grader validates them, and the starter of a file task
    that requires one."""
    kind = str(task.get("kind", ""))
    if kind not in kinds.KINDS:
        return [_("“%(kind)s” is not a kind of practical task.") % {"kind": kind}]
    module = str(task.get("module", ""))
    if not str(task.get("category", "")).startswith(f"{module}/"):
        return [_("The category must begin with the module %(module)s.") % {"module": module}]
    if not str(task.get("statement", "")).strip():
        return [_("The task has no statement.")]
    data = task_data(task)
    problems = list(kinds.validate(kind, data))
    if kinds.starter_wanted(kind, data) and kinds.starter_file(kind, data) is None:
        problems.append(_("The task requires its starter file, and the starter makes none."))
    return problems


def _existing(bank: QuestionBank) -> set[tuple[str, str]]:
    """The kinds and titles of the practical tasks already in the bank (any version)."""
    versions = QuestionVersion.objects.filter(question__bank=bank, type__in=kinds.KINDS)
    return set(versions.values_list("type", "title"))


def demo_tasks_load(bank: QuestionBank, *, tasks: list[dict[str, Any]] | None = None) -> int:
    """Create the shipped practical tasks in `bank` as questions of their categories, each
    with its version 1; a task already there (same kind and title) is not added again.
    Every task is validated first: one that does not validate refuses the whole load,
    naming it. Returns the number of tasks added (one audit entry when any)."""
    tasks = demo_tasks() if tasks is None else tasks
    for task in tasks:
        problems = task_problems(task)
        if problems:
            raise DomainError(
                _("%(file)s: the task “%(task)s” is not valid: %(problems)s")
                % {
                    "file": TASKS_FILE.name,
                    "task": task.get("title") or task.get("key"),
                    "problems": " ".join(problems),
                }
            )
    with transaction.atomic():
        existing = _existing(bank)
        added: dict[str, int] = {}
        for task in tasks:
            kind, title = task["kind"], nfc(task["title"])
            if (kind, title) in existing:
                continue
            category, _created = Category.objects.get_or_create(
                bank=bank, path=nfc(task["category"]), defaults={"module": task["module"]}
            )
            question = Question.objects.create(
                bank=bank, category=category, difficulty=task.get("difficulty") or "medium"
            )
            version = QuestionVersion.objects.create(
                question=question,
                number=1,
                type=kind,
                title=title,
                text=task["statement"],
                data=task_data(task),
                default_mark=TYPING_MARK if kind == "typing" else FILE_MARK,
                shuffle=False,
            )
            question.current = version
            question.save(update_fields=["current"])
            existing.add((kind, title))
            added[kind] = added.get(kind, 0) + 1
        if added:
            audit_log(
                actor="demo",
                action=AuditAction.QUESTIONS_IMPORTED,
                obj=bank,
                summary={
                    "bank": bank.name,
                    "source": TASKS_FILE.name,
                    "imported": sum(added.values()),
                    "by_type": added,
                },
            )
    return sum(added.values())
