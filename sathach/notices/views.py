"""The notices page of a campaign: what was sent to whom, and the buttons that send."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sathach.campaigns.selectors import get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.eoffice.models import OfficeSession
from sathach.exams.models import ExamSession
from sathach.notices import services
from sathach.notices.models import Message
from sathach.organization.permissions import Perm, require_perm, user_can


def _managed_campaign(request: HttpRequest, pk: int) -> Any:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_EXAMS, campaign.issuing_unit):
        raise PermissionDenied
    return campaign


@require_perm(Perm.MANAGE_EXAMS)
def notice_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    sessions = campaign.exam_sessions.exclude(status=ExamSession.Status.CLOSED).order_by("opens_at")
    office_sessions = campaign.office_sessions.exclude(status=OfficeSession.Status.CLOSED).order_by(
        "opens_at"
    )
    notices = Message.objects.filter(campaign=campaign).select_related(
        "person", "user", "session", "office_session"
    )
    return render(
        request,
        "notices/list.html",
        {
            "campaign": campaign,
            "sessions": sessions,
            "office_sessions": office_sessions,
            "notices": notices,
        },
    )


def _back(request: HttpRequest, campaign: Any) -> HttpResponse:
    """Back to the page the button was on (the session's page), else the campaign's list."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notice-list", pk=campaign.pk)


def _send_schedule(request: HttpRequest, campaign: Any, sitting: Any) -> HttpResponse:
    try:
        created = services.notices_for_session(
            actor=request.user, session=sitting, kind=Message.Kind.SESSION_SCHEDULED
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(count)s notices queued for sending.") % {"count": len(created)}
        )
    return _back(request, campaign)


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def notice_session_send(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    session = get_object_or_404(ExamSession, pk=session_pk, campaign=campaign)
    return _send_schedule(request, campaign, session)


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def notice_office_session_send(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    session = get_object_or_404(OfficeSession, pk=session_pk, campaign=campaign)
    return _send_schedule(request, campaign, session)


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def notice_resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("campaign"), pk=pk)
    campaign = _managed_campaign(request, message.campaign_id)
    try:
        services.message_resend(actor=request.user, message=message)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The notice will be sent again."))
    return _back(request, campaign)
