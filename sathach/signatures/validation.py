"""Validating signed PDFs: the one service behind `sathach verify`, the e-office test and the
device registry.

pyHanko checks each signature's integrity (digest, cryptographic signature, ByteRange
coverage), its time-stamp token and the changes made after it (difference analysis). On top
of it this module judges the certificate itself (validity period and key usage, each with its
own reason), the chain of trust on its own (so that a broken signature is not also reported
untrusted), revocation in the local CRLs, the strict rule that nothing but later signatures
may change after a signature, who signed first and whether that signature can be seen.
docs/SIGNATURES.md explains every decision.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import datetime
import hashlib
import logging
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar
from zoneinfo import ZoneInfo

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from django.utils import timezone
from django.utils.translation import gettext_lazy
from pyhanko.pdf_utils import generic
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import (
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

from sathach.campaigns.certificates import certificate_info, load_certificate
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.signatures.pdf_structure import (
    Box,
    MalformedPdf,
    PdfDocument,
    modification_level,
    open_pdf,
    page_annotations,
    pdf_box,
    pdf_get,
)

logger = logging.getLogger(__name__)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CertificateInput: TypeAlias = "bytes | x509.Certificate | asn1_x509.Certificate"
CrlInput: TypeAlias = "bytes | x509.CertificateRevocationList"

# Reason codes of the contract (shared/contracts/verify.md), in the order they are listed.
MALFORMED_PDF = "MALFORMED_PDF"
NO_SIGNATURE = "NO_SIGNATURE"
BROKEN_SIGNATURE = "BROKEN_SIGNATURE"
UNTRUSTED = "UNTRUSTED"
CERT_EXPIRED = "CERT_EXPIRED"
CERT_NOT_YET_VALID = "CERT_NOT_YET_VALID"
KEY_USAGE = "KEY_USAGE"
MODIFIED_AFTER_SIGNING = "MODIFIED_AFTER_SIGNING"
WRONG_SIGNER = "WRONG_SIGNER"
NOT_VISIBLE = "NOT_VISIBLE"
REASONS = (
    MALFORMED_PDF,
    NO_SIGNATURE,
    BROKEN_SIGNATURE,
    UNTRUSTED,
    CERT_EXPIRED,
    CERT_NOT_YET_VALID,
    KEY_USAGE,
    MODIFIED_AFTER_SIGNING,
    WRONG_SIGNER,
    NOT_VISIBLE,
)
# What may follow a signature and still leave it valid.
ALLOWED_MODIFICATIONS = ("none", "signatures")

REASON_MESSAGES = {
    MALFORMED_PDF: gettext_lazy("The file is not a PDF, or a PDF that cannot be read."),
    NO_SIGNATURE: gettext_lazy("The file has no signature."),
    BROKEN_SIGNATURE: gettext_lazy(
        "A signature is broken: the signed content or the signature itself was altered."
    ),
    UNTRUSTED: gettext_lazy(
        "A signer's certificate does not chain to a trusted root, or has been revoked."
    ),
    CERT_EXPIRED: gettext_lazy("A signer's certificate had expired at the time of checking."),
    CERT_NOT_YET_VALID: gettext_lazy(
        "A signer's certificate was not yet valid at the time of checking."
    ),
    KEY_USAGE: gettext_lazy("A signer's certificate does not allow signing."),
    MODIFIED_AFTER_SIGNING: gettext_lazy(
        "The file was changed after a signature beyond adding later signatures."
    ),
    WRONG_SIGNER: gettext_lazy("The first signature is not made with the expected certificate."),
    NOT_VISIBLE: gettext_lazy("The first signature has no visible appearance on a page."),
}
MODIFICATION_LABELS = {
    "none": gettext_lazy("none"),
    "signatures": gettext_lazy("only later signatures added"),
    "form_filling": gettext_lazy("form fields filled in"),
    "annotations": gettext_lazy("annotations added"),
    "other": gettext_lazy("content or structure changed"),
}

# Name attributes without an RFC 4514 keyword, written with their usual LDAP names.
_NAME_KEYWORDS = {
    NameOID.TITLE: "title",
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.EMAIL_ADDRESS: "emailAddress",
}
# pyHanko's indications that the signature's own algorithms are not acceptable (MD5, SHA-1).
_CRYPTO_FAILURES = {
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE,
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
    AdESFailure.SIG_CRYPTO_FAILURE,
}
# The chain of trust is judged without key usage requirements: KEY_USAGE is ours.
_ANY_KEY_USAGE = KeyUsageConstraints(key_usage=set())
_HIDDEN = 2 | 32  # annotation flags Hidden and NoView

T = TypeVar("T")


@dataclass
class SignatureReport:
    """One signature, as the contract reports it, plus what the reasons are made from."""

    field: str
    signer_subject: str
    signer_serial: str
    signer_sha256: str
    issuer_subject: str
    signing_time: datetime.datetime | None
    intact: bool
    trusted: bool
    cert_valid: bool
    modification: str
    visible: bool
    page: int | None
    rect: list[float] | None
    signer_der: bytes = dataclasses.field(repr=False)
    expired: bool = False
    not_yet_valid: bool = False
    usage_ok: bool = True
    permitted: bool = True
    """The changes after this signature are allowed: only later signatures, and nothing that
    the signer's own DocMDP/FieldMDP policy forbids."""

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "signer_subject": self.signer_subject,
            "signer_serial": self.signer_serial,
            "signer_sha256": self.signer_sha256,
            "issuer_subject": self.issuer_subject,
            "signing_time": (
                self.signing_time.astimezone(VIETNAM).isoformat(timespec="seconds")
                if self.signing_time
                else None
            ),
            "intact": self.intact,
            "trusted": self.trusted,
            "cert_valid": self.cert_valid,
            "modification": self.modification,
            "visible": self.visible,
            "page": self.page,
            "rect": self.rect,
        }


