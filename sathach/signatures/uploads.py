"""PDFs signed outside the platform: reading an upload safely, judging it with the
installation's trust store, choosing the certificate it must be signed with, and accepting a
leader's signed document (the e-office test's signing route "signed elsewhere")."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader

from sathach.campaigns.models import SigningDevice
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.organization.models import Person
from sathach.signatures.models import Authority, LeaderCertificate
from sathach.signatures.trust import trust_roots_for
from sathach.signatures.validation import (
    MalformedPdf,
    Verdict,
    read_signer_certificates,
    validate_pdf,
)

logger = logging.getLogger(__name__)

# A PDF starts with this header within its first 1024 bytes (ISO 32000-1, 7.5.2).
PDF_HEADER = b"%PDF-"


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
        return content


@dataclass(frozen=True)
class SignatureFacts:
    """What the verdict does not carry about one signature."""

    document_timestamp: bool
    """A /DocTimeStamp: a time-stamping authority's signature, not a person's."""
    timestamp_token: bool
    """The signature carries a time-stamp token (a signature time-stamp)."""


def signature_facts(data: bytes) -> list[SignatureFacts]:
    """One entry per signature, in the verdict's order; an empty list for a file that cannot be
    read (the verdict already says MALFORMED_PDF)."""
    try:
        signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
        facts = []
        for signature in signatures:
            unsigned = signature.signer_info["unsigned_attrs"].native or []
            facts.append(
                SignatureFacts(
                    document_timestamp=signature.sig_object_type == "/DocTimeStamp",
                    timestamp_token=any(
                        a["type"] == "signature_time_stamp_token" for a in unsigned
                    ),
                )
            )
    except Exception:  # an unreadable file: the verdict says so, the facts stay unknown
        logger.info("no signature facts", exc_info=True)
        return []
    return facts


def installed_crls() -> list[bytes]:
    """The revocation lists the platform holds: the exam CA's current CRL."""
    issuing = Authority.objects.filter(kind=Authority.Kind.ISSUING).first()
    return [bytes(issuing.crl)] if issuing is not None and issuing.crl else []


def check_pdf(
    data: bytes,
    *,
    units: Iterable[Any],
    signer: bytes | None = None,
    require_visible: bool = False,
) -> Verdict:
    """`validate_pdf` with the trust store of `units` (the installation's roots and those
    of the units and the units above them) and the installation's CRLs, judged now."""
    return validate_pdf(
        data,
        trust_roots=trust_roots_for(units),
        crls=installed_crls(),
        signer=signer,
        require_visible=require_visible,
    )


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
    says WRONG_SIGNER. None when the person has none."""
    if not certificates:
        return None
    try:
        first = read_signer_certificates(data)[:1]
    except MalformedPdf:
        first = []
    if first and first[0] in certificates:
        return first[0]
    return certificates[0]


def document_accept_signed(
    *, actor: Any, person: Person, data: bytes, require_visible: bool = False
) -> Verdict:
    """Judge a PDF that `person` signed outside the platform (their own token, SIM PKI or a
    remote-signing service) and return the verdict: every signature intact, trusted by the
    installation's trust store and allowed, and the first one made with a certificate
    registered for the person (a signing device in use or an unrevoked exam certificate).
    `require_visible`: the first signature must be visible on a page.

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
    signer = expected_signer(data, certificates)
    # Judging reads only; the transaction holds the audit entry alone.
    verdict = check_pdf(data, units=[person.unit], signer=signer, require_visible=require_visible)
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
    return verdict


@dataclass(frozen=True)
class SealOutcome:
    """The sealed file, or the verdict that kept the document from being sealed."""

    verdict: Verdict
    leader: Person | None = None
    sealed: bytes | None = None


def document_seal_leader_signed(*, actor: Any, unit: Any, data: bytes) -> SealOutcome:
    """The văn thư's step after a leader signs: check that the document's signatures are
    valid and that the first one is visible and made with the registered certificate of a
    Chairman or Vice-Chairman of `unit`; then add the organisation's signature over the left
    third of it (services.document_seal, audited there). A document that fails the check is
    returned with its verdict and nothing is signed."""
    from sathach.organization.models import LEADER_POSITIONS
    from sathach.signatures.services import document_seal

    try:
        first = read_signer_certificates(data)[:1]
    except MalformedPdf:
        first = []
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
    verdict = check_pdf(
        data,
        units=[unit],
        signer=first[0] if leader is not None else None,
        require_visible=True,
    )
    if leader is None and verdict.valid:
        raise DomainError(
            _("The first signature is not that of a Chairman or Vice-Chairman of %(unit)s.")
            % {"unit": unit.name}
        )
    if not verdict.valid:
        return SealOutcome(verdict=verdict, leader=leader)
    report = verdict.signatures[0]
    assert report.rect is not None and report.page is not None
    x1, y1, x2, y2 = report.rect
    sealed = document_seal(
        actor=actor, unit=unit, data=data, leader_box=(x1, y1, x2, y2), page=report.page - 1
    )
    return SealOutcome(verdict=verdict, leader=leader, sealed=sealed)
