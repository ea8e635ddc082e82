"""Every state change of the exam PKI, each audited: creating the authorities, issuing,
renewing and revoking leaders' certificates, the PIN of a virtual token, the trust store."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError

from sathach.campaigns.certificates import load_certificate
from sathach.campaigns.models import SigningDevice
from sathach.campaigns.readiness import device_register, device_retire
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.moments import moment
from sathach.core.text import nfc
from sathach.organization.models import LEADER_POSITIONS, AdministrativeUnit, Person
from sathach.signatures import pki
from sathach.signatures.models import (
    Authority,
    LeaderCertificate,
    SealCertificate,
    SignatureImage,
    TrustAnchor,
)
from sathach.signatures.signing import (
    Box,
    SigningIdentity,
    sign_leader,
    sign_organization,
    signature_image,
    time_stamper,
)

PIN_TRIES = 5
PIN_LOCK = datetime.timedelta(minutes=15)


def authority(kind: str) -> pki.Issued:
    """An authority with its key opened, or a DomainError when `sathach pki init` has not
    been run."""
    stored = Authority.objects.filter(kind=kind).first()
    if stored is None:
        raise DomainError(_("The exam PKI is not set up: run `sathach pki init`."))
    certificate = x509.load_der_x509_certificate(bytes(stored.certificate))
    return pki.Issued(certificate, pki.key_open(bytes(stored.private_key)))


def pki_init(*, actor: Any, organization: str) -> list[Authority]:
    """Create the exam root CA, the issuing CA and the time-stamping authority, and publish
    an empty CRL. Refused when they exist: keys are never replaced silently."""
    organization = nfc(organization)
    if Authority.objects.exists():
        raise DomainError(_("The exam PKI already exists."))
    root = pki.make_root(organization)
    issuing = pki.make_issuing_ca(root, organization)
    tsa = pki.make_tsa(root, organization)
    with transaction.atomic():
        created = [
            Authority.objects.create(
                kind=kind,
                name=issued.certificate.subject.rfc4514_string(),
                certificate=issued.der,
                private_key=pki.key_seal(issued.key),
            )
            for kind, issued in (
                (Authority.Kind.ROOT, root),
                (Authority.Kind.ISSUING, issuing),
                (Authority.Kind.TSA, tsa),
            )
        ]
        audit_log(
            actor=actor,
            action=AuditAction.PKI_INITIALISED,
            summary={
                "organization": organization,
                "root": pki.fingerprint(root.der),
                "issuing": pki.fingerprint(issuing.der),
                "tsa": pki.fingerprint(tsa.der),
            },
        )
        crl_publish(actor=actor)
    return created


def crl_publish(*, actor: Any) -> bytes:
    """Sign a new CRL of every revoked leader certificate and keep it for download."""
    issuing = authority(Authority.Kind.ISSUING)
    with transaction.atomic():
        stored = Authority.objects.select_for_update().get(kind=Authority.Kind.ISSUING)
        revoked = [
            (int(c.serial, 16), c.revoked_at)
            for c in LeaderCertificate.objects.filter(revoked_at__isnull=False)
            if c.revoked_at is not None
        ]
        stored.crl_number += 1
        crl = pki.make_crl(issuing, revoked, stored.crl_number)
        stored.crl = crl.public_bytes(serialization.Encoding.DER)
        stored.crl_published_at = timezone.now()
        stored.save(update_fields=["crl_number", "crl", "crl_published_at"])
        audit_log(
            actor=actor,
            action=AuditAction.CRL_PUBLISHED,
            summary={"number": stored.crl_number, "revoked": len(revoked)},
        )
    return bytes(stored.crl)


def certificate_issue(
    *, actor: Any, person: Person, key_type: str = LeaderCertificate.KeyType.EC
) -> LeaderCertificate:
    """Issue a leader a signing certificate kept as a virtual token, and register it as
    their signing device. The token signs once the leader has set a PIN."""
    if person.position not in LEADER_POSITIONS:
        raise DomainError(_("Signing certificates are issued to Chairmen and Vice-Chairmen."))
    if key_type not in LeaderCertificate.KeyType.values:
        raise DomainError(_("Unknown key type."))
    issuing = authority(Authority.Kind.ISSUING)
    issued = pki.make_leader_certificate(
        issuing,
        full_name=person.full_name,
        title=person.get_position_display(),
        unit=person.unit.name,
        key_type=key_type,
    )
    with transaction.atomic():
        token = LeaderCertificate.objects.create(
            person=person,
            serial=format(issued.certificate.serial_number, "x"),
            fingerprint=pki.fingerprint(issued.der),
            subject=issued.certificate.subject.rfc4514_string()[:500],
            key_type=key_type,
            certificate=issued.der,
            private_key=pki.key_seal(issued.key),
            not_before=issued.certificate.not_valid_before_utc,
            not_after=issued.certificate.not_valid_after_utc,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        device_register(
            actor=actor,
            person=person,
            kind=SigningDevice.Kind.REMOTE,
            certificate=issued.der,
            source=SigningDevice.Source.ISSUED,
        )
        audit_log(
            actor=actor,
            action=AuditAction.CERTIFICATE_ISSUED,
            obj=token,
            unit=person.unit,
            summary={"person": person.full_name, "serial": token.serial, "key": key_type},
        )
    return token


def _check_pin_format(pin: str) -> None:
    if not re.fullmatch(r"\d{6,12}", pin):
        raise DomainError(_("The PIN is 6 to 12 digits."))
    if len(set(pin)) == 1 or pin in "0123456789012" or pin in "9876543210987":
        raise DomainError(_("Choose a PIN that is not a run of one digit or a sequence."))


def _reserve_pin_try(token: LeaderCertificate, now: datetime.datetime) -> bool:
    """Count one PIN try before the PIN is checked, in one statement, so that concurrent
    tries from several requests or server processes all count: at most PIN_TRIES are checked
    before the lock. The last try locks the token at once (lifted if the PIN is right); a
    lock that has run out starts the count again."""
    expired = Q(locked_until__isnull=False, locked_until__lte=now)
    free = Q(locked_until__isnull=True, failed_pins__lt=PIN_TRIES)
    last = Q(locked_until__isnull=True, failed_pins__gte=PIN_TRIES - 1)
    return bool(
        LeaderCertificate.objects.filter(free | expired, pk=token.pk).update(
            failed_pins=Case(When(expired, then=Value(1)), default=F("failed_pins") + 1),
            locked_until=Case(
                When(expired, then=Value(None)),
                When(last, then=Value(now + PIN_LOCK)),
                default=F("locked_until"),
            ),
        )
    )


def token_open(token: LeaderCertificate, pin: str) -> pki.PrivateKey:
    """The token's key, opened with the PIN. Wrong PINs are counted (see
    `_reserve_pin_try`); after five the token locks for 15 minutes."""
    now = timezone.now()
    if not token.pin_set:
        raise DomainError(_("Set the PIN of your signing certificate first."))
    if not _reserve_pin_try(token, now):
        locked_until = (
            LeaderCertificate.objects.filter(pk=token.pk).values_list("locked_until", flat=True)[0]
            or now + PIN_LOCK
        )
        raise DomainError(
            _("Too many wrong PINs: try again after %(time)s.") % {"time": moment(locked_until)}
        )
    try:
        key = pki.key_open(bytes(token.private_key), pin)
    except pki.WrongPin:
        raise DomainError(_("The PIN is wrong.")) from None
    LeaderCertificate.objects.filter(pk=token.pk).update(failed_pins=0, locked_until=None)
    return key


def token_set_pin(
    *, actor: Any, token: LeaderCertificate, new_pin: str, old_pin: str | None = None
) -> None:
    """Set the PIN of a new token, or change it with the old one."""
    _check_pin_format(new_pin)
    if token.revoked_at is not None:
        raise DomainError(_("This certificate is revoked."))
    key = (
        token_open(token, old_pin or "")
        if token.pin_set
        else pki.key_open(bytes(token.private_key))
    )
    with transaction.atomic():
        token.private_key = pki.key_seal(key, new_pin)
        token.pin_set = True
        token.failed_pins = 0
        token.locked_until = None
        token.save(update_fields=["private_key", "pin_set", "failed_pins", "locked_until"])
        audit_log(actor=actor, action=AuditAction.TOKEN_PIN_SET, obj=token, unit=token.person.unit)


def certificate_revoke(*, actor: Any, token: LeaderCertificate, reason: str) -> None:
    """Revoke a certificate, retire its device record and publish a new CRL."""
    reason = nfc(reason)
    if not reason:
        raise DomainError(_("Write the reason for the revocation."))
    if token.revoked_at is not None:
        raise DomainError(_("This certificate is already revoked."))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.revocation_reason = reason
        token.save(update_fields=["revoked_at", "revocation_reason"])
        for device in SigningDevice.objects.filter(
            person=token.person, fingerprint=token.fingerprint, is_active=True
        ):
            device_retire(actor=actor, device=device)
        audit_log(
            actor=actor,
            action=AuditAction.CERTIFICATE_REVOKED,
            obj=token,
            unit=token.person.unit,
            summary={"serial": token.serial, "reason": reason},
        )
        crl_publish(actor=actor)


def certificate_renew(*, actor: Any, token: LeaderCertificate) -> LeaderCertificate:
    """A new certificate for the same leader; the old one is revoked as superseded."""
    with transaction.atomic():
        renewed = certificate_issue(actor=actor, person=token.person, key_type=token.key_type)
        token.replaced_by = renewed
        token.save(update_fields=["replaced_by"])
        if token.revoked_at is None:
            certificate_revoke(
                actor=actor, token=token, reason=_("Superseded by a new certificate")
            )
    return renewed


def _installation_only_by_superuser(actor: Any) -> None:
    """The installation's roots count in every unit: only a superuser (or the command line,
    run by whoever runs the server) changes them."""
    if getattr(actor, "is_authenticated", False) and not actor.is_superuser:
        raise DomainError(_("Only a superuser changes the roots trusted by the whole system."))


def trust_anchor_add(
    *, actor: Any, data: bytes, name: str = "", unit: AdministrativeUnit | None = None
) -> TrustAnchor:
    """Trust a root (the national root, the Government CA…) for the validations of `unit`
    and of every unit below it, or, with no unit, for every validation of the installation.
    The audit entry is filed under the unit, where its admins read it."""
    if unit is None:
        _installation_only_by_superuser(actor)
    certificate = load_certificate(data)
    try:
        is_ca = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise DomainError(_("This certificate is not a certificate authority's."))
    der = certificate.public_bytes(serialization.Encoding.DER)
    digest = pki.fingerprint(der)
    if TrustAnchor.objects.filter(fingerprint=digest, unit=unit).exists():
        raise DomainError(_("This root is already trusted."))
    subject = nfc(certificate.subject.rfc4514_string())
    with transaction.atomic():
        anchor = TrustAnchor.objects.create(
            unit=unit,
            name=nfc(name) or subject[:255],
            subject=subject[:500],
            fingerprint=digest,
            certificate=der,
            not_after=certificate.not_valid_after_utc,
            added_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_log(
            actor=actor,
            action=AuditAction.TRUST_ANCHOR_ADDED,
            obj=anchor,
            unit=unit,
            summary={"subject": subject, "fingerprint": digest},
        )
    return anchor


def trust_anchor_remove(*, actor: Any, anchor: TrustAnchor) -> None:
    if anchor.unit_id is None:
        _installation_only_by_superuser(actor)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action=AuditAction.TRUST_ANCHOR_REMOVED,
            obj=anchor,
            unit=anchor.unit,
            summary={"subject": anchor.subject, "fingerprint": anchor.fingerprint},
        )
        anchor.delete()


def certificate_chain() -> list[bytes]:
    """The exam CA's certificates (issuing and root), embedded with every signature."""
    return [
        bytes(a.certificate)
        for a in Authority.objects.filter(kind__in=[Authority.Kind.ISSUING, Authority.Kind.ROOT])
    ]


