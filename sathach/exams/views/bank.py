"""The question bank's pages: search, import with a preview before storing, export."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sathach.core.errors import DomainError
from sathach.core.jobs import job_files_dir
from sathach.core.spreadsheets import sheet_column
from sathach.exams import formats
from sathach.exams.banks import (
    bank_homes,
    bank_managed,
    banks_managed_by,
    banks_readable_by,
    get_question_for_user,
)
from sathach.exams.formats.base import Issue
from sathach.exams.forms import ImportForm
from sathach.exams.jobs import question_import_start
from sathach.exams.models import (
    MODULES,
    PRACTICAL,
    Difficulty,
    Question,
    QuestionType,
    bank_label,
)
from sathach.exams.selectors import question_html, questions_in_open_attempts, questions_search
from sathach.exams.services.bank import (
    bank_copy,
    bank_set_shared,
    import_summary,
    question_revise,
    question_set_active,
    questions_export,
    version_to_parsed,
)
from sathach.organization.permissions import Perm, require_perm
from sathach.practical.views_bank import task_summary

MAX_IMPORT = 20 * 1024 * 1024
# What the preview calls each format (names of formats, the same in every language).
FORMAT_LABELS = {"gift": "GIFT", "moodle-xml": "Moodle XML", "aiken": "Aiken", "xlsx": "Excel"}
EXPORTS = {
    "gift": ("text/plain; charset=utf-8", "gift.txt"),
    "moodle-xml": ("application/xml", "xml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _at_line(issue: Issue) -> str:
    return _("Line %(line)s: %(message)s") % {"line": issue.line, "message": issue.message}


def _located(issues: list[Issue]) -> list[tuple[int | None, str, str]]:
    """Each issue as (row or line, column, message), the column as the sheet shows it."""
    return [(i.row, sheet_column(i.letter, i.column), i.message) for i in issues]


def _placed(issues: list[Issue]) -> list[str]:
    """Each issue of a workbook of several sheets as one sentence naming its place."""
    return [
        _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s")
        % {
            "sheet": getattr(i, "sheet", ""),
            "row": i.row,
            "column": sheet_column(i.letter, i.column),
            "message": i.message,
        }
        for i in issues
    ]


def _pending_dir() -> Path:
    return job_files_dir()


@require_perm(Perm.MANAGE_EXAMS)
def question_list(request: HttpRequest) -> HttpResponse:
    banks = list(banks_readable_by(request.user).select_related("unit").order_by("unit", "name"))
    bank = next((b for b in banks if str(b.pk) == request.GET.get("bank")), None) or (
        banks[0] if banks else None
    )
    query = request.GET.get("q", "")
    module = request.GET.get("module", "")
    difficulty = request.GET.get("difficulty", "")
    versions = questions_search(bank.pk, query, module, difficulty) if bank else []
    page = Paginator(versions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "exams/question_list.html",
        {
            "banks": banks,
            "bank": bank,
            "managed": bank is not None and bank_managed(request.user, bank),
            "homes": bank_homes(request.user),
            "page": page,
            "query": query,
            "module": module,
            "difficulty": difficulty,
            "modules": MODULES,
            "difficulties": Difficulty.choices,
            # GIFT and Moodle XML leave the practical tasks out; the page says how many.
            "practical": Question.objects.filter(
                bank=bank, is_active=True, current__type__in=PRACTICAL
            ).count()
            if bank
            else 0,
        },
    )


@require_perm(Perm.MANAGE_EXAMS)
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk)
    versions = [
        (version, question_html(version), task_summary(version))
        for version in question.versions.prefetch_related("images").order_by("-number")
    ]
    return render(
        request,
        "exams/question_detail.html",
        {
            "question": question,
            "versions": versions,
            "managed": bank_managed(request.user, question.bank),
            "in_open_attempt": bool(questions_in_open_attempts([question.pk])),
        },
    )


@require_perm(Perm.MANAGE_EXAMS)
def question_import(request: HttpRequest) -> HttpResponse:
    """Step one: upload and read the file, show what would be stored (or every error with
    its line or cell); nothing is stored yet."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            data = upload.read()
            fmt = form.cleaned_data["format"] or formats.detect_format(upload.name, data)
            result = formats.read(data, fmt)
            sheets = any(getattr(i, "sheet", "") for i in (*result.errors, *result.warnings))
            key = uuid.uuid4().hex
            type_labels = dict(QuestionType.choices)
            difficulty_labels = dict(Difficulty.choices)
            if not result.errors:
                (_pending_dir() / key).write_bytes(data)
                request.session["question_import"] = {
                    "key": key,
                    "format": fmt,
                    "bank": form.cleaned_data["bank"],
                    "name": upload.name,
                    "unit": form.cleaned_data["unit"],
                }
            return render(
                request,
                "exams/question_import_preview.html",
                {
                    "summary": import_summary(result, stored=False),
                    # Type and difficulty by their names, never their codes ("medium").
                    "questions": [
                        (
                            question,
                            type_labels.get(question.type, question.type),
                            difficulty_labels.get(question.difficulty, question.difficulty),
                        )
                        for question in result.questions[:200]
                    ],
                    "file_name": upload.name,
                    # A refused file was not read as anything: no page says it was.
                    "format": "" if result.refused else FORMAT_LABELS.get(fmt, fmt),
                    "refusal": result.errors[0].message if result.refused else "",
                    "errors": _located(result.errors),
                    "warnings": _located(result.warnings),
                    # A workbook with practical sheets names the sheet of each place.
                    "placed_errors": _placed(result.errors) if sheets else [],
                    "placed_warnings": _placed(result.warnings) if sheets else [],
                    "lines": fmt != "xlsx",
                    "bank": bank_label(form.cleaned_data["bank"]),
                },
            )
    return render(request, "exams/question_import.html", {"form": form})


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def question_import_confirm(request: HttpRequest) -> HttpResponse:
    """Step two: store the previewed file, all or nothing, in the background; the job page
    shows the progress and leads to the bank."""
    pending = request.session.pop("question_import", None)
    if not pending:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("question-import")
    if not (_pending_dir() / pending["key"]).exists():
        raise Http404
    job = question_import_start(actor=request.user, pending=pending)
    return redirect("job-detail", job.pk)


