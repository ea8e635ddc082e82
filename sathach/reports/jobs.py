"""Background jobs of the reports app, run by the django-tasks database worker
(`sathach worker`).

The Giấy khen batch needs the Chairman's PIN in another process. The PIN never goes into
the task's arguments (stored in clear by the task backend) nor into the database in clear:
the request checks it, then stores it in the job row encrypted with AES-GCM under a key
derived from SECRET_KEY (which is not in the database) and bound to the job's id. The
worker decrypts it, empties the column before it signs anything, and refuses a PIN older
than SIGNING_JOB_TTL. A copy of the database alone reveals nothing; the window in which
database and SECRET_KEY together would reveal the PIN is the time the job waits in the
queue. See docs/REPORTS.md."""

from __future__ import annotations

import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from sathach.campaigns.models import Campaign
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.jobs import job_create, job_fail, job_failing_on_errors
from sathach.core.models import Job
from sathach.reports.awards import (
    award_certificate_sign,
    certificates_prepare,
    certificates_zip,
)
from sathach.reports.models import CertificateFile


def _job_key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sathach job pin").derive(
        settings.SECRET_KEY.encode()
    )


def pin_seal(job: Job, pin: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_job_key()).encrypt(nonce, pin.encode(), f"job:{job.pk}".encode())


def pin_unseal(job: Job, sealed: bytes) -> str:
    try:
        return (
            AESGCM(_job_key()).decrypt(sealed[:12], sealed[12:], f"job:{job.pk}".encode()).decode()
        )
    except (InvalidTag, ValueError):
        raise DomainError(_("The PIN of this batch cannot be read: start it again.")) from None


def award_certificates_start(*, actor: Any, campaign: Campaign, pin: str) -> Job:
    """Check the PIN and queue the signing of every award's Giấy khen. Refused at once
    when there are no awards, the district Chairman has no usable certificate or the PIN
    is wrong."""
    _token, awards = certificates_prepare(campaign=campaign, pin=pin)
    with transaction.atomic():
        job = job_create(
            actor=actor,
            kind=Job.Kind.CERTIFICATES,
            campaign=campaign,
            unit=campaign.issuing_unit,
            total=len(awards) + 1,  # every certificate, then the zip
        )
        job.secret = pin_seal(job, pin)
        # The downloads are on the Giấy khen page of the job.
        job.next_url = reverse("report-certificates-job", args=[campaign.pk, job.pk])
        job.save(update_fields=["secret", "next_url"])
        audit_log(
            actor=actor,
            action=AuditAction.CERTIFICATES_STARTED,
            obj=job,
            unit=campaign.issuing_unit,
            summary={"campaign": campaign.code, "awards": len(awards)},
        )
    result = award_certificates_run.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


@task()
def award_certificates_run(job_id: int) -> int:
    """The worker's side of a Giấy khen batch: sign each award's certificate, then zip
    them. Returns how many were signed."""
    job = Job.objects.select_related("campaign", "created_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED or job.campaign is None:
        return 0
    sealed = bytes(job.secret)
    # The PIN leaves the database before anything else happens.
    Job.objects.filter(pk=job.pk).update(
        secret=b"", status=Job.Status.RUNNING, started_at=timezone.now()
    )
    age = (timezone.now() - job.created_at).total_seconds()
    if not sealed or age > settings.SIGNING_JOB_TTL:
        job_fail(job, _("The batch waited too long for the worker: enter the PIN again."))
        return 0
    # A refusal, or anything unexpected, ends the job as failed with a sentence: the page
    # never goes on saying the certificates are being signed.
    with job_failing_on_errors(job):
        pin = pin_unseal(job, sealed)
        token, awards = certificates_prepare(campaign=job.campaign, pin=pin)
        errors: list[str] = []
        signed: list[CertificateFile] = []
        for award in awards:
            try:
                signed.append(
                    award_certificate_sign(
                        actor=job.created_by, award=award, token=token, pin=pin, job=job
                    )
                )
            except DomainError as error:
                errors.append(f"{award.unit.name}: {error.message}")
                Job.objects.filter(pk=job.pk).update(errors=errors)
            Job.objects.filter(pk=job.pk).update(done=F("done") + 1)
        del pin
        job.refresh_from_db()
        if signed:
            job.result.save(
                f"giay-khen-{job.campaign.code.replace('/', '-')}.zip",
                ContentFile(certificates_zip(signed)),
                save=False,
            )
        Job.objects.filter(pk=job.pk).update(
            result=job.result.name,
            done=job.total,
            errors=errors,
            status=Job.Status.DONE if signed else Job.Status.FAILED,
            finished_at=timezone.now(),
        )
        return len(signed)
    return 0
