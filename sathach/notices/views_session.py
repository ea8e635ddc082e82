"""One page per session for the proctor and the district: the session's time and place (the
district changes them here, and the leaders are told), its notices with what became of
each, and the papers the room needs (cards, attendance list, minutes, the invitation).
It serves IT-skills sessions and e-office sessions alike; the printed papers exist for the
IT-skills sessions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sathach.core.errors import DomainError
from sathach.eoffice.selectors import get_office_session_for_user
from sathach.eoffice.services.sessions import office_session_reschedule
from sathach.exams.forms import DATETIME_FORMATS
from sathach.exams.selectors import get_session_for_user
from sathach.exams.services.scheduling import session_reschedule
from sathach.notices.models import Message
from sathach.notices.texts import Sitting, is_office, sitting_fields
from sathach.organization.permissions import Perm, require_perm, user_can


class RescheduleForm(forms.Form):
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens at (dd/mm/yyyy hh:mm)"), input_formats=DATETIME_FORMATS
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Last start at (dd/mm/yyyy hh:mm)"), input_formats=DATETIME_FORMATS
    )
    room = forms.CharField(label=gettext_lazy("Room"), max_length=150, required=False)

    @classmethod
    def for_sitting(cls, sitting: Sitting) -> RescheduleForm:
        def local(value: Any) -> str:
            return str(timezone.localtime(value).strftime("%d/%m/%Y %H:%M"))

        return cls(
            initial={
                "opens_at": local(sitting.opens_at),
                "closes_at": local(sitting.closes_at),
                "room": sitting.room,
            }
        )


def _page_name(sitting: Sitting) -> str:
    return "eoffice-session-papers" if is_office(sitting) else "session-papers"


def _render(request: HttpRequest, sitting: Sitting, form: RescheduleForm | None = None) -> Any:
    can_manage = user_can(request.user, Perm.MANAGE_EXAMS, sitting.campaign.issuing_unit)
    notices = Message.objects.filter(**sitting_fields(sitting)).select_related("person", "user")
    counts = {status: 0 for status in Message.Status.values}
    for status in notices.values_list("status", flat=True):
        counts[status] += 1
    scheduled = sitting.status == sitting.Status.SCHEDULED
    return render(
        request,
        "notices/session.html",
        {
            "session": sitting,
            "office": is_office(sitting),
            "campaign": sitting.campaign,
            "can_manage": can_manage,
            "notices": notices,
            "counts": [(Message.Status(status).label, count) for status, count in counts.items()],
            "examinees": sitting.examinees.select_related("unit", "user").order_by(
                "unit__name", "sort_key"
            ),
            "form": (form or RescheduleForm.for_sitting(sitting)) if scheduled else None,
            "closed": sitting.status == sitting.Status.CLOSED,
        },
        status=400 if form is not None else 200,
    )


@require_perm(Perm.RUN_SESSIONS)
def session_papers(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, get_session_for_user(request.user, pk))


@require_perm(Perm.RUN_SESSIONS)
def office_session_papers(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, get_office_session_for_user(request.user, pk))


def _reschedule(request: HttpRequest, sitting: Sitting) -> HttpResponse:
    if not user_can(request.user, Perm.MANAGE_EXAMS, sitting.campaign.issuing_unit):
        messages.error(request, _("Only the district's exam managers change a session."))
        return redirect(_page_name(sitting), sitting.pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        return _render(request, sitting, form)
    change: Any = office_session_reschedule if is_office(sitting) else session_reschedule
    try:
        changed = change(actor=request.user, session=sitting, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_page_name(sitting), sitting.pk)
    if not changed:
        messages.info(request, _("Nothing changed: nobody is told."))
        return redirect(_page_name(sitting), sitting.pk)
    messages.success(
        request, _("The session's time and place are saved; its leaders are being told.")
    )
    return redirect(_page_name(sitting), sitting.pk)


@require_POST
@require_perm(Perm.RUN_SESSIONS)
def session_reschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reschedule(request, get_session_for_user(request.user, pk))


@require_POST
@require_perm(Perm.RUN_SESSIONS)
def office_session_reschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reschedule(request, get_office_session_for_user(request.user, pk))
