"""One notice to one leader through one channel, with what became of it: the page per
campaign lists them, the worker sends them and records the provider's answer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sathach.campaigns.models import Campaign
from sathach.eoffice.models import OfficeSession
from sathach.exams.models import ExamSession
from sathach.organization.models import Person, User


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS / Zalo")

    class Kind(models.TextChoices):
        SESSION_SCHEDULED = "session_scheduled", _("Session scheduled or moved")
        REMINDER_DAY = "session_reminder_day", _("Reminder the day before")
        REMINDER_HOUR = "session_reminder_hour", _("Reminder one hour before")
        SESSION_MOVED = "session_moved", _("Session, time or room changed")
        COMMUNE_LIST = "commune_list", _("Commune's list for its officer")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("message status", "Queued")
        SENT = "sent", pgettext_lazy("message status", "Sent")
        FAILED = "failed", pgettext_lazy("message status", "Failed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    # The leader notified; empty for a commune officer's list, whose account is `user`.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    # The sitting the notice is about: an IT-skills session or an e-office session.
    session = models.ForeignKey(
        ExamSession, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    office_session = models.ForeignKey(
        OfficeSession, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(pgettext_lazy("e-mail", "subject"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            # The reminder command may run twice (or twice at once): one reminder of each
            # kind per session, leader and channel, whatever happens.
            models.UniqueConstraint(
                fields=["session", "person", "kind", "channel"],
                condition=models.Q(kind__in=["session_reminder_day", "session_reminder_hour"]),
                name="notices_one_reminder_per_kind",
            ),
            models.UniqueConstraint(
                fields=["office_session", "person", "kind", "channel"],
                condition=models.Q(kind__in=["session_reminder_day", "session_reminder_hour"]),
                name="notices_one_office_reminder_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def sitting(self) -> ExamSession | OfficeSession | None:
        return self.session or self.office_session

    @property
    def addressee(self) -> str:
        """Whom the page names: the leader, or the commune officer for a commune's list."""
        if self.person is not None:
            return self.person.full_name
        return self.user.full_name if self.user is not None else ""