@dataclass
class Verdict:
    valid: bool
    reasons: list[str]
    signatures: list[SignatureReport]

    def as_json(self, file_name: str) -> dict[str, Any]:
        """The JSON document of `sathach verify --json`."""
        return {
            "file": file_name,
            "valid": self.valid,
            "reasons": list(self.reasons),
            "signatures": [s.as_json() for s in self.signatures],
        }


def _verdict(reasons: Iterable[str], signatures: list[SignatureReport]) -> Verdict:
    found = set(reasons)
    ordered = [code for code in REASONS if code in found]
    return Verdict(valid=not ordered, reasons=ordered, signatures=signatures)


# --- certificates ---------------------------------------------------------------------------


def certificate_ders(data: bytes) -> list[bytes]:
    """Every certificate in PEM bytes, or the one certificate in DER (or unarmoured base64)
    bytes, as DER. Raises ValueError when there is none."""
    if b"-----BEGIN CERTIFICATE-----" in data:
        try:
            certificates = x509.load_pem_x509_certificates(data)
        except ValueError:
            raise ValueError("unreadable PEM certificate") from None
    else:
        try:
            certificates = [load_certificate(data)]
        except DomainError as error:
            raise ValueError(error.message) from None
    return [c.public_bytes(serialization.Encoding.DER) for c in certificates]


def _asn1_certificates(values: Iterable[CertificateInput]) -> list[asn1_x509.Certificate]:
    result = []
    for value in values:
        if isinstance(value, asn1_x509.Certificate):
            result.append(value)
        elif isinstance(value, x509.Certificate):
            der = value.public_bytes(serialization.Encoding.DER)
            result.append(asn1_x509.Certificate.load(der))
        else:
            result.extend(asn1_x509.Certificate.load(der) for der in certificate_ders(value))
    return result


def _crls(values: Iterable[CrlInput]) -> list[x509.CertificateRevocationList]:
    result = []
    for value in values:
        if isinstance(value, x509.CertificateRevocationList):
            result.append(value)
        elif b"-----BEGIN X509 CRL-----" in value:
            result.append(x509.load_pem_x509_crl(value))
        else:
            result.append(x509.load_der_x509_crl(value))
    return result


def _name(name: x509.Name) -> str:
    return nfc(name.rfc4514_string(_NAME_KEYWORDS))


def _revoked_by_local_crl(
    certificate: x509.Certificate,
    issuer: x509.Certificate,
    crls: list[x509.CertificateRevocationList],
    at: datetime.datetime,
) -> bool:
    """pyHanko reads a CRL only for a certificate that names a CRL distribution point, and
    ignores a stale one in soft-fail mode; a revocation listed in an authentic CRL of the
    issuer is a fact either way."""
    public_key = issuer.public_key()
    for crl in crls:
        if crl.issuer != certificate.issuer:
            continue
        try:
            authentic = crl.is_signature_valid(public_key)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            authentic = False
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if authentic and entry is not None and entry.revocation_date_utc <= at:
            return True
    return False


