"""An examinee's e-office test: draw, start, forward, sign, submit and grade, override.

The server owns the clock. Every action is stored when it is made; after the deadline and a
short grace window actions are refused and the task is submitted as it stands, on its next
access or by `sathach eoffice submit-overdue`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.pass_rules import campaign_fix_rules
from sathach.campaigns.services import result_override, result_record
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc_text
from sathach.eoffice import grading
from sathach.eoffice.models import Event, Kind, OfficeSession, Task, TaskDocument
from sathach.eoffice.services.draw import (
    scenario_set_of,
    task_documents_for_day,
    task_move_to_day,
)
from sathach.eoffice.services.pins import pin_lock_noted
from sathach.eoffice.services.sessions import check_start
from sathach.organization.models import HANDLER_POSITIONS, Person

GRACE = datetime.timedelta(seconds=30)
MAX_INSTRUCTION = 2000
MAX_UPLOAD = 10 * 1024 * 1024
RECORDING = (Campaign.Status.TESTING, Campaign.Status.RESULTS, Campaign.Status.APPROVED)
LOCK_HINT = gettext_noop(
    "Tell the proctor: they can unlock signing, and the time it was locked is given back."
)


def task_state(task: Task, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if task.status == Task.Status.SUBMITTED:
        return "submitted"
    if task.status == Task.Status.READY:
        return "ready"
    if task.deadline is not None and now > task.deadline + GRACE:
        return "overdue"
    return "open"


def _event(
    task: Task, kind: str, *, actor: Any = None, document: Any = None, **detail: Any
) -> None:
    Event.objects.create(
        task=task,
        document=document,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        detail=detail,
    )


def _own(user: Any, task: Task) -> None:
    if task.user_id != user.pk:
        raise DomainError(_("This is not your test."))


def _session_paused(task: Task) -> bool:
    if task.session_id is None:
        return False
    paused = OfficeSession.objects.filter(pk=task.session_id, status=OfficeSession.Status.PAUSED)
    return paused.exists()


def _require_open(user: Any, task: Task) -> None:
    """Refuse an action outside the test's time; an overdue task is submitted first."""
    _own(user, task)
    state = task_state(task)
    if state == "open" and _session_paused(task):
        raise DomainError(_("The session is paused; wait for the proctor."))
    if state == "overdue":
        task_submit(actor=None, task=task, by=Task.SubmittedBy.DEADLINE)
        raise DomainError(_("The time is up: your test was submitted as it stood."))
    if state == "submitted":
        raise DomainError(_("The test is submitted; nothing can be changed."))
    if state == "ready":
        raise DomainError(_("Start the test first."))


def task_start(*, user: Any, task: Task, access_code: str = "") -> Task:
    """Start the clock: the deadline is now plus the set's duration. Only while the
    campaign is testing, so that the result is recorded; a task of a session only while
    that session is open, in its window, with its access code. The documents move to
    today's date when they were drawn on another day (see `draw.task_documents_for_day`)."""
    _own(user, task)
    if task.status != Task.Status.READY:
        return task
    check_start(task, access_code, timezone.now())
    if task.campaign.status != Campaign.Status.TESTING:
        raise DomainError(
            _(
                "The e-office test opens when the campaign's test day begins: it is "
                "%(status)s now. Nothing was started; try again when the district opens it."
            )
            % {"status": task.campaign.get_status_display().lower()}
        )
    today = timezone.localdate()
    redated = task_documents_for_day(task, today)
    now = timezone.now()
    minutes = scenario_set_of(task.campaign).duration_minutes
    with transaction.atomic():
        updated = Task.objects.filter(pk=task.pk, status=Task.Status.READY).update(
            status=Task.Status.IN_PROGRESS,
            started_at=now,
            deadline=now + datetime.timedelta(minutes=minutes),
        )
        if updated:
            task_move_to_day(task, today, redated)
            campaign_fix_rules(task.campaign)
        task.refresh_from_db()
        if updated:
            _event(task, Event.Kind.STARTED, actor=user)
            audit_log(
                actor=user,
                action=AuditAction.EOFFICE_TASK_STARTED,
                obj=task,
                summary={"deadline": task.deadline.isoformat() if task.deadline else ""},
            )
    return task


