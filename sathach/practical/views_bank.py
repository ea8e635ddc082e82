"""The question bank's pages of a practical task: adding one, its editor, its starter for
the author, and the Excel template with the practical sheets. The permissions are the
question editor's (exams/banks.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sathach.exams import formats
from sathach.exams.banks import banks_managed_by, get_question_for_user
from sathach.exams.models import QuestionType
from sathach.exams.selectors import questions_in_open_attempts
from sathach.organization.permissions import Perm, require_perm
from sathach.practical import kinds
from sathach.practical.bank import TaskInvalid, task_create, task_revise
from sathach.practical.formats import MODULE_OF
from sathach.practical.forms import TaskForm
from sathach.practical.task_text import number_text, starter_text, value_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STARTER_TYPES = {
    "document": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "spreadsheet": (XLSX, "xlsx"),
    "presentation": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
}


def _kind_choices() -> list[tuple[str, str]]:
    labels = dict(QuestionType.choices)
    return [(kind, str(labels[kind])) for kind in kinds.KINDS]


def _save(form: TaskForm, save: Callable[[], None]) -> bool:
    """Run the service; its refusals go to the form's top."""
    try:
        save()
    except TaskInvalid as error:
        for problem in error.problems:
            form.add_error(None, problem)
        return False
    return True


@require_perm(Perm.MANAGE_EXAMS)
def task_add(request: HttpRequest) -> HttpResponse:
    """Choose the kind, then fill the editor; the task goes to a bank the user manages."""
    bank = get_object_or_404(banks_managed_by(request.user), pk=request.GET.get("bank"))
    kind = request.GET.get("kind", "")
    if kind not in kinds.KINDS:
        return render(request, "practical/task_kind.html", {"bank": bank, "kinds": _kind_choices()})
    form = TaskForm(request.POST or None, kind=kind, initial={"module": MODULE_OF[kind]})
    created: list[int] = []

    def save() -> None:
        question = task_create(actor=request.user, bank=bank, kind=kind, **form.task_fields())
        created.append(question.pk)

    if request.method == "POST" and form.is_valid() and _save(form, save):
        messages.success(request, _("The practical task was added to the bank."))
        return redirect("question-detail", created[0])
    return render(
        request,
        "practical/task_edit.html",
        {"form": form, "bank": bank, "kind_label": dict(_kind_choices())[kind], "question": None},
    )


@require_perm(Perm.MANAGE_EXAMS)
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor of a practical task of a bank the user manages. A version an attempt used
    is kept and a new one is made."""
    question = get_question_for_user(request.user, pk, manage=True)
    version = question.current
    if version is None or version.type not in kinds.KINDS:
        raise Http404
    if questions_in_open_attempts([question.pk]):
        messages.error(
            request,
            _(
                "This question is on a test that is not over yet: its key cannot be shown or "
                "changed until every session holding it is closed."
            ),
        )
        return redirect("question-detail", question.pk)
    form = TaskForm(request.POST or None, kind=version.type, version=version)
    saved: list[int] = []

    def save() -> None:
        saved.append(
            task_revise(actor=request.user, question=question, **form.task_fields()).number
        )

    if request.method == "POST" and form.is_valid() and _save(form, save):
        messages.success(request, _("Saved as version %(number)s.") % {"number": saved[0]})
        return redirect("question-detail", question.pk)
    return render(
        request,
        "practical/task_edit.html",
        {
            "form": form,
            "bank": question.bank,
            "kind_label": dict(_kind_choices())[version.type],
            "question": question,
        },
    )


@require_perm(Perm.MANAGE_EXAMS)
def task_starter(request: HttpRequest, pk: int) -> HttpResponse:
    """The starter file of a task's current version, unmarked, for its author to check."""
    question = get_question_for_user(request.user, pk)
    version = question.current
    if version is None or version.type not in STARTER_TYPES:
        raise Http404
    content = kinds.starter_file(version.type, version.data)
    if content is None:
        raise Http404
    content_type, extension = STARTER_TYPES[version.type]
    response = HttpResponse(content, content_type)
    response["Content-Disposition"] = f'attachment; filename="tep-mau-{question.pk}.{extension}"'
    return response


@require_perm(Perm.MANAGE_EXAMS)
def question_template(request: HttpRequest) -> HttpResponse:
    """The Excel template: the questions' sheet, a sheet per kind of practical task with an
    example row, the instructions."""
    response = HttpResponse(formats.template_xlsx(), XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-ngan-hang-cau-hoi.xlsx"'
    return response


def task_summary(version: Any) -> dict[str, Any] | None:
    """A practical version as its detail page shows it: the starter in a few words and each
    criterion with its label, weight and parameters (those left out: the catalogue's)."""
    kind = version.type
    if kind not in kinds.KINDS:
        return None
    data = version.data or {}
    catalogue = kinds.criteria(kind)
    labels = dict(getattr(kinds.grader(kind), "PARAM_LABELS", {}) or {})
    criteria = []
    for spec in data.get("criteria") or []:
        criterion = catalogue.get(str(spec.get("key")))
        defaults = dict(criterion.defaults) if criterion else {}
        params = {**defaults, **(spec.get("params") or {})}
        criteria.append(
            {
                "label": str(criterion.label) if criterion else _("Unknown criterion"),
                "weight": number_text(spec.get("weight", "1")),
                "params": [
                    (name, str(labels.get(name, "")), value_text(value, defaults.get(name)))
                    for name, value in params.items()
                ],
            }
        )
    starter = data.get("starter") or {}
    return {
        "criteria": criteria,
        "starter": starter_text(kind, starter),
        "download": kind in STARTER_TYPES and bool(starter),
        "required": bool(data.get("starter_required")),
        "typing": kind == "typing",
    }
