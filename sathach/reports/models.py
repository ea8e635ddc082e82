"""Background jobs with their progress, and the signed Giấy khen files they produce."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sathach.campaigns.models import Award, Campaign
from sathach.organization.models import AdministrativeUnit


def job_result_path(instance: Job, filename: str) -> str:
    return f"jobs/{instance.pk}/{filename}"


def certificate_path(instance: CertificateFile, filename: str) -> str:
    return f"giay-khen/{instance.award.decision.campaign_id}/{filename}"


class Job(models.Model):
    """One long piece of work run by the task worker, with what a page shows of it:
    how many steps, how many done, the errors in Vietnamese and the file it produced.

    `secret` holds the PIN of a signing batch encrypted for this job only (see
    `sathach.reports.jobs.pin_seal`); the worker empties it before it signs anything."""

    class Kind(models.TextChoices):
        CERTIFICATES = "certificates", _("Award certificates")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("steps"), default=0)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    secret = models.BinaryField(default=b"", blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True)
    result = models.FileField(_("result"), upload_to=job_result_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return (100 * self.done) // self.total if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class CertificateFile(models.Model):
    """One signed Giấy khen PDF of an award. The latest file of an award is the one
    offered for download; earlier ones stay for the record."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="certificate_files")
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    file = models.FileField(_("file"), upload_to=certificate_path)
    sha256 = models.CharField(max_length=64)
    signer_serial = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award certificate file")
        verbose_name_plural = _("award certificate files")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file.name
