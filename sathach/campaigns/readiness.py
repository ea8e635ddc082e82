"""Readiness services: the leaders' signing devices (registered from a certificate or a
signed PDF, retired) and the facility checklist (items, declarations, reviews)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.certificates import read_certificate
from sathach.campaigns.models import (
    Campaign,
    FacilityDeclaration,
    FacilityEvidence,
    FacilityItem,
    SigningDevice,
)
from sathach.campaigns.services import EDITABLE_STATUSES
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.organization.models import SIGNER_POSITIONS, AdministrativeUnit, Person
from sathach.signatures.validation import MALFORMED_PDF, NO_SIGNATURE, SignatureReport

# Readiness: signing devices -------------------------------------------------------------


def device_register(
    *,
    actor: Any,
    person: Person,
    kind: str,
    certificate: bytes,
    source: str = SigningDevice.Source.UPLOADED,
) -> SigningDevice:
    """Register a leader's signing device from its certificate, read with `cryptography`."""
    if person.position not in SIGNER_POSITIONS:
        raise DomainError(
            _(
                "Signing devices are registered for Chairmen, Vice-Chairmen and Directors of "
                "the Department of Home Affairs."
            )
        )
    if kind not in SigningDevice.Kind.values:
        raise DomainError(_("Unknown kind of signing device."))
    info = read_certificate(certificate)
    if not info.can_sign:
        raise DomainError(_("This certificate is not for signing (no digital-signature usage)."))
    with transaction.atomic():
        if SigningDevice.objects.filter(person=person, fingerprint=info.fingerprint).exists():
            raise DomainError(_("This certificate is already registered for this leader."))
        device = SigningDevice.objects.create(
            person=person,
            kind=kind,
            source=source,
            ca_name=info.ca_name[:255],
            serial_number=info.serial_number[:100],
            subject=info.subject[:500],
            issuer=info.issuer[:500],
            not_before=info.not_before,
            not_after=info.not_after,
            fingerprint=info.fingerprint,
            certificate=info.der,
        )
        audit_log(
            actor=actor,
            action=AuditAction.DEVICE_REGISTERED,
            obj=device,
            summary={
                "person": person.full_name,
                "kind": kind,
                "source": source,
                "serial": info.serial_number,
                "fingerprint": info.fingerprint,
                "not_after": info.not_after.isoformat(),
            },
        )
    return device


def device_register_from_pdf(
    *, actor: Any, person: Person, kind: str, data: bytes
) -> tuple[SigningDevice, SignatureReport]:
    """Register a leader's signing device from a PDF the leader signed elsewhere (with their
    USB token, SIM PKI or a remote-signing service): the certificate is read out of the
    signature and registered with source FROM_PDF through `device_register`.

    Which signature: the leader's is the first in file order; what follows it is the
    organisation's seal signature (contracts/verify.md). So the first signature that is
    neither a document time-stamp nor made with one of our organisations' seal certificates
    is taken, and the others are ignored.

    The signature must be intact (the signed bytes and the cryptographic signature check
    out): a broken one proves nothing about whose key made it. Trust is not required, since
    the leader's CA may not be in our trust store; the returned report says whether it
    chains to a trusted root, so the page can tell. Refused: a file that is not a readable
    PDF, a PDF without a signature, a broken signature.
    """
    from sathach.signatures.models import SealCertificate
    from sathach.signatures.uploads import inspect_upload

    inspection = inspect_upload(data, units=[person.unit])
    verdict = inspection.verdict
    if MALFORMED_PDF in verdict.reasons:
        raise DomainError(_("The file is not a PDF that can be read."))
    if NO_SIGNATURE in verdict.reasons:
        raise DomainError(_("The PDF has no signature to read a certificate from."))
    if not verdict.signatures:
        raise DomainError(_("The file is not a PDF that can be read."))
    facts = inspection.facts
    seals = set(
        SealCertificate.objects.filter(
            fingerprint__in=[s.signer_sha256 for s in verdict.signatures]
        ).values_list("fingerprint", flat=True)
    )
    candidates = [
        report
        for index, report in enumerate(verdict.signatures)
        if not (index < len(facts) and facts[index].document_timestamp)
        and report.signer_sha256 not in seals
    ]
    if not candidates:
        raise DomainError(_("The PDF has no leader's signature, only time-stamps or seals."))
    report = candidates[0]
    if not report.intact:
        raise DomainError(
            _(
                "The signature in the PDF is broken: the file or the signature was altered "
                "after signing, so it proves nothing about the certificate."
            )
        )
    device = device_register(
        actor=actor,
        person=person,
        kind=kind,
        certificate=report.signer_der,
        source=SigningDevice.Source.FROM_PDF,
    )
    return device, report