def exam_time_stamper() -> Any:
    """The offline time-stamping authority of the exam CA (PAdES B-T without a network)."""
    tsa = authority(Authority.Kind.TSA)
    return time_stamper(tsa.der, tsa.key)


def seal_certificate_issue(*, actor: Any, unit: AdministrativeUnit) -> SealCertificate:
    """Issue the organisation's seal certificate (RSA-2048), replacing none: a unit may
    hold several, the newest unrevoked one signs."""
    issuing = authority(Authority.Kind.ISSUING)
    issued = pki.make_leader_certificate(
        issuing, full_name=f"Ủy ban nhân dân {unit.name}", title="", unit=unit.name, key_type="rsa"
    )
    with transaction.atomic():
        seal = SealCertificate.objects.create(
            unit=unit,
            serial=format(issued.certificate.serial_number, "x"),
            fingerprint=pki.fingerprint(issued.der),
            subject=issued.certificate.subject.rfc4514_string()[:500],
            certificate=issued.der,
            private_key=pki.key_seal(issued.key),
            not_before=issued.certificate.not_valid_before_utc,
            not_after=issued.certificate.not_valid_after_utc,
        )
        audit_log(
            actor=actor,
            action=AuditAction.CERTIFICATE_ISSUED,
            obj=seal,
            unit=unit,
            summary={"organisation": unit.name, "serial": seal.serial},
        )
    return seal