def _commune_servants(task: Task, ids: Iterable[int]) -> list[Person]:
    wanted = list(dict.fromkeys(ids))
    people = list(
        Person.objects.filter(
            pk__in=wanted, unit_id=task.person.unit_id, position__in=HANDLER_POSITIONS
        )
    )
    if len(people) != len(wanted):
        raise DomainError(_("Forward only to civil servants of your commune."))
    return people


def document_forward(
    *,
    user: Any,
    document: TaskDocument,
    main_handler_id: int | None,
    coordinator_ids: Sequence[int] = (),
    instruction: str = "",
    deadline: datetime.date | None = None,
    seq: int | None = None,
) -> TaskDocument:
    """ "Chuyển xử lý": exactly one main handler and any coordinators, all civil servants of
    the examinee's commune, an instruction and a deadline. Forwarding again replaces the
    earlier action; the history keeps both. The instruction and deadline are graded, not
    refused, so that the examinee can make the mistakes the test looks for."""
    task = document.task
    _require_open(user, task)
    if document.kind != Kind.INCOMING:
        raise DomainError(_("Only incoming documents are forwarded."))
    if document.scenario.coordinating:
        raise DomainError(
            _(
                "Another leader is in charge of this document: give your coordination "
                "opinion instead."
            )
        )
    if not main_handler_id:
        raise DomainError(_("Choose exactly one main handler."))
    if main_handler_id in coordinator_ids:
        raise DomainError(_("The main handler cannot also be a coordinator."))
    (main,) = _commune_servants(task, [main_handler_id])
    coordinators = _commune_servants(task, coordinator_ids)
    instruction = nfc_text(instruction or "").strip()
    if len(instruction) > MAX_INSTRUCTION:
        raise DomainError(_("The instruction is too long."))
    with transaction.atomic():
        if _stale(document, seq):
            return document
        document.main_handler = main
        document.instruction = instruction
        document.handling_deadline = deadline
        document.forwarded_at = timezone.now()
        document.state = TaskDocument.State.DONE
        document.save(
            update_fields=[
                "main_handler",
                "instruction",
                "handling_deadline",
                "forwarded_at",
                "state",
                "action_seq",
            ]
        )
        document.coordinators.set(coordinators)
        detail = {
            "main_handler": main.full_name,
            "main_position": main.position,
            "coordinators": [p.full_name for p in coordinators],
            "instruction": instruction,
            "deadline": deadline.isoformat() if deadline else None,
        }
        _event(task, Event.Kind.FORWARDED, actor=user, document=document, **detail)
        audit_log(
            actor=user,
            action=AuditAction.EOFFICE_DOCUMENT_FORWARDED,
            obj=task,
            summary={"document": document.scenario.code, **detail},
        )
    return document


def _stale(document: TaskDocument, seq: int | None) -> bool:
    """Lock the document; True when `seq` (the browser's number for this action) is not
    newer than the last applied: a resent action, already stored or overtaken."""
    applied = (
        TaskDocument.objects.select_for_update()
        .filter(pk=document.pk)
        .values_list("action_seq", flat=True)[0]
    )
    if seq is not None and seq <= applied:
        return True
    document.action_seq = applied if seq is None else seq
    return False


def document_give_opinion(
    *, user: Any, document: TaskDocument, opinion: str, seq: int | None = None
) -> TaskDocument:
    """ "Ý kiến phối hợp": on a document another leader is in charge of, the examinee gives
    an opinion to that leader. Giving it again replaces it; the history keeps both. The
    text is graded, not refused."""
    task = document.task
    _require_open(user, task)
    if not document.scenario.coordinating:
        raise DomainError(_("You are not asked to coordinate on this document."))
    opinion = nfc_text(opinion or "").strip()
    if len(opinion) > MAX_INSTRUCTION:
        raise DomainError(_("The opinion is too long."))
    with transaction.atomic():
        if _stale(document, seq):
            return document
        document.opinion = opinion
        document.opinion_at = timezone.now()
        document.save(update_fields=["opinion", "opinion_at", "action_seq"])
        _event(task, Event.Kind.OPINION, actor=user, document=document, opinion=opinion)
        audit_log(
            actor=user,
            action=AuditAction.EOFFICE_OPINION_GIVEN,
            obj=task,
            summary={"document": document.scenario.code, "opinion": opinion},
        )
    return document


