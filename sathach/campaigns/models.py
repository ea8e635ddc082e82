"""The plan as data: campaigns, readiness (signing devices, facilities), results, the
approved ranking and the awards."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sathach.campaigns.authority import AWARD_AUTHORITIES, TWO_LEVEL_GOVERNMENT, AwardAuthority
from sathach.organization.models import AdministrativeUnit, Person

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PREPARING = "preparing", _("Preparing")
        TESTING = "testing", _("Testing")
        RESULTS = "results", _("Results")
        APPROVED = "approved", _("Ranking approved")
        AWARDED = "awarded", _("Awarded")
        CLOSED = "closed", _("Closed")

    # Allowed moves. Back from testing or results reopens an earlier step (a re-test after
    # an incident); a ranking approved and then changed goes back to results through a
    # result change, never through this table.
    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        "draft": ("preparing",),
        "preparing": ("draft", "testing"),
        "testing": ("preparing", "results"),
        "results": ("testing",),
        # Straight to closed only for a campaign that awards nobody (a commune's own).
        "approved": ("results", "closed"),
        "awarded": ("closed",),
        "closed": (),
    }

    class RetakePolicy(models.TextChoices):
        NONE = "none", _("No retake")
        LAST = "last", _("One retake; the retake's result counts")
        BEST = "best", _("One retake; the better result counts")

    class Content2Rule(models.TextChoices):
        ALL_TASKS = "all_tasks", _("Every task passes")
        MIN_TASKS = "min_tasks", _("At least a number of tasks pass")

    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    issuing_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    issued_on = models.DateField(_("date issued"))
    participants = models.ManyToManyField(
        AdministrativeUnit, verbose_name=_("participating units"), related_name="+", blank=True
    )
    participation_target = models.DecimalField(
        _("participation target (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=PERCENT,
    )
    pass_target = models.DecimalField(
        _("pass-both target (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(85),
        validators=PERCENT,
    )
    device_target = models.DecimalField(
        _("signing-device coverage target (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=PERCENT,
    )
    awards = models.PositiveSmallIntegerField(_("number of awards"), default=3)
    # Empty until the campaign is validated: then the default of the issuer's level.
    award_authority = models.CharField(
        _("award"), max_length=30, choices=AwardAuthority.choices, blank=True, default=""
    )
    tie_breakers = models.JSONField(_("tie-break order"), default=list)
    content1_pass_mark = models.DecimalField(
        _("IT-skills pass mark (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(50),
        validators=PERCENT,
    )
    content2_rule = models.CharField(
        _("e-office pass rule"),
        max_length=20,
        choices=Content2Rule.choices,
        default=Content2Rule.ALL_TASKS,
    )
    content2_min_tasks = models.PositiveSmallIntegerField(
        _("tasks that must pass"), null=True, blank=True
    )
    # TT 03/2014/TT-BTTTT asks for all six modules: optionally, a minimum in each module
    # of the test besides the overall pass mark.
    content1_module_minimum = models.DecimalField(
        _("minimum in each module (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    # Whether a leader who failed a content may take it once more, and which result counts;
    # for both contents.
    retake_policy = models.CharField(
        _("retakes"), max_length=10, choices=RetakePolicy.choices, default=RetakePolicy.NONE
    )
    # Set when the first IT-skills attempt or e-office task starts: from then on the pass
    # rules above are fixed.
    rules_fixed_at = models.DateTimeField(_("pass rules fixed at"), null=True, blank=True)
    # The last day a leader or their commune may ask for a review (phúc khảo) of a result;
    # none: appeals are not open.
    appeal_deadline = models.DateField(_("appeals until"), null=True, blank=True)
    # Set when the test day opens: from then on the campaign's leaders are its `roster`.
    roster_frozen_at = models.DateTimeField(_("roster frozen at"), null=True, blank=True)
    preparation_deadline = models.DateField(_("readiness deadline"), null=True, blank=True)
    test_start = models.DateField(_("test from"), null=True, blank=True)
    test_end = models.DateField(_("test until"), null=True, blank=True)
    results_due = models.DateField(_("results due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-issued_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["issuing_unit", "code"], name="campaign_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def unit(self) -> AdministrativeUnit:
        return self.issuing_unit

    def clean(self) -> None:
        if self.issuing_unit_id is None:
            return
        if self.issuing_unit.level == AdministrativeUnit.Level.COMMUNE and self.awards:
            raise ValidationError(
                {
                    "awards": _(
                        "A commune's campaign tests its own leaders: it has no collective to "
                        "award, so its number of awards is 0."
                    )
                }
            )
        allowed = AWARD_AUTHORITIES[self.issuing_unit.level]
        if not self.award_authority:
            self.award_authority = allowed[0]
        elif self.award_authority not in allowed:
            raise ValidationError(
                {
                    "award_authority": _(
                        "%(unit)s cannot give this award; the law allows: %(allowed)s."
                    )
                    % {
                        "unit": self.issuing_unit.name,
                        "allowed": "; ".join(str(AwardAuthority(a).label) for a in allowed),
                    }
                }
            )

    @property
    def by_district(self) -> bool:
        """Issued by a district: a unit of the 2020 divisions only, whose documents and
        e-office test replay the organisation of before 1/7/2025 whatever their date."""
        return self.issuing_unit.level == AdministrativeUnit.Level.DISTRICT

    @property
    def era(self) -> str:
        """The divisions a campaign lives in: "2025" for a unit of the list from 1/7/2025, or
        one issued on or after that day by other than a district (Luật 72/2025/QH15);
        "2020" otherwise. It picks the e-office scenario set and the law of the documents."""
        if self.issuing_unit.era == AdministrativeUnit.Era.FROM_2025:
            return AdministrativeUnit.Era.FROM_2025
        if self.issued_on >= TWO_LEVEL_GOVERNMENT and not self.by_district:
            return AdministrativeUnit.Era.FROM_2025
        return AdministrativeUnit.Era.BEFORE_2025

    @property
    def award(self) -> AwardAuthority:
        """Who awards, the default of the issuer's level where none was chosen."""
        if self.award_authority:
            return AwardAuthority(self.award_authority)
        return AwardAuthority(AWARD_AUTHORITIES[self.issuing_unit.level][0])

    def content2_required(self, documents: int) -> int:
        """How many of the `documents` an e-office task must pass."""
        if self.content2_rule == self.Content2Rule.MIN_TASKS and self.content2_min_tasks:
            return min(self.content2_min_tasks, documents)
        return documents