def signature_image_save(*, actor: Any, person: Person, png: bytes) -> SignatureImage:
    """Store the picture of a leader's signature: a PNG with transparency, at most 1 MB."""
    from PIL import Image, UnidentifiedImageError

    if len(png) > 1024 * 1024:
        raise DomainError(_("The picture is larger than 1 MB."))
    try:
        image = Image.open(io.BytesIO(png))
        image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise DomainError(_("The file is not a PNG picture.")) from None
    if image.format != "PNG" or image.mode not in ("RGBA", "LA", "P"):
        raise DomainError(_("Upload a PNG with a transparent background."))
    with transaction.atomic():
        stored, _created = SignatureImage.objects.update_or_create(
            person=person, defaults={"png": png}
        )
        audit_log(
            actor=actor, action=AuditAction.SIGNATURE_IMAGE_SAVED, obj=stored, unit=person.unit
        )
    return stored


def leader_signature_png(person: Person) -> bytes:
    stored = SignatureImage.objects.filter(person=person).first()
    return bytes(stored.png) if stored else signature_image(person.full_name)


def document_sign(
    *, actor: Any, token: LeaderCertificate, pin: str, data: bytes, box: Box, page: int = 0
) -> bytes:
    """Sign a PDF with a leader's virtual token: PAdES B-T, the leader's signature picture
    at `box` on `page`. The PIN opens the key for this signature only."""
    if token.revoked_at is not None:
        raise DomainError(_("This certificate is revoked."))
    if not token.is_usable:
        raise DomainError(_("This certificate is not valid now."))
    key = token_open(token, pin)
    identity = SigningIdentity(bytes(token.certificate), key, certificate_chain())
    try:
        signed = sign_leader(
            data,
            identity=identity,
            stamper=exam_time_stamper(),
            box=box,
            page=page,
            image_png=leader_signature_png(token.person),
        )
    except (PdfError, ValueError, KeyError, IndexError):
        raise DomainError(_("The file is not a PDF that can be signed.")) from None
    audit_log(
        actor=actor,
        action=AuditAction.DOCUMENT_SIGNED,
        obj=token,
        unit=token.person.unit,
        summary={"serial": token.serial, "bytes": len(signed)},
    )
    return signed


def document_seal(
    *, actor: Any, unit: AdministrativeUnit, data: bytes, leader_box: Box, page: int = 0
) -> bytes:
    """Add the organisation's signature after the leader's, as an incremental update."""
    seal = (
        SealCertificate.objects.filter(unit=unit, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if seal is None:
        raise DomainError(_("%(unit)s has no organisation certificate yet.") % {"unit": unit.name})
    identity = SigningIdentity(
        bytes(seal.certificate), pki.key_open(bytes(seal.private_key)), certificate_chain()
    )
    try:
        signed = sign_organization(
            data,
            identity=identity,
            stamper=exam_time_stamper(),
            leader_box=leader_box,
            page=page,
            organization=f"Ủy ban nhân dân {unit.name}",
        )
    except (PdfError, ValueError, KeyError, IndexError):
        raise DomainError(_("The file is not a PDF that can be signed.")) from None
    audit_log(
        actor=actor,
        action=AuditAction.DOCUMENT_SEALED,
        obj=seal,
        unit=unit,
        summary={"serial": seal.serial, "bytes": len(signed)},
    )
    return signed