def _signing_token(person: Person) -> Any:
    from sathach.signatures.models import LeaderCertificate

    token = (
        LeaderCertificate.objects.filter(person=person, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if token is None:
        raise DomainError(
            _("You have no signing certificate: ask the district to issue one, then set its PIN.")
        )
    return token


def document_sign_draft(*, user: Any, document: TaskDocument, pin: str) -> TaskDocument:
    """ "Ký số" with the examinee's virtual token and PIN, at the draft's signer's place. A
    refused signature (wrong PIN, no certificate) is kept in the history."""
    from sathach.signatures.services import document_sign

    task = document.task
    _require_open(user, task)
    if document.kind != Kind.OUTGOING:
        raise DomainError(_("Only the outgoing draft is signed."))
    try:
        token = _signing_token(task.person)
        x1, y1, x2, y2 = (float(v) for v in document.sign_box)
        signed = document_sign(
            actor=user,
            token=token,
            pin=pin,
            data=bytes(document.pdf),
            box=(x1, y1, x2, y2),
            page=document.sign_page,
        )
    except DomainError as error:
        _event(task, Event.Kind.REFUSED, actor=user, document=document, message=error.message)
        if pin_lock_noted(task=task, document=document, actor=user) is not None:
            raise DomainError(f"{error.message} {_(LOCK_HINT)}") from None
        raise
    return _store_signed(user, task, document, signed, Event.Kind.SIGNED)


def document_upload_signed(*, user: Any, document: TaskDocument, data: bytes) -> TaskDocument:
    """Keep a draft signed elsewhere (a real token's own software); the grading judges it."""
    task = document.task
    _require_open(user, task)
    if document.kind != Kind.OUTGOING:
        raise DomainError(_("Only the outgoing draft is signed."))
    if len(data) > MAX_UPLOAD or not data.startswith(b"%PDF"):
        raise DomainError(_("Upload the signed PDF (at most 10 MB)."))
    if b"%%EOF" not in data[-1024:]:
        raise DomainError(
            _("The PDF is cut off (its end is missing): upload the whole file again.")
        )
    return _store_signed(user, task, document, data, Event.Kind.UPLOADED)


def _store_signed(
    user: Any, task: Task, document: TaskDocument, data: bytes, kind: str
) -> TaskDocument:
    with transaction.atomic():
        document.signed_pdf = data
        document.signed_at = timezone.now()
        document.state = TaskDocument.State.DONE
        document.save(update_fields=["signed_pdf", "signed_at", "state"])
        _event(task, kind, actor=user, document=document, bytes=len(data))
        audit_log(
            actor=user,
            action=AuditAction.EOFFICE_DOCUMENT_SIGNED,
            obj=task,
            summary={"document": document.scenario.code, "how": kind, "bytes": len(data)},
        )
    return document


def _registered_fingerprints(person: Person) -> set[str]:
    from sathach.campaigns.models import SigningDevice
    from sathach.signatures.models import LeaderCertificate

    prints = set(
        LeaderCertificate.objects.filter(person=person).values_list("fingerprint", flat=True)
    )
    prints |= set(
        SigningDevice.objects.filter(person=person, is_active=True).values_list(
            "fingerprint", flat=True
        )
    )
    return {p.lower().replace(":", "") for p in prints}


def _validation_inputs(unit: Any) -> dict[str, Any]:
    """The roots trusted for the leader's unit, the exam CA and its CRL."""
    from sathach.signatures.models import Authority
    from sathach.signatures.trust import trust_roots_for

    issuing = Authority.objects.filter(kind=Authority.Kind.ISSUING).first()
    return {
        "trust_roots": trust_roots_for([unit]),
        "other_certs": [bytes(issuing.certificate)] if issuing else [],
        "crls": [bytes(issuing.crl)] if issuing and issuing.crl else [],
    }


def grade_outgoing(document: TaskDocument, task: Task) -> list[str]:
    """The reasons the signed draft fails; empty when it passes."""
    from sathach.signatures.sandbox import PdfTooComplex, run_bounded
    from sathach.signatures.validation import MALFORMED_PDF, validate_pdf

    if not document.signed_pdf:
        return [grading.NOT_SIGNED]
    data = bytes(document.signed_pdf)
    try:
        # An uploaded file is read in the capped child, as on the verification page.
        verdict = run_bounded(
            validate_pdf,
            data,
            require_visible=True,
            at=document.signed_at,
            **_validation_inputs(task.person.unit),
        )
    except PdfTooComplex:
        return [MALFORMED_PDF]
    reasons = list(verdict.reasons)
    if verdict.signatures:
        first = verdict.signatures[0]
        if first.signer_sha256.lower() not in _registered_fingerprints(task.person):
            reasons.append(grading.NOT_OWN_CERTIFICATE)
        if first.visible and not grading.at_signer_place(
            first, document.sign_page, document.sign_box
        ):
            reasons.append(grading.NOT_AT_SIGNER_PLACE)
        if not data.startswith(bytes(document.pdf)):
            reasons.append(grading.DRAFT_CHANGED)
        signed_at = first.signing_time or document.signed_at
        if task.deadline and signed_at and signed_at > task.deadline + GRACE:
            reasons.append(grading.SIGNED_LATE)
    return reasons


def commune_names(task: Task) -> list[tuple[str, ...]]:
    """What names the examinee's commune's civil servants in an instruction."""
    people = Person.objects.filter(
        unit_id=task.person.unit_id, position__in=HANDLER_POSITIONS
    ).values_list("full_name", "position")
    return grading.handler_names(people)


def document_grade(
    document: TaskDocument, task: Task, names: Sequence[tuple[str, ...]] = ()
) -> tuple[list[str], list[str]]:
    """The reasons a document fails and the remarks on what passes. Dates are judged
    against the task's test day, the day the leader started it."""
    if document.kind == Kind.OUTGOING:
        return grade_outgoing(document, task), []
    scenario = document.scenario
    if scenario.coordinating:
        return grading.grade_coordinating(
            opinion=document.opinion, given=document.opinion_at is not None
        ), []
    forwarded = document.forwarded_at is not None and document.main_handler_id is not None
    chosen = [p.position for p in document.coordinators.all()]
    reasons = grading.grade_incoming(
        forwarded=forwarded,
        handler_position=document.main_handler.position if document.main_handler else None,
        expected_position=scenario.main_handler,
        instruction=document.instruction,
        deadline=document.handling_deadline,
        given_on=task.test_day,
        latest=document.latest_deadline,
        coordinator_positions=chosen,
        acceptable_coordinators=scenario.coordinators,
        coordinator_required=scenario.coordinator_required,
        beyond=scenario.coordinators_beyond,
        names=names,
    )
    remarks = grading.incoming_remarks(
        forwarded=forwarded,
        coordinator_positions=chosen,
        acceptable_coordinators=scenario.coordinators,
        beyond=scenario.coordinators_beyond,
    )
    return reasons, remarks


def counted_task(campaign: Campaign, person: Any) -> Task | None:
    """The submitted task that is the leader's result, by the campaign's retake policy: the
    retake (`last`), or the better of the two (`best`)."""
    submitted = list(
        Task.objects.filter(
            campaign=campaign, person=person, status=Task.Status.SUBMITTED
        ).order_by("round")
    )
    if not submitted:
        return None
    if campaign.retake_policy == Campaign.RetakePolicy.BEST:
        return max(submitted, key=lambda t: (bool(t.final_passed), t.passed_count, t.round))
    return submitted[-1]


def _record(actor: Any, task: Task) -> None:
    """Record the leader's e-office result in the campaign. A task submitted while the
    campaign had gone back from testing is recorded when testing resumes
    (`tasks_record_pending`)."""
    if task.campaign.status not in RECORDING:
        return
    task = counted_task(task.campaign, task.person) or task
    total = task.documents.count()
    result_record(
        actor=actor,
        campaign=task.campaign,
        person=task.person,
        content=Result.Content.EOFFICE,
        outcome=Result.Outcome.PASSED if task.final_passed else Result.Outcome.FAILED,
        source=Result.Source.EOFFICE,
        score=Decimal(task.passed_count),
        max_score=Decimal(total),
    )


def task_submit(*, actor: Any, task: Task, by: str) -> Task:
    """Submit, grade every document with its reasons, and record the result of content 2
    in the campaign. Submitting twice is harmless."""
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("campaign", "person__unit")
            .get(pk=task.pk)
        )
        if task.status == Task.Status.SUBMITTED:
            return task
        if task.status != Task.Status.IN_PROGRESS:
            raise DomainError(_("The test has not started."))
        now = timezone.now()
        documents = list(task.documents.select_related("scenario", "main_handler"))
        passed = 0
        names = commune_names(task)
        for document in documents:
            document.reasons, document.remarks = document_grade(document, task, names)
            document.passed = not document.reasons
            document.save(update_fields=["reasons", "remarks", "passed"])
            passed += document.passed
        task.status = Task.Status.SUBMITTED
        task.submitted_by = by
        task.submitted_at = (
            min(now, task.deadline) if by == Task.SubmittedBy.DEADLINE and task.deadline else now
        )
        task.passed_count = passed
        task.passed = passed >= task.campaign.content2_required(len(documents))
        task.save(
            update_fields=["status", "submitted_by", "submitted_at", "passed_count", "passed"]
        )
        _event(task, Event.Kind.SUBMITTED, actor=actor, by=by, passed=task.passed)
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_TASK_SUBMITTED,
            obj=task,
            summary={"by": by, "passed": task.passed, "documents_passed": passed},
        )
        _record(actor, task)
    return task


