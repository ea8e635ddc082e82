"""Signing with a real token: a USB token plugged into the server (PKCS#11), and the split
flow for a token on the leader's own computer.

Split flow (pyHanko's interrupted signing): the server lays out the signature (the leader's
signature picture at the box, room reserved for the CMS), digests the document and builds
the CMS signed attributes; the leader's computer signs those bytes with the token
(`sathach token_sign`); the server checks the signature value against the registered
certificate, asks the exam TSA for the time-stamp, embeds the CMS and validates the result
before handing it back. A token signs only with the certificate registered for its leader
(an active SigningDevice with the same SHA-256 fingerprint).
"""

from __future__ import annotations

import asyncio
import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pkcs11 import Attribute, ObjectClass
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import signers
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sathach.campaigns.models import SigningDevice
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.organization.models import Person
from sathach.signatures import pki
from sathach.signatures.models import Authority, PendingSignature
from sathach.signatures.services import (
    certificate_chain,
    exam_time_stamper,
    leader_signature_png,
)
from sathach.signatures.signing import LEADER_FIELD, Box, asn1_certificate, leader_pdf_signer
from sathach.signatures.trust import trust_roots_for
from sathach.signatures.validation import REASON_MESSAGES, validate_pdf

PENDING_LIFETIME = datetime.timedelta(minutes=10)
FIELD_NAME = LEADER_FIELD
# The signer's place under "CHỦ TỊCH" in the lower right of an outgoing document (points).
DEFAULT_BOX: Box = (340.0, 170.0, 500.0, 240.0)
MECHANISM_RSA = "RSA_PKCS_SHA256"
MECHANISM_EC = "ECDSA_SHA256"

_PDF_ERRORS = (PdfError, ValueError, KeyError, IndexError)


# --- shared --------------------------------------------------------------------------------


def registered_device(person: Person, certificate: bytes) -> SigningDevice:
    """The leader's active device holding this certificate, or a DomainError: a token signs
    only with the certificate registered for its leader, and only while it is valid."""
    try:
        x509.load_der_x509_certificate(certificate)
    except ValueError:
        raise DomainError(_("The certificate sent is not a certificate.")) from None
    device = SigningDevice.objects.filter(
        person=person, fingerprint=pki.fingerprint(certificate), is_active=True
    ).first()
    if device is None:
        raise DomainError(
            _(
                "The certificate on the token is not the one registered for %(name)s: "
                "ask the district to register it first."
            )
            % {"name": person.full_name}
        )
    if not device.not_before <= timezone.now() <= device.not_after:
        raise DomainError(_("This certificate is not valid now."))
    return device


def _pdf_signer(signer: signers.Signer, *, box: Box, page: int, image_png: bytes) -> Any:
    return leader_pdf_signer(
        signer, stamper=exam_time_stamper(), box=box, page=page, image_png=image_png
    )


def _registry() -> SimpleCertificateStore:
    return SimpleCertificateStore.from_certs([asn1_certificate(c) for c in certificate_chain()])


def _is_ec(certificate: bytes) -> bool:
    public_key = x509.load_der_x509_certificate(certificate).public_key()
    return isinstance(public_key, ec.EllipticCurvePublicKey)


# --- a token plugged into the server -------------------------------------------------------


@contextmanager
def token_session(*, module: str, token_label: str, pin: str) -> Iterator[Any]:
    """A logged-in session on the token with this label (never a slot number: initialising
    a token renumbers the slots). Every failure is a DomainError a leader can act on."""
    if not module:
        raise DomainError(
            _("No PKCS#11 module is configured on the server (SATHACH_PKCS11_MODULE).")
        )
    if not Path(module).is_file():
        raise DomainError(_("The PKCS#11 module %(path)s was not found.") % {"path": module})
    try:
        library = pkcs11.lib(module)
    except pkcs11.PKCS11Error:
        raise DomainError(
            _("The PKCS#11 module %(path)s cannot be loaded.") % {"path": module}
        ) from None
    try:
        token = library.get_token(token_label=token_label)
    except pkcs11.NoSuchToken:
        raise DomainError(
            _("No token labelled “%(label)s” is plugged in.") % {"label": token_label}
        ) from None
    except pkcs11.MultipleTokensReturned:
        raise DomainError(
            _("Several tokens are labelled “%(label)s”: plug in only one.") % {"label": token_label}
        ) from None
    try:
        session = token.open(user_pin=pin)
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange):
        raise DomainError(_("The PIN of the token is wrong.")) from None
    except pkcs11.PinLocked:
        raise DomainError(
            _("The token is locked after too many wrong PINs: unlock it with its PUK.")
        ) from None
    except pkcs11.PKCS11Error:
        raise DomainError(_("The token could not be opened.")) from None
    try:
        yield session
    finally:
        session.close()


