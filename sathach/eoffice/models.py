"""The e-office test (content 2): a sandbox document system per examinee.

A `Scenario` is a document of the bank: an incoming one with what a leader is expected to do
with it (the main handler's position, the acceptable coordinators, the latest acceptable
deadline), or an outgoing draft with the signer's place. A campaign's `ScenarioSet` says
what each examinee draws; an examinee's `Task` holds the drawn copies (`TaskDocument`), each
with its own register data, PDF and the examinee's action, and every action is an `Event`.
Dates inside a document are relative to the test day: the day the task is drawn, moved to
the day the leader starts it, so that neither the bank nor a draw ever goes stale.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sathach.campaigns.models import Campaign
from sathach.core.text import nfc
from sathach.organization.models import AdministrativeUnit, Person, Position


class Kind(models.TextChoices):
    INCOMING = "incoming", _("Incoming document")
    OUTGOING = "outgoing", _("Outgoing draft")


class DocumentType(models.TextChoices):
    OFFICIAL_LETTER = "cong_van", _("Official letter (công văn)")
    PLAN = "ke_hoach", _("Plan (kế hoạch)")
    DECISION = "quyet_dinh", _("Decision (quyết định)")
    NOTICE = "thong_bao", _("Notice (thông báo)")
    INVITATION = "giay_moi", _("Invitation (giấy mời)")
    REPORT = "bao_cao", _("Report (báo cáo)")


# The name of each type as printed above the trích yếu (a công văn prints none).
TYPE_TITLES = {
    "cong_van": "",
    "ke_hoach": "KẾ HOẠCH",
    "quyet_dinh": "QUYẾT ĐỊNH",
    "thong_bao": "THÔNG BÁO",
    "giay_moi": "GIẤY MỜI",
    "bao_cao": "BÁO CÁO",
}


class Urgency(models.TextChoices):
    NORMAL = "thuong", _("Normal")
    URGENT = "khan", _("Urgent (khẩn)")
    VERY_URGENT = "thuong_khan", _("Very urgent (thượng khẩn)")
    FLASH = "hoa_toc", _("Flash (hỏa tốc)")


URGENCY_STAMPS = {"khan": "KHẨN", "thuong_khan": "THƯỢNG KHẨN", "hoa_toc": "HỎA TỐC"}


class ExtraCoordinators(models.TextChoices):
    """How a coordinator outside a scenario's acceptable ones is judged. Nghị định 30/2020
    leaves the coordinators to the leader ("phối hợp (nếu có)"), so a district may accept
    them, accept them with a remark, or count them as a mistake."""

    ALLOWED = "allowed", _("Accepted")
    WARNED = "warned", _("Accepted with a remark")
    WRONG = "wrong", _("Counted as a mistake")


class Scenario(models.Model):
    """A document of the bank. Body paragraphs may hold {han} (the latest acceptable
    deadline, dd/mm/yyyy), {ngay} (the issue date) and {xa} (the examinee's commune).

    `era` says which commune it is written for: one of 2020 (district issuers, civil
    servants by field) or one from 1/7/2025 (province issuers, the departments of NĐ
    150/2025). `owner` is the unit whose admins change and retire it; none: the
    installation's shipped sets, changed only by a superuser or on the command line. Every
    e-office admin reads and copies any scenario (`eoffice.access`)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    era = models.CharField(
        _("era"),
        max_length=4,
        choices=AdministrativeUnit.Era.choices,
        default=AdministrativeUnit.Era.BEFORE_2025,
    )
    owner = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    doc_type = models.CharField(_("document type"), max_length=12, choices=DocumentType.choices)
    number = models.CharField(_("number and symbol"), max_length=40)
    issuer_parent = models.CharField(_("governing body"), max_length=120, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=160)
    place = models.CharField(_("place name"), max_length=80, default="Cù Lao Dung")
    issued_days_before = models.PositiveSmallIntegerField(
        _("issued days before the test day"), default=2
    )
    subject = models.CharField(_("summary (trích yếu)"), max_length=500)
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    recipient_line = models.CharField(_("addressed to (kính gửi)"), max_length=200, blank=True)
    body = models.JSONField(_("body paragraphs"), default=list)
    recipients = models.JSONField(_("recipients (nơi nhận)"), default=list)
    signer_title = models.CharField(_("signer's title block"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=80, blank=True)
    # Incoming: what the leader is expected to do.
    main_handler = models.CharField(
        _("expected main handler"), max_length=30, choices=Position.choices, blank=True
    )
    coordinators = models.JSONField(_("acceptable coordinators"), default=list, blank=True)
    coordinator_required = models.BooleanField(
        _("at least one coordinator is required"), default=False
    )
    coordinators_beyond = models.CharField(
        _("a coordinator beyond the acceptable ones"),
        max_length=10,
        choices=ExtraCoordinators.choices,
        default=ExtraCoordinators.WRONG,
    )
    # None: the document sets no deadline, so the leader need not set one ("nếu có").
    deadline_days = models.PositiveSmallIntegerField(
        _("latest deadline (days after the test day; empty: the document sets none)"),
        null=True,
        blank=True,
        default=7,
    )
    # Incoming, coordinating: another leader is in charge and the examinee gives an opinion.
    coordinating = models.BooleanField(_("the examinee coordinates"), default=False)
    lead = models.CharField(_("leader in charge"), max_length=120, blank=True)
    lead_request = models.TextField(_("what the leader in charge asks"), blank=True)
    # Outgoing: where the leader signs (PDF points, page from 0), as rendered.
    signer_page = models.PositiveSmallIntegerField(_("signer's page"), default=0)
    signer_box = models.JSONField(_("signer's place"), default=list, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("e-office scenario")
        verbose_name_plural = _("e-office scenarios")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.number} — {self.subject[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        for name in ("number", "issuer_parent", "issuer", "place", "subject", "signer_title"):
            setattr(self, name, nfc(getattr(self, name)))
        self.signer_name = nfc(self.signer_name)
        self.recipient_line = nfc(self.recipient_line)
        self.lead = nfc(self.lead)
        self.lead_request = nfc(self.lead_request)
        self.body = [nfc(str(p)) for p in self.body]
        self.recipients = [nfc(str(r)) for r in self.recipients]
        super().save(*args, **kwargs)

    @property
    def audit_unit(self) -> AdministrativeUnit | None:
        """An audit entry about a scenario is filed under its owner unit."""
        return self.owner


def scenarios_for_unit(unit: AdministrativeUnit) -> models.QuerySet[Scenario]:
    """The scenarios a campaign of `unit` may draw: the installation's, and those owned by
    the unit, the units above it or below it; a neighbour's scenario is copied first."""
    above = [int(part) for part in unit.path.strip("/").split("/") if part]
    return Scenario.objects.filter(
        models.Q(owner__isnull=True)
        | models.Q(owner_id__in=above)
        | models.Q(owner__path__startswith=unit.path)
    )


class ScenarioSet(models.Model):
    """What a campaign's e-office test draws. How it is passed is the campaign's own rule
    (`Campaign.content2_rule`), the one source the grading, ranking and reports read."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="eoffice_set")
    scenarios = models.ManyToManyField(
        Scenario,
        verbose_name=_("scenarios (none: every scenario in use)"),
        blank=True,
        related_name="+",
    )
    incoming_count = models.PositiveSmallIntegerField(
        _("incoming documents"), default=4, validators=[MinValueValidator(1)]
    )
    outgoing_count = models.PositiveSmallIntegerField(_("outgoing drafts"), default=1)
    coordinating_count = models.PositiveSmallIntegerField(
        _("documents to coordinate on"), default=0
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=30, validators=[MinValueValidator(5)]
    )

    class Meta:
        verbose_name = _("e-office scenario set")
        verbose_name_plural = _("e-office scenario sets")

    def __str__(self) -> str:
        return self.campaign.code

    def pool(self, kind: str, *, coordinating: bool = False) -> models.QuerySet[Scenario]:
        """The scenarios in use of a kind: those chosen, or, none chosen, those of the
        campaign's era (`Campaign.era`) that the campaign may draw (`scenarios_for_unit`)."""
        chosen = self.scenarios.all() if self.pk and self.scenarios.exists() else None
        base = (
            chosen
            if chosen is not None
            else scenarios_for_unit(self.campaign.issuing_unit).filter(era=self.campaign.era)
        )
        found = base.filter(kind=kind, is_active=True)
        return found.filter(coordinating=coordinating) if kind == Kind.INCOMING else found


class OfficeSession(models.Model):
    """A sitting of the e-office test, like an IT-skills session: a room, a window to start
    in, an access code read out by the proctor, and a console (pause, extra time, reopen).
    A leader in a session starts only there; a leader in none starts whenever the campaign
    is testing."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="office_sessions")
    name = models.CharField(_("name"), max_length=150)
    room = models.CharField(_("room"), max_length=150, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("last start at"))
    proctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proctor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    examinees = models.ManyToManyField(
        Person, verbose_name=_("examinees"), related_name="office_sessions", blank=True
    )
    access_code = models.CharField(_("access code"), max_length=12)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    paused_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-office session")
        verbose_name_plural = _("e-office sessions")
        ordering = ["opens_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self) -> Any:
        return self.campaign.issuing_unit


class Task(models.Model):
    """One examinee's e-office test: like an attempt, with a server-owned deadline."""

    class Status(models.TextChoices):
        READY = "ready", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    class SubmittedBy(models.TextChoices):
        EXAMINEE = "examinee", _("The examinee")
        DEADLINE = "deadline", _("Time ran out")
        PROCTOR = "proctor", _("The session was closed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="eoffice_tasks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="eoffice_tasks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="eoffice_tasks"
    )
    # 1, or 2 for a retake (Campaign.retake_policy).
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    session = models.ForeignKey(
        OfficeSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    # Wrong access codes in a row, counted in one statement; the fifth locks the start for
    # five minutes (as an IT-skills attempt).
    wrong_codes = models.PositiveSmallIntegerField(default=0)
    codes_locked_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.READY)
    test_day = models.DateField()
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=10, choices=SubmittedBy.choices, blank=True)
    passed = models.BooleanField(null=True)
    passed_count = models.PositiveSmallIntegerField(default=0)
    override_passed = models.BooleanField(null=True)
    override_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-office task")
        verbose_name_plural = _("e-office tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person", "round"], name="eoffice_task_unique_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.campaign.code}"

    @property
    def unit(self) -> Any:
        return self.person.unit

    @property
    def final_passed(self) -> bool | None:
        return self.override_passed if self.override_passed is not None else self.passed

    def seconds_left(self, now: datetime.datetime | None = None) -> int:
        if self.deadline is None:
            return 0
        now = now or timezone.now()
        return max(0, int((self.deadline - now).total_seconds()))


class TaskDocument(models.Model):
    """A drawn document in an examinee's sandbox, with its register data and the action."""

    class State(models.TextChoices):
        PENDING = "pending", _("Not handled")
        DONE = "done", _("Handled")
        COORDINATING = "coordinating", _("Coordinating")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="documents")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    arrival_number = models.PositiveIntegerField(_("arrival number"), null=True, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    issued_on = models.DateField(_("issue date"))
    latest_deadline = models.DateField(_("reply by"), null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    pdf = models.BinaryField()
    # The forward action (incoming).
    main_handler = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    coordinators = models.ManyToManyField(Person, blank=True, related_name="+")
    instruction = models.TextField(_("instruction"), blank=True)
    handling_deadline = models.DateField(_("handling deadline"), null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    # The browser's number of the last forward or opinion applied (static/eoffice/queue.js):
    # a resent or overtaken action carries a number not greater, and changes nothing.
    action_seq = models.PositiveBigIntegerField(default=0)
    # The coordination opinion (incoming, when the examinee coordinates).
    opinion = models.TextField(_("coordination opinion"), blank=True)
    opinion_at = models.DateTimeField(null=True, blank=True)
    # The signature (outgoing): where to sign, and the signed file.
    sign_page = models.PositiveSmallIntegerField(default=0)
    sign_box = models.JSONField(default=list, blank=True)
    signed_pdf = models.BinaryField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # Grading: reasons (why it fails) and remarks (what passes but is noted) are codes,
    # explained in grading.MESSAGES.
    passed = models.BooleanField(null=True)
    reasons = models.JSONField(default=list, blank=True)
    remarks = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "position"], name="eoffice_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}#{self.position} {self.scenario.number}"

    @property
    def unit(self) -> Any:
        return self.task.person.unit

    @property
    def coordinating(self) -> bool:
        return self.scenario.coordinating


class Event(models.Model):
    """What happened in a task, with its time: the processing history of each document
    and the proctor's timeline."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Test started")
        OPENED = "opened", _("Document opened")
        FORWARDED = "forwarded", _("Forwarded for handling")
        OPINION = "opinion", _("Coordination opinion given")
        SIGNED = "signed", _("Digitally signed")
        UPLOADED = "uploaded", _("Signed file uploaded")
        REFUSED = "refused", _("Action refused")
        SUBMITTED = "submitted", _("Test submitted")
        OVERRIDDEN = "overridden", _("Result changed by the district")
        EXTRA_TIME = "extra_time", _("Extra time given by the proctor")
        REOPENED = "reopened", _("Reopened by the proctor")
        PAUSED = "paused", _("Session paused")
        RESUMED = "resumed", _("Session resumed")
        PIN_LOCKED = "pin_locked", _("Signing locked after wrong PINs")
        PIN_UNLOCKED = "pin_unlocked", _("Signing unlocked by the proctor")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    document = models.ForeignKey(
        TaskDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y %H:%M:%S}"
