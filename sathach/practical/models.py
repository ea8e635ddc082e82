"""What the leaders hand in for practical tasks, how each file was graded, and what a proctor
changed.

A practical slot of an attempt (`exams.AttemptItem` whose version is a file task) keeps
every file uploaded for it (`Upload`); the last one received before the deadline counts.
Each file is graded once per question version (`Grading`): fixing a task's criterion makes a
new version, and the regrade grades the kept file again against it. A proctor may set the
points of one criterion with a reason (`Override`); the grading keeps its own verdict.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sathach.exams.models import Attempt, AttemptItem, QuestionVersion


class Upload(models.Model):
    class Origin(models.TextChoices):
        OWN = "own", _("made from this attempt's download")
        OTHER = "other", _("made from another examinee's download")
        NONE = "none", _("not made from the downloaded file")
        NOT_ASKED = "not_asked", _("no file to download")

    item = models.ForeignKey(AttemptItem, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(upload_to="practical/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("received at"), default=timezone.now)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    # The attempt whose download the file was made from, when it is another's.
    origin_attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")
        ordering = ["item", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def flagged(self) -> bool:
        """Whether the proctor should look at where the file came from."""
        return self.origin in (self.Origin.OTHER, self.Origin.NONE)


class Grading(models.Model):
    """The verdicts of one file against one version of its task:
    [{"key", "label", "weight", "earned", "reason"}], earned a share 0 to 1 as a string."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being graded")
        DONE = "done", _("Graded")

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="gradings")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    verdicts = models.JSONField(default=list)
    graded_at = models.DateTimeField(null=True, blank=True)
    # How long the grader took (ms), for the benchmark and the operators.
    took_ms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "version"], name="grading_unique")]

    def __str__(self) -> str:
        return f"{self.upload_id}/{self.version_id}"


class Override(models.Model):
    """The points a proctor (or the district) gave one criterion of a slot, with the reason;
    they replace the grader's verdict for that criterion in every later grading."""

    item = models.ForeignKey(AttemptItem, on_delete=models.CASCADE, related_name="overrides")
    key = models.CharField(max_length=40)
    points = models.DecimalField(max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "key"], name="override_unique_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.key}"
