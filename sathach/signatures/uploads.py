"""PDFs signed outside the platform: reading an upload safely, judging it with the
installation's trust store, choosing the certificate it must be signed with, and accepting a
leader's signed document (the e-office test's signing route "signed elsewhere")."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import SigningDevice
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.organization.models import Person
from sathach.signatures.facts import SignatureFacts, signature_facts
from sathach.signatures.models import Authority, LeaderCertificate
from sathach.signatures.sandbox import Inspection, inspect_pdf, refusal_error, run_bounded
from sathach.signatures.trust import trust_roots_for
from sathach.signatures.validation import (
    MalformedPdf,
    Verdict,
    read_signer_certificates,
)

__all__ = ["SignatureFacts", "signature_facts"]

logger = logging.getLogger(__name__)

# A PDF starts with this header within its first 1024 bytes (ISO 32000-1, 7.5.2) and ends
# with this marker within its last 1024 bytes (7.5.5); a file without it was cut off.
PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"


def upload_limit() -> int:
    """The largest upload accepted, in bytes: the UPLOAD_MAX_BYTES setting."""
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def looks_like_pdf(data: bytes) -> bool:
    """Whether the bytes start as a PDF. A damaged PDF still looks like one: the verdict,
    not the upload check, says MALFORMED_PDF."""
    return PDF_HEADER in data[:1024]


def pdf_upload_error(upload: UploadedFile) -> str | None:
    """Why an uploaded file cannot be judged (empty, too large), or None."""
    if not upload.size:
        return _("The file is empty.")
    limit = upload_limit()
    if upload.size > limit:
        size = f"{limit / 2**20:.3g} MB" if limit >= 2**20 else f"{limit / 2**10:.3g} KB"
        return _("The file is larger than %(size)s.") % {"size": size}
    return None


class PdfFileField(forms.FileField):
    """A PDF upload, cleaned to its bytes: refuses an empty file, one over UPLOAD_MAX_BYTES and
    one that is not a PDF, each with a message in Vietnamese."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is None or upload is False:
            return None
        error = pdf_upload_error(upload)
        if error:
            raise forms.ValidationError(error)
        content = bytes(upload.read())
        if not looks_like_pdf(content):
            raise forms.ValidationError(_("The file is not a PDF."))
        if PDF_END not in content[-1024:]:
            raise forms.ValidationError(
                _("The PDF is cut off (its end is missing): upload the whole file again.")
            )
        return content


def installed_crls() -> list[bytes]:
    """The revocation lists the platform holds: the exam CA's current CRL."""
    issuing = Authority.objects.filter(kind=Authority.Kind.ISSUING).first()
    return [bytes(issuing.crl)] if issuing is not None and issuing.crl else []


def inspect_upload(
    data: bytes,
    *,
    units: Iterable[Any],
    signer: bytes | None = None,
    candidates: list[bytes] | None = None,
    require_visible: bool = False,
    pictures: int = 0,
) -> Inspection:
    """Judge an uploaded PDF with the trust store of `units` (the installation's roots and
    those of the units and the units above them) and the CRLs, now, in a child
    with a memory cap and a time limit (sandbox.py): the verdict, the facts of each
    signature and up to `pictures` pictures of signed pages. `candidates`: the registered
    certificates the first signature may be made with (see expected_signer).

    Raises PdfTooComplex on an overrun and PdfRefused for an encrypted PDF or one that
    carries JavaScript; both are DomainErrors with the message the user reads."""
    inspection = run_bounded(
        inspect_pdf,
        data,
        validation={
            "trust_roots": trust_roots_for(units),
            "crls": installed_crls(),
            "signer": signer,
            "require_visible": require_visible,
        },
        candidates=candidates,
        pictures=pictures,
        at=timezone.now(),
    )
    if inspection.refusal is not None:
        raise refusal_error(inspection.refusal)
    return inspection


def check_pdf(
    data: bytes,
    *,
    units: Iterable[Any],
    signer: bytes | None = None,
    require_visible: bool = False,
) -> Verdict:
    """The verdict of inspect_upload (same errors)."""
    verdict: Verdict = inspect_upload(
        data, units=units, signer=signer, require_visible=require_visible
    ).verdict
    return verdict


def signer_certificates(data: bytes) -> list[bytes]:
    """read_signer_certificates in the capped child; an empty list for a file that cannot
    be read (the verdict says why). Raises PdfTooComplex."""
    try:
        return run_bounded(read_signer_certificates, data)
    except MalformedPdf:
        return []


def registered_certificates(person: Person) -> list[bytes]:
    """The DER of every certificate registered for the person, newest first: their signing
    devices in use and their unrevoked exam certificates."""
    ders: list[bytes] = [
        bytes(d.certificate)
        for d in SigningDevice.objects.filter(person=person, is_active=True).order_by("-created_at")
    ]
    ders += [
        bytes(c.certificate)
        for c in LeaderCertificate.objects.filter(person=person, revoked_at__isnull=True).order_by(
            "-created_at"
        )
    ]
    return list(dict.fromkeys(ders))