# --- one signature --------------------------------------------------------------------------


def signature_appearance(document: PdfDocument, name: str) -> tuple[int, Box] | None:
    """The page (0-based) and rectangle of the field's first visible widget: a non-empty
    /Rect on a page's /Annots, not hidden, overlapping the page."""
    field_ = document.fields.get(name)
    if field_ is None:
        return None
    value = field_.value
    widgets: list[tuple[generic.Reference, generic.DictionaryObject]] = []
    if "/Kids" in value:
        for kid in value["/Kids"]:
            kid_value = kid.get_object()
            if isinstance(kid, generic.IndirectObject) and "/T" not in kid_value:
                widgets.append((kid.reference, kid_value))
    else:
        widgets.append((field_.ref, value))
    for ref, widget in widgets:
        if "/Rect" not in widget or int(pdf_get(widget, "/F", 0)) & _HIDDEN:
            continue
        x1, y1, x2, y2 = pdf_box(widget["/Rect"])
        if x2 <= x1 or y2 <= y1:
            continue
        for index, page in enumerate(document.pages):
            px1, py1, px2, py2 = page.box
            on_page = x1 < px2 and x2 > px1 and y1 < py2 and y2 > py1
            if on_page and ref in page_annotations(page.value):
                return index, (x1, y1, x2, y2)
    return None