@require_perm(Perm.MANAGE_EXAMS)
def question_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "gift")
    if fmt not in EXPORTS:
        raise Http404
    bank = get_object_or_404(banks_readable_by(request.user), pk=request.GET.get("bank"))
    content_type, extension = EXPORTS[fmt]
    withheld = questions_in_open_attempts()
    if withheld and not request.GET.get("confirm"):
        return render(
            request,
            "exams/question_export_withheld.html",
            {"bank": bank, "format": fmt, "count": len(withheld)},
        )
    exported = questions_export(bank=bank, leave_out=withheld)
    response = HttpResponse(formats.write(exported, fmt), content_type)
    response["Content-Disposition"] = f'attachment; filename="ngan-hang-{bank.pk}.{extension}"'
    return response


@require_perm(Perm.MANAGE_EXAMS)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a question by its GIFT text (one question, with its category line). A version
    that an attempt used is kept and a new one is made."""
    from sathach.exams.formats.gift import read_gift
    from sathach.exams.formats.gift_write import write_gift

    question = get_question_for_user(request.user, pk, manage=True)
    if question.current is None:
        raise Http404
    if question.current.type in PRACTICAL:
        return redirect("task-edit", question.pk)
    if questions_in_open_attempts([question.pk]):
        messages.error(
            request,
            _(
                "This question is on a test that is not over yet: its key cannot be shown or "
                "changed until every session holding it is closed."
            ),
        )
        return redirect("question-detail", question.pk)
    text = request.POST.get("gift") if request.method == "POST" else None
    errors: list[str] = []
    if text is not None:
        result = read_gift(text)
        errors = [_at_line(e) for e in result.errors]
        if not errors and len(result.questions) != 1:
            # A question skipped with a warning (cloze, a wildcard that earns marks) says why.
            errors = [_at_line(w) for w in result.warnings]
            errors.append(_("Write exactly one question."))
        if not errors:
            version = question_revise(
                actor=request.user, question=question, parsed=result.questions[0]
            )
            messages.success(
                request, _("Saved as version %(number)s.") % {"number": version.number}
            )
            for warning in result.warnings:
                messages.warning(request, _at_line(warning))
            return redirect("question-detail", question.pk)
    else:
        text = write_gift([version_to_parsed(question.current)])
    return render(
        request,
        "exams/question_edit.html",
        {"question": question, "gift": text, "errors": errors},
    )


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def question_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a question out of future draws, or put it back."""
    question = get_question_for_user(request.user, pk, manage=True)
    question_set_active(actor=request.user, question=question, active=not question.is_active)
    return redirect("question-detail", question.pk)


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def bank_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a bank the user manages with the units below and beside it, or stop."""
    bank = get_object_or_404(banks_managed_by(request.user), pk=pk)
    bank_set_shared(actor=request.user, bank=bank, shared=request.POST.get("shared") == "1")
    messages.success(
        request,
        _("The bank is shared with the units below and beside yours.")
        if bank.shared
        else _("The bank is no longer shared."),
    )
    return redirect(f"{reverse('question-list')}?bank={bank.pk}")


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def bank_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a bank the user reads into a new bank of one of the user's units."""
    bank = get_object_or_404(banks_readable_by(request.user), pk=pk)
    homes = {str(unit.pk): unit for unit in bank_homes(request.user)}
    unit = homes.get(request.POST.get("unit", "")) or (
        next(iter(homes.values())) if len(homes) == 1 else None
    )
    if unit is None:
        raise Http404
    try:
        copy = bank_copy(
            actor=request.user,
            bank=bank,
            unit=unit,
            name=request.POST.get("name", ""),
            leave_out=questions_in_open_attempts(),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('question-list')}?bank={bank.pk}")
    messages.success(
        request,
        _("%(count)s questions were copied into the bank %(name)s.")
        % {"count": copy.questions.count(), "name": copy.name},
    )
    return redirect(f"{reverse('question-list')}?bank={copy.pk}")
