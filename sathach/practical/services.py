"""Receiving a leader's file for a practical slot, grading it, and a proctor's change of one
criterion. Every change is one transaction with its audit entry."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.exams.models import Attempt, AttemptItem, QuestionVersion
from sathach.practical import kinds
from sathach.practical.files import check_upload, mark_owner
from sathach.practical.graders.base import all_zero
from sathach.practical.models import Grading, Override, Upload
from sathach.practical.scoring import Row, fraction_of, rows_of, verdicts_as_json, weight_of

logger = logging.getLogger(__name__)


def _origin(item: AttemptItem, mark: str | None, starter: bool) -> tuple[str, int | None]:
    owner = mark_owner(mark)
    if owner == (item.attempt_id, item.position):
        return Upload.Origin.OWN, None
    if owner is not None:
        return Upload.Origin.OTHER, owner[0]
    return (Upload.Origin.NONE if starter else Upload.Origin.NOT_ASKED), None


def upload_receive(
    *, user: Any, attempt: Attempt, position: int, token: str, name: str, data: bytes
) -> Upload:
    """Keep the file `data` the examinee sent for slot `position` of their attempt, while the
    attempt is open in this browser; queue its grading. Raises DomainError (Vietnamese)
    when it cannot be accepted, and then keeps nothing."""
    from sathach.exams.services.attempts import attempt_state

    name = nfc(name.replace("\\", "/").rsplit("/", 1)[-1])[:200] or "tep"
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("session", "person__unit")
            .get(pk=attempt.pk)
        )
        if attempt.token != token:
            raise DomainError(_("This test is open on another computer; send the file there."))
        state = attempt_state(attempt, timezone.now())
        if state != "open":
            raise DomainError(
                {
                    "paused": _("The proctor has paused the test: send the file when it resumes."),
                    "ready": _("The test has not started."),
                }.get(state, _("The time is over: the file was not accepted."))
            )
        item = (
            attempt.items.select_related("version")
            .filter(position=position, version__type__in=kinds.FILE_KINDS)
            .first()
        )
        if item is None:
            raise DomainError(_("This question does not take a file."))
        checked = check_upload(data, name, item.version.type)
        origin, origin_attempt = _origin(
            item, checked.mark, bool(kinds.starter_wanted(item.version.type, item.version.data))
        )
        upload = Upload(
            item=item,
            name=name,
            extension=checked.extension,
            size=len(data),
            sha256=checked.sha256,
            origin=origin,
            origin_attempt_id=origin_attempt,
        )
        upload.file.save(f"{checked.sha256[:16]}{checked.extension}", ContentFile(data), save=False)
        upload.save()
        item.response = {"file": name, "sha256": checked.sha256[:12]}
        item.saved_at = upload.uploaded_at
        item.save(update_fields=["response", "saved_at"])
        audit_log(
            actor=user,
            action=AuditAction.PRACTICAL_UPLOADED,
            obj=attempt,
            unit=attempt.person.unit,
            summary={
                "position": position,
                "file": name,
                "size": len(data),
                "sha256": checked.sha256,
                "origin": origin,
            },
        )
        Grading.objects.get_or_create(upload=upload, version=item.version)
        transaction.on_commit(lambda: _enqueue_grading(upload.pk))
    return upload


def _enqueue_grading(upload_id: int) -> None:
    from sathach.practical.jobs import upload_grade_run

    try:
        upload_grade_run.enqueue(upload_id)
    except Exception:  # the worker grades it at the latest when the attempt is submitted
        logger.exception("the grading of upload %s could not be queued", upload_id)


def upload_grade(upload: Upload, version: QuestionVersion) -> Grading:
    """Grade `upload` against `version` of its task, once: a grading already done is
    returned as it is."""
    grading, _created = Grading.objects.get_or_create(upload=upload, version=version)
    if grading.status == Grading.Status.DONE:
        return grading
    started = time.monotonic()
    specs = list(version.data.get("criteria") or [])
    grader = kinds.grader(version.type)
    try:
        with upload.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        verdicts = all_zero(specs, _("The file is missing from the server's storage."))
    else:
        verdicts = grader.grade(
            data, upload.extension, specs, starter=version.data.get("starter") or {}
        )
    labels = {key: str(c.label) for key, c in kinds.criteria(version.type).items()}
    Grading.objects.filter(pk=grading.pk).update(
        status=Grading.Status.DONE,
        verdicts=verdicts_as_json(specs, verdicts, labels),
        graded_at=timezone.now(),
        took_ms=int((time.monotonic() - started) * 1000),
    )
    grading.refresh_from_db()
    return grading


def counted_uploads(item_ids: Iterable[int]) -> dict[int, Upload]:
    """The upload that counts for each slot: the last one received (uploads after the
    deadline are refused, so the last is the last before it)."""
    counted: dict[int, Upload] = {}
    for upload in Upload.objects.filter(item_id__in=list(item_ids)).order_by("uploaded_at", "pk"):
        counted[upload.item_id] = upload
    return counted


def _overrides(item_ids: Iterable[int]) -> dict[int, dict[str, Override]]:
    found: dict[int, dict[str, Override]] = {}
    for override in Override.objects.filter(item_id__in=list(item_ids)):
        found.setdefault(override.item_id, {})[override.key] = override
    return found


def typed_rows(version: QuestionVersion, response: Any, overrides: dict[str, Any]) -> list[Row]:
    specs = list(version.data.get("criteria") or [])
    verdicts = kinds.grader("typing").grade_typed(
        response, specs, starter=version.data.get("starter") or {}
    )
    labels = {key: str(c.label) for key, c in kinds.criteria("typing").items()}
    return rows_of(verdicts_as_json(specs, verdicts, labels), overrides)


def slot_rows(items: list[AttemptItem], *, grade_missing: bool) -> dict[int, list[Row] | None]:
    """The criteria rows of each practical slot; None for a file slot whose file is still
    being graded (or has no file: then []). `grade_missing` grades now what the worker has
    not graded yet (at submission, at regrading)."""
    file_items = [item for item in items if item.version.type in kinds.FILE_KINDS]
    uploads = counted_uploads(item.pk for item in file_items)
    overrides = _overrides(item.pk for item in items)
    gradings = {
        (g.upload_id, g.version_id): g
        for g in Grading.objects.filter(upload__in=list(uploads.values()))
    }
    found: dict[int, list[Row] | None] = {}
    for item in items:
        if item.version.type == "typing":
            found[item.pk] = typed_rows(item.version, item.response, overrides.get(item.pk, {}))
            continue
        if item.version.type not in kinds.FILE_KINDS:
            continue
        upload = uploads.get(item.pk)
        if upload is None:
            found[item.pk] = []
            continue
        grading = gradings.get((upload.pk, item.version_id))
        if (grading is None or grading.status != Grading.Status.DONE) and grade_missing:
            grading = upload_grade(upload, item.version)
        if grading is None or grading.status != Grading.Status.DONE:
            found[item.pk] = None
        else:
            found[item.pk] = rows_of(grading.verdicts, overrides.get(item.pk, {}))
    return found


def practical_fractions(attempt: Attempt) -> dict[int, Decimal]:
    """The fraction earned by each practical slot of `attempt`, grading now any file the
    worker has not graded yet (the attempt is being submitted or regraded)."""
    items = list(
        attempt.items.select_related("version").filter(
            version__type__in=(*kinds.FILE_KINDS, "typing")
        )
    )
    rows = slot_rows(items, grade_missing=True)
    return {pk: fraction_of(found or []) for pk, found in rows.items()}


def criterion_override(
    *, actor: Any, item: AttemptItem, key: str, points: str, reason: str
) -> Override:
    """Set the points of criterion `key` of a practical slot, with the reason; a submitted
    attempt is graded again at once and its result recorded."""
    from sathach.exams.services.attempts import attempt_regrade

    reason = nfc(reason).strip()
    if not reason:
        raise DomainError(_("Give the reason for the change."))
    specs = {str(s.get("key")): s for s in item.version.data.get("criteria") or []}
    if key not in specs:
        raise DomainError(_("This task has no such criterion."))
    weight = weight_of(specs[key])
    try:
        value = Decimal(points.strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value > weight:
        raise DomainError(
            _("The points must be a number from 0 to %(weight)s.")
            % {"weight": str(weight.normalize()).replace(".", ",")}
        )
    with transaction.atomic():
        override, _created = Override.objects.update_or_create(
            item=item,
            key=key,
            defaults={"points": value, "reason": reason, "by": actor, "at": timezone.now()},
        )
        attempt = Attempt.objects.select_related(
            "session__campaign__blueprint", "person__unit"
        ).get(pk=item.attempt_id)
        if attempt.status == Attempt.Status.SUBMITTED:
            attempt_regrade(actor=actor, attempt=attempt)
        audit_log(
            actor=actor,
            action=AuditAction.PRACTICAL_OVERRIDDEN,
            obj=attempt,
            unit=attempt.person.unit,
            summary={
                "position": item.position,
                "criterion": key,
                "points": str(value),
                "reason": reason,
            },
        )
    return override