def tasks_record_pending(*, actor: Any, campaign: Campaign) -> int:
    """Record every submitted task of the campaign that has no e-office result yet;
    returns how many. Run when the campaign's testing resumes, so no result is dropped."""
    if campaign.status not in RECORDING:
        return 0
    recorded = Result.objects.filter(campaign=campaign, content=Result.Content.EOFFICE).values_list(
        "person_id", flat=True
    )
    pending = Task.objects.filter(campaign=campaign, status=Task.Status.SUBMITTED).exclude(
        person_id__in=recorded
    )
    count = 0
    for task in pending.select_related("campaign", "person"):
        _record(actor, task)
        count += 1
    return count


def tasks_submit_overdue(now: datetime.datetime | None = None) -> int:
    """Submit every task whose time and grace have run out. Safe to run again."""
    now = now or timezone.now()
    overdue = Task.objects.filter(status=Task.Status.IN_PROGRESS, deadline__lt=now - GRACE)
    count = 0
    for task in overdue.only("pk"):
        task_submit(actor=None, task=task, by=Task.SubmittedBy.DEADLINE)
        count += 1
    return count


def task_override(*, actor: Any, task: Task, passed: bool, reason: str) -> Task:
    """The district sets the outcome of a submitted task by hand, with a written reason;
    the campaign's result follows."""
    reason = nfc_text(reason).strip()
    if len(reason) < 10:
        raise DomainError(_("Write the reason for the change (at least 10 characters)."))
    if task.status != Task.Status.SUBMITTED:
        raise DomainError(_("Only a submitted test can be changed."))
    with transaction.atomic():
        task.override_passed = passed
        task.override_reason = reason
        task.save(update_fields=["override_passed", "override_reason"])
        _event(task, Event.Kind.OVERRIDDEN, actor=actor, passed=passed, reason=reason)
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_TASK_OVERRIDDEN,
            obj=task,
            summary={"passed": passed, "reason": reason, "graded": task.passed},
        )
        if task.campaign.status in RECORDING:
            result_override(
                actor=actor,
                campaign=task.campaign,
                person=task.person,
                content=Result.Content.EOFFICE,
                outcome=Result.Outcome.PASSED if passed else Result.Outcome.FAILED,
                reason=reason,
            )
    return task