def token_signing_key(session: Any, key_label: str | None = None) -> tuple[Any, bytes]:
    """The token's signing key and the certificate stored with it (same CKA_ID, or the same
    label when the key has no ID), as (key, certificate DER)."""
    query: dict[Any, Any] = {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.SIGN: True}
    if key_label:
        query[Attribute.LABEL] = key_label
    keys = list(session.get_objects(query))
    if not keys:
        raise DomainError(_("The token holds no signing key with that label."))
    if len(keys) > 1:
        raise DomainError(_("The token holds several signing keys: name one by its label."))
    key = keys[0]
    key_id = bytes(key[Attribute.ID] or b"")
    wanted = {Attribute.ID: key_id} if key_id else {Attribute.LABEL: key[Attribute.LABEL]}
    certificates = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, **wanted}))
    if not certificates:
        raise DomainError(_("The token holds no certificate for its signing key."))
    return key, bytes(certificates[0][Attribute.VALUE])


def document_sign_pkcs11(
    *,
    actor: Any,
    person: Person,
    token_label: str,
    pin: str,
    data: bytes,
    box: Box = DEFAULT_BOX,
    page: int = 0,
    key_label: str | None = None,
    module: str | None = None,
) -> bytes:
    """Sign a PDF with a USB token plugged into the server (settings.PKCS11_MODULE): PAdES
    B-T with the leader's signature picture at `box`, time-stamped by the exam TSA. The
    token's certificate must be the one registered for `person`."""
    with token_session(
        module=settings.PKCS11_MODULE if module is None else module,
        token_label=token_label,
        pin=pin,
    ) as session:
        key, certificate = token_signing_key(session, key_label)
        device = registered_device(person, certificate)
        key_id = bytes(key[Attribute.ID] or b"")
        signer = PKCS11Signer(
            session,
            signing_cert=asn1_certificate(certificate),
            ca_chain=[asn1_certificate(c) for c in certificate_chain()],
            key_id=key_id or None,
            key_label=None if key_id else key[Attribute.LABEL],
            # Tokens (SoftHSM among them) often offer only plain CKM_ECDSA: hash here.
            use_raw_mechanism=_is_ec(certificate),
        )
        pdf_signer = _pdf_signer(signer, box=box, page=page, image_png=leader_signature_png(person))
        output = io.BytesIO()
        try:
            pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), output=output)
        except pkcs11.PKCS11Error:
            raise DomainError(_("The token refused to sign.")) from None
        except _PDF_ERRORS:
            raise DomainError(_("The file is not a PDF that can be signed.")) from None
    signed = output.getvalue()
    with transaction.atomic():
        audit_log(
            actor=actor,
            action=AuditAction.DOCUMENT_SIGNED_ON_TOKEN,
            obj=device,
            unit=person.unit,
            summary={
                "token": token_label,
                "serial": device.serial_number,
                "fingerprint": device.fingerprint,
                "bytes": len(signed),
            },
        )
    return signed


# --- the split flow: a token on the leader's computer --------------------------------------


