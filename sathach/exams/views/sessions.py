"""The district's and the proctor's pages: the test blueprint, sessions, the live console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sathach.campaigns.selectors import get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.exams.cards import session_cards_pdf, session_cards_with_passwords
from sathach.exams.forms import (
    BlueprintForm,
    ReasonForm,
    RuleFormSet,
    SessionForm,
    rule_initial,
)
from sathach.exams.jobs import session_regrade_start, session_statistics_start
from sathach.exams.models import Attempt, Blueprint, BlueprintRule, ExamSession
from sathach.exams.selectors import get_session_for_user, session_console, sessions_for_user
from sathach.exams.services import scheduling
from sathach.exams.services import sessions as services
from sathach.exams.services.sessions import RuleSpec
from sathach.exams.statistics import statistics_from_json
from sathach.organization.permissions import Perm, require_perm, user_can


def _managed_campaign(request: HttpRequest, pk: int) -> Any:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_EXAMS, campaign.issuing_unit):
        raise PermissionDenied
    return campaign


@require_perm(Perm.RUN_SESSIONS)
def exam_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign's test: its blueprint and sessions."""
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    can_manage = user_can(request.user, Perm.MANAGE_EXAMS, campaign.issuing_unit)
    sessions = sessions_for_user(request.user, campaign)
    if not can_manage and not sessions.exists():
        raise PermissionDenied
    blueprint = Blueprint.objects.filter(campaign=campaign).first()
    form = None
    if can_manage:
        form = SessionForm(district=campaign.issuing_unit, campaign=campaign)
    return render(
        request,
        "exams/overview.html",
        {
            "campaign": campaign,
            "blueprint": blueprint,
            "sessions": sessions,
            "can_manage": can_manage,
            "session_form": form,
        },
    )


