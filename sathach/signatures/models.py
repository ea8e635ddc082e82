"""The exam PKI: its authorities, the leaders' certificates kept as PIN-protected virtual
tokens, and the trust store that every validation uses."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sathach.organization.models import Person


class Authority(models.Model):
    """The exam root CA, the issuing CA and the time-stamping authority. Private keys are
    stored encrypted with the installation's PKI key."""

    class Kind(models.TextChoices):
        ROOT = "root", _("Root CA")
        ISSUING = "issuing", _("Issuing CA")
        TSA = "tsa", _("Time-stamping authority")

    kind = models.CharField(max_length=10, choices=Kind.choices, unique=True)
    name = models.CharField(max_length=255)
    certificate = models.BinaryField()
    private_key = models.BinaryField()
    crl_number = models.PositiveIntegerField(default=0)
    crl = models.BinaryField(null=True, blank=True)
    crl_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate authority")
        verbose_name_plural = _("certificate authorities")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class LeaderCertificate(models.Model):
    """A leader's signing certificate issued by the exam CA, with its private key kept as a
    virtual token: encrypted under the PIN the leader sets, then wrapped with the PKI key.
    Until the leader sets a PIN the token cannot sign."""

    class KeyType(models.TextChoices):
        RSA = "rsa", "RSA-2048"
        EC = "ec", "ECDSA P-256"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    serial = models.CharField(max_length=64, unique=True)
    fingerprint = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=500)
    key_type = models.CharField(max_length=3, choices=KeyType.choices, default=KeyType.EC)
    certificate = models.BinaryField()
    private_key = models.BinaryField()
    pin_set = models.BooleanField(default=False)
    failed_pins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=255, blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("leader's certificate")
        verbose_name_plural = _("leaders' certificates")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person.full_name} ({self.serial[:12]})"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and self.not_before <= now <= self.not_after


class TrustAnchor(models.Model):
    """A root trusted besides the exam root: the national root CA, the Government Cipher
    Committee's CA, a public CA whose certificates leaders hold.

    A root belongs to a unit and is trusted in that unit and every unit below it (a
    province's roots apply to its districts and communes); a root without a unit is the
    installation's, trusted everywhere and changed only by a superuser or on the command
    line. One unit's admin never changes what another unit trusts."""

    unit = models.ForeignKey(
        "organization.AdministrativeUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trust_anchors",
    )
    name = models.CharField(_("name"), max_length=255)
    subject = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64)
    certificate = models.BinaryField()
    not_after = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trusted root")
        verbose_name_plural = _("trusted roots")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "fingerprint"], name="trust_anchor_unique"),
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=models.Q(unit__isnull=True),
                name="trust_anchor_installation_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SealCertificate(models.Model):
    """The organisation's signing certificate (the seal's key, "khóa bí mật con dấu"), used
    by the văn thư to add the organisation's signature. Its key stays on the server, wrapped
    with the PKI key."""

    unit = models.ForeignKey(
        "organization.AdministrativeUnit", on_delete=models.PROTECT, related_name="seals"
    )
    serial = models.CharField(max_length=64, unique=True)
    fingerprint = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=500)
    certificate = models.BinaryField()
    private_key = models.BinaryField()
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation's certificate")
        verbose_name_plural = _("organisations' certificates")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit.name} ({self.serial[:12]})"


class SignatureImage(models.Model):
    """The picture of a leader's handwritten signature (a PNG with transparency) that their
    visible signatures show; without one, a signature drawn from the name is used."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="signature_image")
    png = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signature image")
        verbose_name_plural = _("signature images")

    def __str__(self) -> str:
        return self.person.full_name


class PendingSignature(models.Model):
    """A document prepared for a signature made on the leader's own token (the split flow):
    the PDF with room reserved for the signature, and the signed attributes the token signs.
    It lives ten minutes and is deleted once the signature is embedded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(
        "campaigns.SigningDevice", on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)
    document = models.BinaryField()
    signed_attributes = models.BinaryField()
    document_digest = models.BinaryField()
    reserved_start = models.PositiveBigIntegerField()
    reserved_end = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("document waiting for a token signature")
        verbose_name_plural = _("documents waiting for a token signature")

    def __str__(self) -> str:
        return f"{self.person.full_name} ({self.file_name or self.pk})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
