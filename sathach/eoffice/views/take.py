"""The examinee's sandbox: my e-office tests, the inbox by state, a document with its PDF,
register data, history and action, submitting, and the graded result."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sathach.core.errors import DomainError
from sathach.eoffice.forms import ForwardForm, OpinionForm
from sathach.eoffice.grading import reason_message
from sathach.eoffice.models import Event, Kind, Task, TaskDocument
from sathach.eoffice.selectors import (
    commune_handlers,
    get_document_for_examinee,
    get_task_for_examinee,
    task_unfinished,
    tasks_for_examinee,
)
from sathach.eoffice.services.tasks import (
    document_forward,
    document_give_opinion,
    document_sign_draft,
    document_upload_signed,
    task_start,
    task_state,
    task_submit,
)
from sathach.organization.models import Position
from sathach.organization.permissions import Perm, require_perm
from sathach.signatures.pictures import page_count, render_page_png
from sathach.signatures.sandbox import PdfTooComplex, run_bounded

TABS = TaskDocument.State.choices


@require_perm(Perm.TAKE_EXAM)
def my_tasks(request: HttpRequest) -> HttpResponse:
    return render(request, "eoffice/my_tasks.html", {"tasks": tasks_for_examinee(request.user)})


@require_POST
@require_perm(Perm.TAKE_EXAM)
def task_begin(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_examinee(request.user, pk)
    try:
        task_start(user=request.user, task=task, access_code=request.POST.get("access_code", ""))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("eoffice-my")
    return redirect("eoffice-inbox", task.pk)


def _open_or_redirect(request: HttpRequest, task: Task) -> HttpResponse | None:
    state = task_state(task)
    if state == "overdue":
        task_submit(actor=request.user, task=task, by=Task.SubmittedBy.DEADLINE)
        messages.error(request, _("The time is up: your test was submitted as it stood."))
        return redirect("eoffice-result", task.pk)
    if state == "submitted":
        return redirect("eoffice-result", task.pk)
    if state == "ready":
        return redirect("eoffice-my")
    return None


def _clock(task: Task) -> dict[str, Any]:
    now = timezone.now()
    return {
        "deadline_ms": int(task.deadline.timestamp() * 1000) if task.deadline else 0,
        "now_ms": int(now.timestamp() * 1000),
        "seconds_left": task.seconds_left(now),
    }


@never_cache
@require_GET
@require_perm(Perm.TAKE_EXAM)
def inbox(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_examinee(request.user, pk)
    leave = _open_or_redirect(request, task)
    if leave:
        return leave
    tab = request.GET.get("tab", TaskDocument.State.PENDING)
    documents = list(task.documents.select_related("scenario").order_by("position"))
    counts = {state: sum(d.state == state for d in documents) for state, _label in TABS}
    return render(
        request,
        "eoffice/inbox.html",
        {
            "task": task,
            "tab": tab,
            "tabs": [(state, label, counts[state]) for state, label in TABS],
            "documents": [d for d in documents if d.state == tab],
            **_clock(task),
        },
    )


def _handle_post(
    request: HttpRequest,
    document: TaskDocument,
    form: ForwardForm | None,
    opinion_form: OpinionForm | None,
) -> bool:
    action = request.POST.get("action")
    try:
        if action == "opinion" and opinion_form is not None:
            if not opinion_form.is_valid():
                return False
            document_give_opinion(
                user=request.user, document=document, opinion=opinion_form.cleaned_data["opinion"]
            )
            messages.success(request, _("Your coordination opinion was sent."))
        elif action == "forward" and form is not None:
            if not form.is_valid():
                return False
            document_forward(
                user=request.user,
                document=document,
                main_handler_id=form.cleaned_data["main_handler"],
                coordinator_ids=form.cleaned_data["coordinators"],
                instruction=form.cleaned_data["instruction"],
                deadline=form.cleaned_data["deadline"],
            )
            messages.success(request, _("The document was forwarded for handling."))
        elif action == "sign":
            document_sign_draft(
                user=request.user, document=document, pin=request.POST.get("pin", "")
            )
            messages.success(request, _("The draft was signed."))
        elif action == "upload" and (upload := request.FILES.get("file")) is not None:
            document_upload_signed(user=request.user, document=document, data=upload.read())
            messages.success(request, _("The signed file was received."))
        else:
            messages.error(request, _("Nothing was done."))
            return False
    except DomainError as error:
        messages.error(request, error.message)
        return False
    return True


@never_cache
@require_perm(Perm.TAKE_EXAM)
def document_page(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    document = get_document_for_examinee(request.user, pk, position)
    task = document.task
    leave = _open_or_redirect(request, task)
    if leave:
        return leave
    form = None
    opinion_form = None
    data = request.POST if request.method == "POST" else None
    if document.scenario.coordinating:
        opinion_form = OpinionForm(data, initial={"opinion": document.opinion})
    elif document.kind == Kind.INCOMING:
        handlers = list(commune_handlers(task))
        initial = {
            "main_handler": document.main_handler_id,
            "coordinators": [p.pk for p in document.coordinators.all()],
            "instruction": document.instruction,
            "deadline": document.handling_deadline,
        }
        form = ForwardForm(data, handlers=handlers, initial=initial)
    if request.method == "POST":
        if _handle_post(request, document, form, opinion_form):
            return redirect("eoffice-document", task.pk, document.position)
        task.refresh_from_db()
        if task.status == Task.Status.SUBMITTED:
            return redirect("eoffice-result", task.pk)
    elif not document.events.filter(kind=Event.Kind.OPENED).exists():
        Event.objects.create(
            task=task,
            document=document,
            kind=Event.Kind.OPENED,
            actor=request.user if request.user.is_authenticated else None,
        )
    return render(
        request,
        "eoffice/document.html",
        {
            "task": task,
            "document": document,
            "scenario": document.scenario,
            "form": form,
            "opinion_form": opinion_form,
            "events": document.events.select_related("actor"),
            "as_images": request.GET.get("xem") == "anh",
            **_viewer(document),
            **_clock(task),
        },
    )


def _shown(document: TaskDocument, signed: bool) -> bytes:
    """The file the page shows: the signed one once there is one and it is asked for."""
    return bytes(document.signed_pdf if signed and document.signed_pdf else document.pdf)


def _version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _viewer(document: TaskDocument) -> dict[str, Any]:
    """What the document viewer needs for the pictures of the pages: how many, and a
    version of the file in their address, so a browser keeps them until the file changes.
    A signed file may have been uploaded: it is read in the capped child."""
    signed = bool(document.signed_pdf)
    data = _shown(document, signed)
    try:
        pages = run_bounded(page_count, data) if signed else page_count(data)
    except PdfTooComplex:
        pages = 0
    return {"signed": signed, "pages": range(1, pages + 1), "version": _version(data)}


@xframe_options_sameorigin
@require_GET
@require_perm(Perm.TAKE_EXAM)
def document_pdf(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    document = get_document_for_examinee(request.user, pk, position)
    signed = request.GET.get("signed") == "1" and document.signed_pdf
    data = bytes(document.signed_pdf if signed else document.pdf)  # type: ignore[arg-type]
    response = HttpResponse(data, content_type="application/pdf")
    name = f"vb-{document.position}{'-da-ky' if signed else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_GET
@require_perm(Perm.TAKE_EXAM)
def document_page_image(request: HttpRequest, pk: int, position: int, page: int) -> HttpResponse:
    """Page `page` (from 1) of the document as a PNG, for a browser that shows no PDF."""
    document = get_document_for_examinee(request.user, pk, position)
    signed = request.GET.get("signed") == "1" and bool(document.signed_pdf)
    data = _shown(document, signed)
    try:
        png = (
            run_bounded(render_page_png, data, page - 1)
            if signed
            else render_page_png(data, page - 1)
        )
    except PdfTooComplex:
        png = None
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    fresh = request.GET.get("v") == _version(data)
    response["Cache-Control"] = "private, max-age=86400" if fresh else "private, no-cache"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@require_perm(Perm.TAKE_EXAM)
def task_finish(request: HttpRequest, pk: int) -> HttpResponse:
    """Submitting: the page lists what is not done yet and asks; the form posts here."""
    task = get_task_for_examinee(request.user, pk)
    if request.method != "POST":
        leave = _open_or_redirect(request, task)
        if leave:
            return leave
        return render(
            request,
            "eoffice/finish.html",
            {"task": task, "unfinished": task_unfinished(task), **_clock(task)},
        )
    try:
        task_submit(actor=request.user, task=task, by=Task.SubmittedBy.EXAMINEE)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("eoffice-my")
    return redirect("eoffice-result", task.pk)


def graded_rows(task: Task) -> list[dict[str, Any]]:
    rows = []
    labels = dict(Position.choices)
    documents = task.documents.select_related("scenario", "main_handler").prefetch_related(
        "coordinators"
    )
    for document in documents.order_by("position"):
        scenario = document.scenario
        expected = str(labels.get(scenario.main_handler, ""))
        chosen = list(document.coordinators.all())
        wrong = [p for p in chosen if p.position not in scenario.coordinators]
        wrong_names = ", ".join(f"{p.full_name} ({p.get_position_display()})" for p in wrong)
        acceptable = ", ".join(str(labels.get(p, p)) for p in scenario.coordinators)
        values: dict[str, Any] = {
            "expected": expected,
            "latest": document.latest_deadline,
            "wrong": wrong_names,
            "acceptable": acceptable,
        }
        rows.append(
            {
                "document": document,
                "coordinators": chosen,
                "reasons": [reason_message(code, **values) for code in document.reasons],
                "remarks": [reason_message(code, **values) for code in document.remarks],
            }
        )
    return rows


@require_GET
@require_perm(Perm.TAKE_EXAM)
def task_result(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_examinee(request.user, pk)
    if task.status != Task.Status.SUBMITTED:
        return redirect("eoffice-my")
    return render(request, "eoffice/result.html", {"task": task, "rows": graded_rows(task)})