@require_perm(Perm.MANAGE_EXAMS)
def blueprint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    instance = Blueprint.objects.filter(campaign=campaign).first()
    form = BlueprintForm(
        request.POST or None, instance=instance or Blueprint(campaign=campaign), user=request.user
    )
    rules = RuleFormSet(request.POST or None, initial=rule_initial(instance), prefix="rules")
    if request.method == "POST" and form.is_valid() and rules.is_valid():
        data = form.cleaned_data
        specs = [
            RuleSpec(
                row["module"],
                row["count"],
                row["category"].pk if row.get("category") else None,
                row.get("difficulty") or "",
                row.get("kind") or BlueprintRule.Kind.QUESTIONS,
            )
            for row in rules.cleaned_data
            if row.get("count")
        ]
        try:
            services.blueprint_save(
                actor=request.user,
                campaign=campaign,
                bank=data["bank"],
                rules=specs,
                duration_minutes=data["duration_minutes"],
                shuffle_questions=data["shuffle_questions"],
                shuffle_options=data["shuffle_options"],
                review_score=data["review_score"],
                review_answers=data["review_answers"],
                review_key=data["review_key"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The test blueprint was saved."))
            return redirect("exam-overview", campaign.pk)
    return render(
        request,
        "exams/blueprint_form.html",
        {"campaign": campaign, "form": form, "rules": rules},
    )


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    form = SessionForm(request.POST, district=campaign.issuing_unit, campaign=campaign)
    if form.is_valid():
        data = form.cleaned_data
        times = {
            "name": data["name"],
            "room": data["room"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "proctor": data["proctor"],
        }
        units, people = list(data["units"]), list(data["people"])
        try:
            if data["purpose"] != ExamSession.Purpose.REGULAR:
                session = scheduling.special_session_create(
                    actor=request.user,
                    campaign=campaign,
                    purpose=data["purpose"],
                    units=units,
                    people=people,
                    **times,
                )
            else:
                examinees = (
                    scheduling.chosen_examinees(campaign, units=units, people=people)
                    if units or people
                    else None
                )
                session = services.session_create(
                    actor=request.user, campaign=campaign, examinees=examinees, **times
                )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Session %(name)s created.") % {"name": session.name})
            return redirect("session-console", session.pk)
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("exam-overview", campaign.pk)


@require_perm(Perm.RUN_SESSIONS)
def session_console_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The proctor's live table: who has not started, who is answering (how many so far),
    who has submitted; with the session's controls."""
    session = get_session_for_user(request.user, pk)
    rows = session_console(session)
    context = {
        "session": session,
        "rows": rows,
        "live": session.status in (ExamSession.Status.OPEN, ExamSession.Status.PAUSED),
        "counts": {
            status: sum(1 for r in rows if r.attempt.status == status)
            for status in Attempt.Status.values
        },
        "incidents": session.incidents.select_related("attempt__person", "by")[:30],
        "can_manage": user_can(request.user, Perm.MANAGE_EXAMS, session.campaign.issuing_unit),
        # Practical tasks: each attempt links to its files and their grading.
        "has_practical": BlueprintRule.objects.filter(blueprint__campaign=session.campaign)
        .exclude(kind=BlueprintRule.Kind.QUESTIONS)
        .exists(),
    }
    if context["can_manage"] and session.status != ExamSession.Status.CLOSED:
        context["move_targets"] = (
            ExamSession.objects.filter(campaign=session.campaign, purpose=session.purpose)
            .exclude(pk=session.pk)
            .exclude(status=ExamSession.Status.CLOSED)
        )
        context["unprepared"] = session.examinees.exclude(attempts__session=session).select_related(
            "unit"
        )
    if request.GET.get("part") == "table":
        return render(request, "exams/console_table.html", context)
    return render(request, "exams/console.html", context)


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def session_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a leader who has not started to another session of the campaign."""
    session = get_session_for_user(request.user, pk)
    if not user_can(request.user, Perm.MANAGE_EXAMS, session.campaign.issuing_unit):
        raise PermissionDenied
    person_id, target_id = request.POST.get("person", ""), request.POST.get("target", "")
    person = session.examinees.filter(pk=person_id).first() if person_id.isdigit() else None
    target = (
        ExamSession.objects.filter(campaign=session.campaign, pk=target_id).first()
        if target_id.isdigit()
        else None
    )
    if person is None or target is None:
        messages.error(request, _("Choose the leader and the session to move them to."))
        return redirect("session-console", session.pk)
    try:
        scheduling.session_move_examinee(
            actor=request.user, person=person, source=session, target=target
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s now sits %(session)s.") % {"name": person.full_name, "session": target},
        )
    return redirect("session-console", session.pk)


def _session_action(
    request: HttpRequest, pk: int, action: Callable[[ExamSession, ReasonForm], str]
) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        done = action(session, form)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("session-console", session.pk)


@require_POST
@require_perm(Perm.RUN_SESSIONS)
def session_control(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    def run(session: ExamSession, form: ReasonForm) -> str:
        actor = request.user
        reason = form.cleaned_data.get("reason") or ""
        if action == "prepare":
            count = services.session_prepare(actor=actor, session=session)
            return _("Forms drawn for %(count)s examinees.") % {"count": count}
        if action == "open":
            services.session_open(actor=actor, session=session)
            return _("The session is open: read out the access code.")
        if action == "pause":
            services.session_pause(actor=actor, session=session, reason=reason)
            return _("The session is paused; every clock is stopped.")
        if action == "resume":
            services.session_resume(actor=actor, session=session)
            return _("The session goes on; the paused time was given back.")
        if action == "close":
            services.session_close(actor=actor, session=session)
            return _("The session is closed and every attempt graded.")
        raise DomainError(_("Unknown action."))

    return _session_action(request, pk, run)


@require_POST
@require_perm(Perm.RUN_SESSIONS)
def attempt_control(request: HttpRequest, pk: int, attempt_pk: int, action: str) -> HttpResponse:
    def run(session: ExamSession, form: ReasonForm) -> str:
        attempt = get_object_or_404(Attempt, pk=attempt_pk, session=session)
        minutes = form.cleaned_data.get("minutes") or 0
        reason = form.cleaned_data.get("reason") or ""
        if action == "extra-time":
            services.attempt_extra_time(
                actor=request.user, attempt=attempt, minutes=minutes, reason=reason
            )
            return _("%(name)s has %(minutes)s more minutes.") % {
                "name": attempt.person.full_name,
                "minutes": minutes,
            }
        if action == "reopen":
            services.attempt_reopen(
                actor=request.user, attempt=attempt, minutes=minutes, reason=reason
            )
            return _("The attempt of %(name)s is open again.") % {"name": attempt.person.full_name}
        if action == "unlock-code":
            services.attempt_unlock_code(actor=request.user, attempt=attempt, reason=reason)
            return _("%(name)s can enter the access code again.") % {
                "name": attempt.person.full_name
            }
        raise DomainError(_("Unknown action."))

    return _session_action(request, pk, run)


@require_perm(Perm.MANAGE_EXAMS)
def session_statistics_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Item and test statistics of the session, with the items to review flagged, as the
    statistics job last computed them."""
    session = get_session_for_user(request.user, pk)
    if not user_can(request.user, Perm.MANAGE_EXAMS, session.campaign.issuing_unit):
        raise PermissionDenied
    stats = statistics_from_json(session.statistics) if session.statistics else None
    return render(request, "exams/statistics.html", {"session": session, "stats": stats})


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def session_statistics_compute(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute the statistics again, in the background."""
    session = get_session_for_user(request.user, pk)
    if not user_can(request.user, Perm.MANAGE_EXAMS, session.campaign.issuing_unit):
        raise PermissionDenied
    job = session_statistics_start(actor=request.user, session=session)
    return redirect("job-detail", job.pk)


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def session_regrade(request: HttpRequest, pk: int) -> HttpResponse:
    """After a key was fixed in the bank: grade every submitted attempt again, in the
    background; the job page shows the progress and leads back to the statistics."""
    session = get_session_for_user(request.user, pk)
    if not user_can(request.user, Perm.MANAGE_EXAMS, session.campaign.issuing_unit):
        raise PermissionDenied
    job = session_regrade_start(actor=request.user, session=session)
    messages.success(request, _("The attempts are being graded again."))
    return redirect("job-detail", job.pk)


@require_perm(Perm.RUN_SESSIONS)
def session_cards(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's exam cards as a PDF to print. A GET changes nothing, so it issues no
    password: the cards say the password was given separately (with the credentials sheet
    of the commune's page)."""
    session = get_session_for_user(request.user, pk)
    try:
        pdf = session_cards_pdf(session, login_url=request.build_absolute_uri(reverse("login")))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("session-console", session.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="the-du-kiem-tra-{session.pk}.pdf"'
    return response


@require_POST
@require_perm(Perm.MANAGE_EXAMS)
def session_cards_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """The exam cards with one-time passwords: leaders without an account get one (and, when
    asked, those with an examinee-only account a new password). The answer is the PDF
    itself, the only place the passwords exist; it is never cached."""
    session = get_session_for_user(request.user, pk)
    if not user_can(request.user, Perm.MANAGE_EXAMS, session.campaign.issuing_unit):
        raise PermissionDenied
    try:
        pdf = session_cards_with_passwords(
            actor=request.user,
            session=session,
            reset_existing=request.POST.get("reset") == "1",
            login_url=request.build_absolute_uri(reverse("login")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("session-papers", session.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="the-du-kiem-tra-mat-khau-{session.pk}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
