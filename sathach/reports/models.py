"""The signed Giấy khen files of the certificate batches (the jobs themselves are
`sathach.core.models.Job`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sathach.campaigns.models import Award
from sathach.core.models import Job, job_result_path

__all__ = ["CertificateFile", "Job", "certificate_path", "job_result_path"]


def certificate_path(instance: CertificateFile, filename: str) -> str:
    return f"giay-khen/{instance.award.decision.campaign_id}/{filename}"


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