def device_retire(*, actor: Any, device: SigningDevice) -> None:
    with transaction.atomic():
        device.is_active = False
        device.save(update_fields=["is_active"])
        audit_log(actor=actor, action=AuditAction.DEVICE_RETIRED, obj=device)


# Readiness: facilities ------------------------------------------------------------------


def facility_item_save(
    *,
    actor: Any,
    campaign: Campaign,
    title: str,
    weight: Decimal,
    description: str = "",
    item: FacilityItem | None = None,
) -> FacilityItem:
    if campaign.status not in EDITABLE_STATUSES:
        raise DomainError(_("The checklist cannot change once the test has started."))
    with transaction.atomic():
        if item is None:
            item = FacilityItem(campaign=campaign, order=campaign.facility_items.count() + 1)
        item.title, item.weight, item.description = nfc(title), weight, nfc(description)
        item.full_clean()
        item.save()
        audit_log(
            actor=actor,
            action=AuditAction.FACILITY_ITEM_SAVED,
            obj=item,
            unit=campaign.issuing_unit,
            summary={"title": item.title, "weight": str(weight)},
        )
    return item


def facility_declare(
    *,
    actor: Any,
    campaign: Campaign,
    unit: AdministrativeUnit,
    item: FacilityItem,
    note: str = "",
    files: list[UploadedFile] | None = None,
) -> FacilityDeclaration:
    """A commune declares one checklist item ready, with evidence; it awaits verification."""
    if item.campaign_id != campaign.pk:
        raise DomainError(_("This item belongs to another campaign."))
    if not campaign.participants.filter(pk=unit.pk).exists():
        raise DomainError(_("%(unit)s does not take part in this campaign.") % {"unit": unit.name})
    if campaign.status not in (Campaign.Status.PREPARING, Campaign.Status.TESTING):
        raise DomainError(_("Facilities are declared while the campaign is being prepared."))
    now = timezone.now()
    with transaction.atomic():
        declaration, _created = FacilityDeclaration.objects.update_or_create(
            unit=unit,
            item=item,
            defaults={
                "campaign": campaign,
                "status": FacilityDeclaration.Status.DECLARED,
                "note": nfc(note),
                "declared_by": actor if getattr(actor, "is_authenticated", False) else None,
                "declared_at": now,
                "reviewed_by": None,
                "reviewed_at": None,
                "review_note": "",
            },
        )
        for upload in files or []:
            FacilityEvidence.objects.create(
                declaration=declaration,
                file=upload,
                original_name=nfc(upload.name or "")[:255],
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        audit_log(
            actor=actor,
            action=AuditAction.FACILITY_DECLARED,
            obj=declaration,
            summary={"item": item.title, "files": len(files or [])},
        )
    return declaration


def facility_review(
    *, actor: Any, declaration: FacilityDeclaration, accept: bool, note: str = ""
) -> FacilityDeclaration:
    """The district verifies or rejects a declaration; a rejection needs a note."""
    if not accept and not note.strip():
        raise DomainError(_("Say why the declaration is rejected."))
    with transaction.atomic():
        declaration.status = (
            FacilityDeclaration.Status.VERIFIED if accept else FacilityDeclaration.Status.REJECTED
        )
        declaration.reviewed_by = actor
        declaration.reviewed_at = timezone.now()
        declaration.review_note = nfc(note)
        declaration.save()
        audit_log(
            actor=actor,
            action=AuditAction.FACILITY_REVIEWED,
            obj=declaration,
            summary={"item": declaration.item.title, "status": declaration.status, "note": note},
        )
    return declaration
