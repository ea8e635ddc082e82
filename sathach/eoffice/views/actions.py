"""The e-office test's actions as the browser's queue sends them (static/eoffice/queue.js):
one JSON answer per action, so that an action typed offline is resent until the server has
it. 200: stored (or already stored: a retry); 400: refused, with the reason; 409: the test
is over; anything else makes the browser try again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sathach.core.errors import DomainError
from sathach.eoffice.forms import ForwardForm, OpinionForm
from sathach.eoffice.models import Kind, Task
from sathach.eoffice.selectors import (
    commune_handlers,
    get_document_for_examinee,
    get_task_for_examinee,
)
from sathach.eoffice.services.tasks import (
    document_forward,
    document_give_opinion,
    task_state,
    task_submit,
)
from sathach.organization.permissions import Perm, require_perm


def _refused(message: str, status: int = 400, goto: str = "") -> JsonResponse:
    return JsonResponse({"ok": False, "error": message, "goto": goto}, status=status)


def _form_errors(form: ForwardForm | OpinionForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@never_cache
@require_POST
@require_perm(Perm.TAKE_EXAM)
def task_action(request: HttpRequest, pk: int) -> JsonResponse:
    task = get_task_for_examinee(request.user, pk)
    state = task_state(task)
    if state in ("overdue", "submitted"):
        if state == "overdue":
            task_submit(actor=request.user, task=task, by=Task.SubmittedBy.DEADLINE)
        return _refused(
            _("The test is over: this action was not stored."),
            409,
            reverse("eoffice-result", args=[task.pk]),
        )
    position = request.POST.get("position", "")
    seq = request.POST.get("seq", "")
    if not position.isdigit() or not seq.isdigit():
        return _refused(_("Nothing was done."))
    document = get_document_for_examinee(request.user, pk, int(position))
    action = request.POST.get("action")
    try:
        if action == "opinion" and document.scenario.coordinating:
            opinion = OpinionForm(request.POST)
            if not opinion.is_valid():
                return _refused(_form_errors(opinion))
            document_give_opinion(
                user=request.user,
                document=document,
                opinion=opinion.cleaned_data["opinion"],
                seq=int(seq),
            )
        elif action == "forward" and document.kind == Kind.INCOMING:
            form = ForwardForm(request.POST, handlers=list(commune_handlers(task)))
            if not form.is_valid():
                return _refused(_form_errors(form))
            document_forward(
                user=request.user,
                document=document,
                main_handler_id=form.cleaned_data["main_handler"],
                coordinator_ids=form.cleaned_data["coordinators"],
                instruction=form.cleaned_data["instruction"],
                deadline=form.cleaned_data["deadline"],
                seq=int(seq),
            )
        else:
            return _refused(_("Nothing was done."))
    except DomainError as error:
        return _refused(error.message)
    messages.success(
        request,
        _("Your coordination opinion was sent.")
        if action == "opinion"
        else _("The document was forwarded for handling."),
    )
    return JsonResponse({"ok": True, "seq": int(seq)})