def _placeholder_size(certificate: bytes) -> int:
    """Bytes reserved for the signature value: the modulus for RSA, a DER ECDSA-Sig-Value
    of the curve's size for EC (two integers, each possibly one byte longer, and headers)."""
    public_key = x509.load_der_x509_certificate(certificate).public_key()
    if isinstance(public_key, rsa.RSAPublicKey):
        return (public_key.key_size + 7) // 8
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return 2 * ((public_key.curve.key_size + 7) // 8) + 9
    raise DomainError(_("Only RSA and ECDSA certificates can sign."))


def remote_signing_prepare(
    *,
    actor: Any,
    person: Person,
    data: bytes,
    certificate: bytes | None = None,
    box: Box = DEFAULT_BOX,
    page: int = 0,
    file_name: str = "",
) -> PendingSignature:
    """Prepare a PDF for a signature made on the leader's own token: lay out the visible
    signature, reserve room for it, and keep the document and the CMS signed attributes for
    ten minutes. The token signs `signed_attributes` (SHA-256). `certificate` is the one on
    the token; without it the leader's only active device is used."""
    if certificate is None:
        devices = list(SigningDevice.objects.filter(person=person, is_active=True))
        if len(devices) != 1:
            raise DomainError(_("Send the certificate of the token that will sign."))
        certificate = bytes(devices[0].certificate)
    device = registered_device(person, certificate)
    external = signers.ExternalSigner(
        signing_cert=asn1_certificate(certificate),
        cert_registry=_registry(),
        signature_value=_placeholder_size(certificate),
    )
    pdf_signer = _pdf_signer(external, box=box, page=page, image_png=leader_signature_png(person))

    async def prepare() -> tuple[PreparedByteRangeDigest, bytes, bytes]:
        output = io.BytesIO()
        digest, tbs, _output = await pdf_signer.async_digest_doc_for_signing(
            IncrementalPdfFileWriter(io.BytesIO(data)), output=output
        )
        attributes = await external.signed_attrs(
            digest.document_digest, tbs.md_algorithm, use_pades=True
        )
        return digest, attributes.dump(), output.getvalue()

    try:
        digest, attributes, prepared = asyncio.run(prepare())
    except _PDF_ERRORS:
        raise DomainError(_("The file is not a PDF that can be signed.")) from None
    now = timezone.now()
    with transaction.atomic():
        PendingSignature.objects.filter(owner=actor, expires_at__lte=now).delete()
        pending = PendingSignature.objects.create(
            owner=actor,
            person=person,
            device=device,
            file_name=nfc(file_name)[:255],
            document=prepared,
            signed_attributes=attributes,
            document_digest=digest.document_digest,
            reserved_start=digest.reserved_region_start,
            reserved_end=digest.reserved_region_end,
            expires_at=now + PENDING_LIFETIME,
        )
        audit_log(
            actor=actor,
            action=AuditAction.REMOTE_SIGNING_PREPARED,
            obj=pending,
            unit=person.unit,
            summary={
                "file": pending.file_name,
                "fingerprint": device.fingerprint,
                "bytes": len(data),
            },
        )
    return pending


def mechanism(pending: PendingSignature) -> str:
    """How the token signs: RSA PKCS#1 v1.5 or ECDSA, both over SHA-256."""
    return MECHANISM_EC if _is_ec(bytes(pending.device.certificate)) else MECHANISM_RSA


def signature_value(certificate: bytes, value: bytes, message: bytes) -> bytes:
    """The token's signature of `message` as CMS wants it (ECDSA: DER, whether the token
    gave DER or the raw r||s of PKCS#11), checked against the certificate's public key."""
    public_key = x509.load_der_x509_certificate(certificate).public_key()
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            size = (public_key.curve.key_size + 7) // 8
            try:
                r, s = decode_dss_signature(value)
            except ValueError:
                if len(value) != 2 * size:
                    raise DomainError(_("The signature value has the wrong length.")) from None
                r, s = int.from_bytes(value[:size], "big"), int.from_bytes(value[size:], "big")
            value = encode_dss_signature(r, s)
            public_key.verify(value, message, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(value, message, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise DomainError(_("Only RSA and ECDSA certificates can sign."))
    except InvalidSignature:
        raise DomainError(
            _(
                "The signature does not match the document prepared for signing, or was not "
                "made with the registered certificate."
            )
        ) from None
    return value


def remote_signing_finish(*, actor: Any, pending: PendingSignature, signature: bytes) -> bytes:
    """Embed the token's signature in the prepared document, time-stamp it with the exam
    TSA, and hand the PDF back only if it validates as signed with the leader's registered
    certificate. The pending document is used once."""
    if pending.is_expired:
        pending.delete()
        raise DomainError(_("This signing request has expired: prepare the document again."))
    if not SigningDevice.objects.filter(pk=pending.device_id, is_active=True).exists():
        raise DomainError(_("The certificate of this signing request is no longer registered."))
    certificate = bytes(pending.device.certificate)
    attributes = bytes(pending.signed_attributes)
    value = signature_value(certificate, signature, attributes)
    external = signers.ExternalSigner(
        signing_cert=asn1_certificate(certificate),
        cert_registry=_registry(),
        signature_value=value,
    )
    container = asyncio.run(
        external.async_sign_prescribed_attributes(
            "sha256",
            signed_attrs=cms.CMSAttributes.load(attributes),
            timestamper=exam_time_stamper(),
        )
    )
    output = io.BytesIO(bytes(pending.document))
    PreparedByteRangeDigest(
        document_digest=bytes(pending.document_digest),
        reserved_region_start=pending.reserved_start,
        reserved_region_end=pending.reserved_end,
    ).fill_with_cms(output, container)
    signed = output.getvalue()
    issuing = Authority.objects.filter(kind=Authority.Kind.ISSUING).first()
    verdict = validate_pdf(
        signed,
        trust_roots=trust_roots_for([pending.person.unit]),
        other_certs=certificate_chain(),
        crls=[bytes(issuing.crl)] if issuing is not None and issuing.crl else [],
        signer=certificate,
        require_visible=True,
    )
    if not verdict.valid:
        raise DomainError(
            _("The signed document did not pass the check: %(reasons)s")
            % {"reasons": " ".join(str(REASON_MESSAGES[r]) for r in verdict.reasons)}
        )
    with transaction.atomic():
        audit_log(
            actor=actor,
            action=AuditAction.REMOTE_SIGNING_FINISHED,
            obj=pending.device,
            unit=pending.person.unit,
            summary={
                "file": pending.file_name,
                "fingerprint": pending.device.fingerprint,
                "bytes": len(signed),
            },
        )
        pending.delete()
    return signed
