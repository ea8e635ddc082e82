"""The examinee's pages: my tests, the attempt page, autosave, submit and review."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sathach.core.errors import DomainError
from sathach.exams.autosave import autosave_reply
from sathach.exams.models import PRACTICAL, Attempt, ExamSession, blueprint_of
from sathach.exams.selectors import (
    attempt_page_items,
    attempt_review_items,
    examinee_tests,
    get_attempt_for_examinee,
    module_rows,
    prepared_page,
    review_allowed,
    review_later,
)
from sathach.exams.services.attempts import (
    attempt_start,
    attempt_state,
    attempt_submit,
    attempt_take_over,
)
from sathach.organization.permissions import Perm, require_perm


@never_cache
@require_perm(Perm.TAKE_EXAM)
def my_tests(request: HttpRequest) -> HttpResponse:
    """Each of the examinee's attempts: wait for the opening, enter the code, go on, or read
    the result. Examinees sign in before the opening and wait here; while they wait the
    page fetches its list again (`?part=list`, the list alone) every 60 s: the code box is
    there from the start, and the refresh only tells what changed (the opening, a pause)."""
    rows = examinee_tests(request.user, timezone.now())
    waiting = any(
        row.attempt.status == Attempt.Status.READY
        and row.attempt.session.status != ExamSession.Status.CLOSED
        for row in rows
    )
    part = request.GET.get("part") == "list"
    return render(
        request,
        "exams/my_tests_list.html" if part else "exams/my_tests.html",
        {"rows": rows, "waiting": waiting},
    )


@never_cache
@require_POST
@require_perm(Perm.TAKE_EXAM)
def attempt_begin(request: HttpRequest, pk: int) -> HttpResponse:
    """The access code. Its answer is the test page itself: at the opening every examinee
    sends it within the same minute, and one request each instead of two (the code, then
    the page it sent them to) halves the opening's work. The page's script puts the page's
    own address in the browser's history, so a reload asks for it and never sends the code
    again."""
    attempt = get_attempt_for_examinee(request.user, pk)
    was_ready = attempt.status == Attempt.Status.READY
    try:
        attempt = attempt_start(
            user=request.user, attempt=attempt, access_code=request.POST.get("code", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("my-tests")
    # A fresh start gave the attempt a new token already: this browser holds it.
    return _exam_page(request, attempt, take_over=not was_ready)


@never_cache
@require_perm(Perm.TAKE_EXAM)
def attempt_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The test itself. Opening it hands the attempt to this browser: another browser that
    held it is told on its next save."""
    return _exam_page(request, get_attempt_for_examinee(request.user, pk), take_over=True)


def _exam_page(request: HttpRequest, attempt: Attempt, *, take_over: bool) -> HttpResponse:
    now = timezone.now()
    state = attempt_state(attempt, now)
    if state == "overdue":
        attempt_submit(actor=request.user, attempt=attempt, by=Attempt.SubmittedBy.DEADLINE)
        return redirect("attempt-review", attempt.pk)
    if state == "submitted":
        return redirect("attempt-review", attempt.pk)
    if state == "ready":
        return redirect("my-tests")
    if take_over:
        attempt = attempt_take_over(user=request.user, attempt=attempt)
    # At the opening every examinee arrives at once with a fresh attempt: its questions
    # were made when the session was prepared (AttemptPage); later visits make them here.
    prepared = prepared_page(attempt)
    items: Sequence[object]
    if prepared:  # of the slots, the page then needs their number only
        items, answered, flagged = range(prepared.questions), 0, 0
        practical = "task-file" in prepared.html or "data-typing" in prepared.html
    else:
        slots = attempt_page_items(attempt)
        items = slots
        answered = sum(1 for item in slots if item.answered)
        flagged = sum(1 for item in slots if item.flagged)
        practical = any(item.type in PRACTICAL for item in slots)
    return render(
        request,
        "exams/attempt.html",
        {
            "attempt": attempt,
            "items": items,
            "form_html": prepared.html if prepared else None,
            "nav_html": prepared.nav if prepared else None,
            "answered": answered,
            "flagged": flagged,
            "practical": practical,
            "campaign": attempt.session.campaign,
            "minutes": blueprint_of(attempt.session.campaign).duration_minutes,
            "extra_minutes": attempt.extra_seconds // 60,
            "state": state,
            "deadline_ms": int(attempt.deadline.timestamp() * 1000) if attempt.deadline else 0,
            "now_ms": int(now.timestamp() * 1000),
        },
    )


@csrf_exempt  # authenticated by the attempt's token in the body, not by a cookie
@never_cache
@require_POST
def attempt_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave through Django's request cycle (SQLite, the test client, a WSGI server); on
    PostgreSQL production serves the same reply before it (sathach.exams.autosave)."""
    status, data = autosave_reply(pk, request.body)
    return JsonResponse(data, status=status)


@require_POST
@require_perm(Perm.TAKE_EXAM)
def attempt_finish(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_examinee(request.user, pk)
    if attempt.token != request.POST.get("t", "") and attempt.status == Attempt.Status.IN_PROGRESS:
        messages.error(request, _("This test is open on another computer; submit it there."))
        return redirect("my-tests")
    try:
        attempt_submit(actor=request.user, attempt=attempt, by=Attempt.SubmittedBy.EXAMINEE)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("my-tests")
    return redirect("attempt-review", attempt.pk)


@require_GET
@require_perm(Perm.TAKE_EXAM)
def attempt_review(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_examinee(request.user, pk)
    if attempt.status != Attempt.Status.SUBMITTED:
        return redirect("my-tests")
    blueprint = blueprint_of(attempt.session.campaign)
    show_score = review_allowed(attempt, blueprint.review_score)
    show_answers = review_allowed(attempt, blueprint.review_answers)
    show_key = review_allowed(attempt, blueprint.review_key)
    items = attempt_review_items(attempt, with_key=show_key) if show_answers or show_key else []
    return render(
        request,
        "exams/review.html",
        {
            "attempt": attempt,
            "show_score": show_score,
            "show_answers": show_answers,
            "show_key": show_key,
            "items": items,
            "campaign": attempt.session.campaign,
            "modules": module_rows(attempt),
            "later": review_later(attempt, blueprint, timezone.now()),
        },
    )
