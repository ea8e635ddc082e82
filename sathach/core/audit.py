"""Writing and checking the audit log. Every service calls `audit_log` once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sathach.core.models import GENESIS_HASH, AuditEntry, AuditHead


class AuditAction(models.TextChoices):
    """Every action code the services write. Codes are stable; labels are for people."""

    LOGIN = "auth.login", _("Signed in")
    LOGIN_FAILED = "auth.login_failed", _("Failed sign-in")
    LOGOUT = "auth.logout", _("Signed out")
    PASSWORD_CHANGED = "auth.password_changed", _("Password changed")
    UNIT_CREATED = "unit.created", _("Unit created")
    UNIT_UPDATED = "unit.updated", _("Unit updated")
    UNITS_IMPORTED = "unit.imported", _("Units imported")
    UNITS_LOADED_OFFICIAL = "unit.loaded_official", _("Units loaded from the official list")
    UNITS_MIGRATED_2025 = (
        "unit.migrated_2025",
        _("People and accounts moved to the communes of 1/7/2025"),
    )
    PERSON_CREATED = "person.created", _("Person added")
    PERSON_UPDATED = "person.updated", _("Person updated")
    PEOPLE_IMPORTED = "person.imported", _("People imported")
    USER_CREATED = "user.created", _("Account created")
    USER_UPDATED = "user.updated", _("Account updated")
    ROLE_GRANTED = "user.role_granted", _("Role granted")
    ROLE_REVOKED = "user.role_revoked", _("Role revoked")
    EXAMINEE_CREDENTIALS_ISSUED = "user.examinee_credentials", _("Examinee credentials issued")
    ACCOUNT_UNLOCKED = "user.unlocked", _("Sign-in lock lifted")
    DEMO_LOADED = "demo.loaded", _("Demo data loaded")
    DEMO_RESET = "demo.reset", _("Demo campaign reset")
    QUESTIONS_IMPORTED = "exam.questions_imported", _("Questions imported")
    QUESTION_REVISED = "exam.question_revised", _("Question changed")
    QUESTION_BANK_SHARED = "exam.bank_shared", _("Question bank shared or unshared")
    BLUEPRINT_SAVED = "exam.blueprint_saved", _("Test blueprint saved")
    SESSION_CREATED = "exam.session_created", _("Exam session created")
    SESSION_EXAMINEE_MOVED = "exam.examinee_moved", _("Examinee moved to another session")
    SESSION_RESCHEDULED = "exam.session_rescheduled", _("Exam session's time or room changed")
    SESSION_PREPARED = "exam.session_prepared", _("Exam forms drawn")
    SESSION_STATUS_CHANGED = "exam.session_status", _("Exam session opened, paused or closed")
    ATTEMPT_STARTED = "exam.attempt_started", _("Attempt started")
    ATTEMPT_SUBMITTED = "exam.attempt_submitted", _("Attempt submitted")
    ATTEMPT_EXTRA_TIME = "exam.extra_time", _("Extra time given")
    ATTEMPT_REOPENED = "exam.attempt_reopened", _("Attempt reopened")
    ATTEMPT_CODE_UNLOCKED = "exam.code_unlocked", _("Access code entry unlocked")
    EXAM_REGRADED = "exam.regraded", _("Attempts regraded")
    PRACTICAL_UPLOADED = "exam.practical_uploaded", _("Practical task's file received")
    PRACTICAL_OVERRIDDEN = "exam.practical_overridden", _("Practical task's criterion changed")
    EXAM_STATISTICS_COMPUTED = "exam.statistics_computed", _("Test statistics computed")
    PKI_INITIALISED = "pki.initialised", _("Exam PKI created")
    CERTIFICATE_ISSUED = "pki.certificate_issued", _("Signing certificate issued")
    CERTIFICATE_REVOKED = "pki.certificate_revoked", _("Signing certificate revoked")
    TOKEN_PIN_SET = "pki.pin_set", _("Signing PIN set or changed")
    CRL_PUBLISHED = "pki.crl_published", _("Revocation list published")
    TRUST_ANCHOR_ADDED = "pki.trust_added", _("Trusted root added")
    TRUST_ANCHOR_REMOVED = "pki.trust_removed", _("Trusted root removed")
    SIGNATURE_IMAGE_SAVED = "pki.signature_image", _("Signature picture uploaded")
    DOCUMENT_SIGNED = "pki.document_signed", _("Document signed")
    DOCUMENT_SEALED = "pki.document_sealed", _("Organisation's signature added")
    DOCUMENT_SIGNED_ON_TOKEN = "pki.document_signed_token", _("Document signed with a USB token")
    REMOTE_SIGNING_PREPARED = "pki.remote_prepared", _("Document prepared for signing on a token")
    REMOTE_SIGNING_FINISHED = "pki.remote_finished", _("Document signed on the leader's own token")
    CAMPAIGN_CREATED = "campaign.created", _("Campaign created")
    CAMPAIGN_COPIED = "campaign.copied", _("Campaign copied into a new round")
    CAMPAIGN_UPDATED = "campaign.updated", _("Campaign updated")
    CAMPAIGN_STATUS_CHANGED = "campaign.status_changed", _("Campaign status changed")
    CAMPAIGN_RULES_SET = "campaign.rules_set", _("Pass rules set")
    ROSTER_FROZEN = "roster.frozen", _("Roster frozen for the test day")
    ROSTER_RELEASED = "roster.released", _("Frozen roster released")
    ROSTER_CORRECTED = "roster.corrected", _("Frozen roster corrected")
    APPEAL_DEADLINE_SET = "appeal.deadline_set", _("Appeal deadline set")
    APPEAL_REQUESTED = "appeal.requested", _("Review of a result requested")
    APPEAL_DECIDED = "appeal.decided", _("Review of a result decided")
    DEVICE_REGISTERED = "device.registered", _("Signing device registered")
    DEVICE_RETIRED = "device.retired", _("Signing device retired")
    FACILITY_ITEM_SAVED = "facility.item_saved", _("Facility checklist item saved")
    FACILITY_DECLARED = "facility.declared", _("Facility declared")
    FACILITY_REVIEWED = "facility.reviewed", _("Facility verified")
    RESULT_RECORDED = "result.recorded", _("Result recorded")
    RESULT_OVERRIDDEN = "result.overridden", _("Result changed by the district")
    RESULTS_IMPORTED = "result.imported", _("Results imported")
    RANKING_APPROVED = "ranking.approved", _("Ranking approved")
    AWARDS_GRANTED = "award.granted", _("Awards granted")
    REPORT_EXPORTED = "report.exported", _("Report exported")
    CERTIFICATES_STARTED = "award.certificates_started", _("Award certificates batch started")
    CERTIFICATE_SIGNED = "award.certificate_signed", _("Award certificate signed")
    NOTICES_QUEUED = "notice.queued", _("Notices to the leaders queued")
    NOTICE_RESENT = "notice.resent", _("Notice sent again")
    EOFFICE_SCENARIOS_LOADED = "eoffice.scenarios_loaded", _("E-office scenarios loaded")
    EOFFICE_TASK_PREPARED = "eoffice.task_prepared", _("E-office documents drawn")
    EOFFICE_TASK_STARTED = "eoffice.task_started", _("E-office test started")
    EOFFICE_DOCUMENT_FORWARDED = "eoffice.forwarded", _("Document forwarded for handling")
    EOFFICE_DOCUMENT_SIGNED = "eoffice.signed", _("Outgoing draft signed or uploaded")
    EOFFICE_TASK_SUBMITTED = "eoffice.task_submitted", _("E-office test submitted")
    EOFFICE_TASK_OVERRIDDEN = "eoffice.task_overridden", _("E-office result changed")
    EOFFICE_EXTRA_TIME = "eoffice.extra_time", _("E-office test: extra time given")
    EOFFICE_REOPENED = "eoffice.reopened", _("E-office test reopened")
    EOFFICE_PIN_UNLOCKED = "eoffice.pin_unlocked", _("E-office test: signing PIN unlocked")
    OFFICE_SESSION_CREATED = "eoffice.session_created", _("E-office session created")
    OFFICE_SESSION_EXAMINEE_MOVED = (
        "eoffice.examinee_moved",
        _("Examinee moved to another e-office session"),
    )
    OFFICE_SESSION_RESCHEDULED = (
        "eoffice.session_rescheduled",
        _("E-office session's time or room changed"),
    )
    OFFICE_SESSION_STATUS_CHANGED = "eoffice.session_status", _("E-office session status changed")
    EOFFICE_OPINION_GIVEN = "eoffice.opinion", _("Coordination opinion given")
    EOFFICE_SCENARIO_SAVED = "eoffice.scenario_saved", _("E-office scenario saved")
    EOFFICE_SCENARIO_TOGGLED = (
        "eoffice.scenario_toggled",
        _("E-office scenario enabled or disabled"),
    )
    EOFFICE_SET_SAVED = "eoffice.set_saved", _("Campaign's e-office scenario set saved")
    EOFFICE_SCENARIO_COPIED = "eoffice.scenario_copied", _("E-office scenario copied")
    SIGNED_DOCUMENT_ACCEPTED = (
        "pki.signed_document_accepted",
        _("Document signed elsewhere checked"),
    )


def audit_log(
    *,
    actor: Any,
    action: AuditAction,
    obj: models.Model | None = None,
    unit: Any = None,
    summary: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Call it inside the service's transaction, as late in
    it as the service allows: the chain's head stays locked until the commit. (No savepoint of
    its own: whatever fails here fails the service's transaction.)"""
    with transaction.atomic(savepoint=False):
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        user = actor if getattr(actor, "is_authenticated", False) else None
        if obj is not None and unit is None:
            unit = _unit_of(obj)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=user,
            actor_label=(str(actor.username) if user else str(actor or "system"))[:150],
            action=str(action),
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            unit=unit,
            unit_path=getattr(unit, "path", "") or "",
            summary=summary or {},
            prev_hash=head.hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def _unit_of(obj: models.Model) -> Any:
    """The unit an entry about `obj` is filed under, so that its admins can read it: the
    object's `audit_unit` where its model defines one (a unit is its own, an account its
    first role's), else its `unit`. (core knows no app's models: each says it itself.)"""
    if hasattr(type(obj), "audit_unit"):
        return obj.audit_unit  # type: ignore[attr-defined]
    return getattr(obj, "unit", None)


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    message: str


def audit_verify() -> tuple[int, list[AuditProblem]]:
    """Recompute the chain. Returns the number of entries read and every problem found."""
    problems: list[AuditProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                AuditProblem(
                    expected_seq,
                    str(_("entries %(first)s to %(last)s are missing (deleted)"))
                    % {"first": expected_seq, "last": entry.seq - 1},
                )
            )
        if entry.prev_hash != prev_hash:
            problems.append(AuditProblem(entry.seq, str(_("does not follow the entry before it"))))
        if entry.compute_hash() != entry.hash:
            problems.append(
                AuditProblem(entry.seq, str(_("its content was changed after it was written")))
            )
        prev_hash = entry.hash
        expected_seq = entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        if head.seq > last_seq:
            problems.append(
                AuditProblem(
                    last_seq + 1,
                    str(_("entries %(first)s to %(last)s are missing (deleted)"))
                    % {"first": last_seq + 1, "last": head.seq},
                )
            )
        else:
            problems.append(
                AuditProblem(last_seq, str(_("the end of the chain does not match its head")))
            )
    return count, problems