async def _chain_trusted(
    certificate: asn1_x509.Certificate,
    *,
    roots: list[asn1_x509.Certificate],
    intermediates: list[asn1_x509.Certificate],
    crls: list[x509.CertificateRevocationList],
    at: datetime.datetime,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
) -> bool:
    """Whether the certificate chains to a trusted root and is not revoked. The chain is
    judged at `at` moved inside the certificate's validity period, so that an expired
    certificate is CERT_EXPIRED, not also UNTRUSTED."""
    moment = min(max(at, not_before), not_after)
    context = ValidationContext(
        trust_roots=roots,
        other_certs=intermediates,
        crls=[crl.public_bytes(serialization.Encoding.DER) for crl in crls],
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        path = await CertificateValidator(
            certificate, validation_context=context
        ).async_validate_path()
    except (PathError, ValidationError, ValueError):
        return False
    chain = list(path.iter_certs(include_root=True))
    issuer = chain[-2] if len(chain) > 1 else chain[-1]
    return not _revoked_by_local_crl(
        x509.load_der_x509_certificate(certificate.dump()),
        x509.load_der_x509_certificate(issuer.dump()),
        crls,
        at,
    )


async def _check(
    document: PdfDocument,
    index: int,
    *,
    roots: list[asn1_x509.Certificate],
    others: list[asn1_x509.Certificate],
    crls: list[x509.CertificateRevocationList],
    at: datetime.datetime,
) -> SignatureReport:
    signature = document.signatures[index]
    context = ValidationContext(
        trust_roots=roots,
        other_certs=others,
        crls=[crl.public_bytes(serialization.Encoding.DER) for crl in crls],
        moment=at,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    timestamp_only = signature.sig_object_type == "/DocTimeStamp"
    try:
        if timestamp_only:
            status: Any = await async_validate_pdf_timestamp(signature, context)
        else:
            status = await async_validate_pdf_signature(
                signature, context, key_usage_settings=_ANY_KEY_USAGE
            )
    except SignatureValidationError:
        # The PDF is readable but this signature is not (bad CMS, unknown algorithm…).
        status = None
    asn1_certificate = signature.signer_cert
    der = asn1_certificate.dump()
    certificate = x509.load_der_x509_certificate(der)
    info = certificate_info(certificate)
    later = {nfc(s.field_name) for s in document.signatures[index + 1 :]}
    name = nfc(signature.field_name)

    intact = False
    modification = "other"
    permitted = False
    signing_time = None
    timestamp_trusted = True
    if status is not None:
        coverage_ok = status.coverage in (
            SignatureCoverageLevel.ENTIRE_FILE,
            SignatureCoverageLevel.ENTIRE_REVISION,
        )
        intact = bool(
            status.intact
            and status.valid
            and coverage_ok
            and status.trust_problem_indic not in _CRYPTO_FAILURES
        )
        modification = modification_level(document, signature, status, later)
        permitted = modification in ALLOWED_MODIFICATIONS and status.docmdp_ok is not False
        if timestamp_only:
            signing_time = status.timestamp
        else:
            token = status.timestamp_validity
            if token is not None:
                intact = intact and bool(token.intact and token.valid)
                timestamp_trusted = bool(token.trusted)
            if token is not None and token.intact and token.valid and token.trusted:
                signing_time = token.timestamp
            else:
                signing_time = status.signer_reported_dt
    if signing_time is not None and signing_time.tzinfo is None:
        signing_time = signing_time.replace(tzinfo=datetime.UTC)

    trusted = timestamp_trusted and await _chain_trusted(
        asn1_certificate,
        roots=roots,
        intermediates=others + list(signature.other_embedded_certs),
        crls=crls,
        at=at,
        not_before=info.not_before,
        not_after=info.not_after,
    )
    expired = at > info.not_after
    not_yet_valid = at < info.not_before
    placed = signature_appearance(document, name)
    return SignatureReport(
        field=name,
        signer_subject=_name(certificate.subject),
        signer_serial=format(certificate.serial_number, "x"),
        signer_sha256=hashlib.sha256(der).hexdigest(),
        issuer_subject=_name(certificate.issuer),
        signing_time=signing_time,
        intact=intact,
        trusted=trusted,
        cert_valid=info.can_sign and not expired and not not_yet_valid,
        modification=modification,
        visible=placed is not None,
        page=placed[0] + 1 if placed else None,
        rect=list(placed[1]) if placed else None,
        signer_der=der,
        expired=expired,
        not_yet_valid=not_yet_valid,
        usage_ok=info.can_sign,
        permitted=permitted,
    )


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's coroutines to the end, also from a thread whose event loop is running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- the service ----------------------------------------------------------------------------


def validate_pdf(
    data: bytes,
    *,
    trust_roots: Iterable[CertificateInput],
    other_certs: Iterable[CertificateInput] = (),
    crls: Iterable[CrlInput] = (),
    signer: bytes | None = None,
    require_visible: bool = False,
    at: datetime.datetime | None = None,
) -> Verdict:
    """Judge a signed PDF against the trust roots given (never those in the document).

    `signer`: the certificate (DER or PEM) the first signature must be made with.
    `require_visible`: the first signature must have a visible appearance on a page.
    `at`: when certificates are judged (default now; a naive time is Vietnam time).
    A certificate, CRL or signer that cannot be read raises ValueError; the document itself
    never raises: whatever is wrong with it is in the verdict.
    """
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = at.replace(tzinfo=VIETNAM)
    roots = _asn1_certificates(trust_roots)
    others = _asn1_certificates(other_certs)
    revocation_lists = _crls(crls)
    expected = certificate_ders(signer)[0] if signer is not None else None
    try:
        document = open_pdf(data)
    except MalformedPdf:
        return _verdict([MALFORMED_PDF], [])
    if not document.signatures:
        return _verdict([NO_SIGNATURE], [])

    async def check_all() -> list[SignatureReport]:
        return [
            await _check(document, index, roots=roots, others=others, crls=revocation_lists, at=at)
            for index in range(len(document.signatures))
        ]

    try:
        reports = _run(check_all())
    except MemoryError:  # the capped child of sandbox.py says the file is too complex
        raise
    except Exception:  # a file that breaks the checks is not a valid PDF
        logger.info("PDF that breaks validation", exc_info=True)
        return _verdict([MALFORMED_PDF], [])

    reasons = []
    for report in reports:
        if not report.intact:
            reasons.append(BROKEN_SIGNATURE)
        if not report.trusted:
            reasons.append(UNTRUSTED)
        if report.expired:
            reasons.append(CERT_EXPIRED)
        if report.not_yet_valid:
            reasons.append(CERT_NOT_YET_VALID)
        if not report.usage_ok:
            reasons.append(KEY_USAGE)
        if not report.permitted:
            reasons.append(MODIFIED_AFTER_SIGNING)
    first = reports[0]
    if expected is not None and first.signer_der != expected:
        reasons.append(WRONG_SIGNER)
    if require_visible and not first.visible:
        reasons.append(NOT_VISIBLE)
    return _verdict(reasons, reports)


def read_signer_certificates(data: bytes) -> list[bytes]:
    """The DER of each signature's signer certificate, in file order (a signed PDF's way of
    telling which certificate a device holds). Raises MalformedPdf."""
    return [s.signer_cert.dump() for s in open_pdf(data).signatures]