class SigningDevice(models.Model):
    """A leader's digital-signing device and the certificate it holds.

    The certificate (DER) is what the leader's signatures are checked against, by its
    SHA-256 fingerprint.
    """

    class Kind(models.TextChoices):
        USB_TOKEN = "usb_token", _("USB token")
        SIM_PKI = "sim_pki", _("SIM PKI")
        REMOTE = "remote", _("Remote signing")

    class Source(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded certificate")
        ISSUED = "issued", _("Issued by the exam CA")
        FROM_PDF = "from_pdf", _("Read from a signed PDF")

    person = models.ForeignKey(
        Person, verbose_name=_("leader"), on_delete=models.CASCADE, related_name="signing_devices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.UPLOADED
    )
    ca_name = models.CharField(_("certificate authority"), max_length=255)
    serial_number = models.CharField(_("serial number"), max_length=100)
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, db_index=True)
    certificate = models.BinaryField(_("certificate (DER)"))
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signing device")
        verbose_name_plural = _("signing devices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "fingerprint"], name="device_certificate_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.person}"

    @property
    def unit(self) -> AdministrativeUnit:
        return self.person.unit


class FacilityItem(models.Model):
    """One line of a campaign's facility checklist, with its weight in the score."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="facility_items")
    title = models.CharField(_("item"), max_length=300)
    description = models.TextField(_("what counts"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("facility item")
        verbose_name_plural = _("facility items")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class FacilityDeclaration(models.Model):
    """What a commune declares for one checklist item, and the district's verification."""

    class Status(models.TextChoices):
        DECLARED = "declared", _("Declared, awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(FacilityItem, on_delete=models.CASCADE, related_name="declarations")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    note = models.TextField(_("commune's note"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    review_note = models.TextField(_("district's note"), blank=True)

    class Meta:
        verbose_name = _("facility declaration")
        verbose_name_plural = _("facility declarations")
        constraints = [
            models.UniqueConstraint(fields=["unit", "item"], name="declaration_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.item}"


def evidence_path(instance: FacilityEvidence, filename: str) -> str:
    declaration = instance.declaration
    return f"evidence/{declaration.campaign_id}/{declaration.unit_id}/{filename}"


class FacilityEvidence(models.Model):
    declaration = models.ForeignKey(
        FacilityDeclaration, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class Result(models.Model):
    """A leader's outcome in one content of a campaign."""

    class Content(models.IntegerChoices):
        IT_SKILLS = 1, _("IT skills")
        EOFFICE = 2, _("IT application in handling work")

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        ABSENT = "absent", _("Absent")

    class Source(models.TextChoices):
        EXAM = "exam", _("Built-in IT-skills test")
        EOFFICE = "eoffice", _("Built-in e-office test")
        IMPORT = "import", _("Imported (paper test)")
        OVERRIDE = "override", _("Changed by the district")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="results")
    content = models.PositiveSmallIntegerField(_("content"), choices=Content.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(
        _("maximum score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # IT skills from the built-in test: the score in each module of TT 03/2014, as the
    # attempt's `module_scores`.
    module_scores = models.JSONField(_("score per module"), default=dict, blank=True)
    reason = models.TextField(_("reason for the change"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person", "content"], name="result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_content_display()}: {self.get_outcome_display()}"

    @property
    def unit(self) -> AdministrativeUnit:
        return self.person.unit


class RankingSnapshot(models.Model):
    """A ranking approved by the council: inputs, output and their hash, frozen.

    Later changes to results leave it untouched; they need a new approval.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="snapshots")
    inputs = models.JSONField(_("inputs"))
    output = models.JSONField(_("ranking"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    tie_decision = models.JSONField(_("council's decision on ties"), default=dict, blank=True)
    tie_decision_note = models.TextField(_("grounds of the decision"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("approved ranking")
        verbose_name_plural = _("approved rankings")
        ordering = ["-approved_at"]

    def __str__(self) -> str:
        return f"{self.campaign.code} @ {self.approved_at:%d/%m/%Y %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("an approved ranking is immutable")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def unit(self) -> AdministrativeUnit:
        return self.campaign.issuing_unit


class AwardDecision(models.Model):
    """The decision (Quyết định) that grants the awards of an approved ranking."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="decisions")
    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number and symbol"), max_length=60)
    signed_on = models.DateField(_("date"))
    signer_name = models.CharField(_("signed by"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")

    def __str__(self) -> str:
        return self.number

    @property
    def unit(self) -> AdministrativeUnit:
        return self.campaign.issuing_unit


class Award(models.Model):
    decision = models.ForeignKey(AwardDecision, on_delete=models.CASCADE, related_name="awards")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="awards")
    position = models.PositiveSmallIntegerField(_("number in the decision"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    achievement = models.TextField(_("achievement"))

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "unit"], name="award_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.decision.number} — {self.unit}"


class RosterEntry(models.Model):
    """Who held a leader's post in a participating commune when the test day opened, as the
    campaign keeps it: reports, the workbook and the ranking read these rows, so that later
    edits of the people change nothing in the campaign. A vacant post has no person."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="roster")
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="roster_entries",
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=30)
    acting = models.BooleanField(_("acting"), default=False)
    sort_key = models.CharField(max_length=255, default="")

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("frozen roster")
        ordering = ["campaign", "unit__code", "position", "sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=models.Q(person__isnull=False),
                name="roster_person_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.full_name or '—'} ({self.position})"

    @property
    def vacant(self) -> bool:
        return self.person_id is None


class Appeal(models.Model):
    """A leader's request for a review (phúc khảo) of their result in one content, made by
    the leader or their commune's officer before the campaign's deadline, and the
    district's decision with its reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the decision")
        UPHELD = "upheld", _("Upheld: the result was changed")
        REJECTED = "rejected", _("Rejected: the result stands")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="appeals")
    person = models.ForeignKey(
        Person, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="appeals"
    )
    content = models.PositiveSmallIntegerField(_("content"), choices=Result.Content.choices)
    reason = models.TextField(_("what should be reviewed, and why"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    outcome_before = models.CharField(max_length=10, choices=Result.Outcome.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    outcome_after = models.CharField(max_length=10, choices=Result.Outcome.choices, blank=True)
    decision = models.TextField(_("decision and its reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person", "content"], name="appeal_one_per_content"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_content_display()}: {self.get_status_display()}"

    @property
    def unit(self) -> AdministrativeUnit:
        return self.person.unit