def people_with_certificates() -> Q:
    """A filter on Person: those with a registered certificate."""
    return Q(signing_devices__is_active=True) | Q(certificates__revoked_at__isnull=True)


def expected_signer(data: bytes, certificates: list[bytes]) -> bytes | None:
    """The certificate the document's first signature must be made with, out of a person's
    registered ones: the one it was made with when that is among them (a leader may hold a
    USB token and a remote-signing certificate at once), else the newest, so that the verdict
    says WRONG_SIGNER. None when the person has none. (inspect_upload's `candidates` make
    the same choice inside the child.)"""
    if not certificates:
        return None
    first = signer_certificates(data)[:1]
    if first and first[0] in certificates:
        return first[0]
    return certificates[0]


def document_accept_signed(
    *, actor: Any, person: Person, data: bytes, require_visible: bool = False, pictures: int = 0
) -> Inspection:
    """Judge a PDF that `person` signed outside the platform (their own token, SIM PKI or a
    remote-signing service) and return the inspection, its verdict saying whether every
    signature is intact, trusted by the installation's trust store and allowed, and the first
    one made with a certificate registered for the person (a signing device in use or an
    unrevoked exam certificate).
    `require_visible`: the first signature must be visible on a page. `pictures`: how many
    pictures of signed pages to make with the verdict (inspect_upload).

    Raises DomainError when the person has no registered certificate: without one, nobody can
    tell whose signature it is. Every judgement is audited, valid or not, with the file's
    SHA-256; the file itself is not stored.
    """
    certificates = registered_certificates(person)
    if not certificates:
        raise DomainError(
            _(
                "%(name)s has no registered signing certificate to check the document "
                "against. Register the signing device first."
            )
            % {"name": person.full_name}
        )
    # Judging reads only; the transaction holds the audit entry alone.
    inspection = inspect_upload(
        data,
        units=[person.unit],
        candidates=certificates,
        require_visible=require_visible,
        pictures=pictures,
    )
    verdict: Verdict = inspection.verdict
    with transaction.atomic():
        first = verdict.signatures[0].signer_sha256 if verdict.signatures else None
        audit_log(
            actor=actor,
            action=AuditAction.SIGNED_DOCUMENT_ACCEPTED,
            obj=person,
            unit=person.unit,
            summary={
                "person": person.full_name,
                "valid": verdict.valid,
                "reasons": verdict.reasons,
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "signer": first,
            },
        )
    return inspection


@dataclass(frozen=True)
class SealOutcome:
    """The sealed file, or the verdict that kept the document from being sealed."""

    inspection: Inspection
    leader: Person | None = None
    sealed: bytes | None = None

    @property
    def verdict(self) -> Verdict:
        verdict: Verdict = self.inspection.verdict
        return verdict


def document_seal_leader_signed(
    *, actor: Any, unit: Any, data: bytes, pictures: int = 0
) -> SealOutcome:
    """The văn thư's step after a leader signs: check that the document's signatures are
    valid and that the first one is visible and made with the registered certificate of a
    Chairman or Vice-Chairman of `unit`; then add the organisation's signature over the left
    third of it (services.document_seal, audited there). A document that fails the check is
    returned with its verdict and nothing is signed."""
    from sathach.organization.models import LEADER_POSITIONS
    from sathach.signatures.services import document_seal

    first = signer_certificates(data)[:1]
    leader = None
    if first:
        fingerprint = hashlib.sha256(first[0]).hexdigest()
        leader = (
            Person.objects.filter(unit=unit, position__in=LEADER_POSITIONS)
            .filter(
                Q(signing_devices__is_active=True, signing_devices__fingerprint=fingerprint)
                | Q(certificates__revoked_at__isnull=True, certificates__fingerprint=fingerprint)
            )
            .first()
        )
    inspection = inspect_upload(
        data,
        units=[unit],
        signer=first[0] if leader is not None else None,
        require_visible=True,
        pictures=pictures,
    )
    verdict: Verdict = inspection.verdict
    if leader is None and verdict.valid:
        raise DomainError(
            _("The first signature is not that of a Chairman or Vice-Chairman of %(unit)s.")
            % {"unit": unit.name}
        )
    if not verdict.valid:
        return SealOutcome(inspection=inspection, leader=leader)
    report = verdict.signatures[0]
    assert report.rect is not None and report.page is not None
    x1, y1, x2, y2 = report.rect
    sealed = document_seal(
        actor=actor, unit=unit, data=data, leader_box=(x1, y1, x2, y2), page=report.page - 1
    )
    return SealOutcome(inspection=inspection, leader=leader, sealed=sealed)
