"""Reading an X.509 certificate uploaded for a signing device (.cer, .crt, .pem, .der)."""

from __future__ import annotations

import base64
import binascii
import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError
from sathach.core.text import nfc


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    common_name: str
    issuer: str
    ca_name: str
    serial_number: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    fingerprint: str
    der: bytes
    can_sign: bool


def _name(name: x509.Name) -> str:
    return nfc(name.rfc4514_string())


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return nfc(str(values[0].value)) if values else ""


def load_certificate(data: bytes) -> x509.Certificate:
    """The first certificate in PEM or DER bytes, or a DomainError in Vietnamese."""
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificates(data)[0]
        if data[:1] == b"\x30":
            # DER as it is: stripping would eat signature bytes that look like whitespace.
            return x509.load_der_x509_certificate(data)
        # A .cer exported by Windows may be base64 text without the PEM armour.
        return x509.load_der_x509_certificate(base64.b64decode(data.strip(), validate=False))
    except (ValueError, TypeError, IndexError, binascii.Error):
        raise DomainError(
            _("The file is not a certificate (.cer, .crt, .pem or .der) that can be read.")
        ) from None


def certificate_info(certificate: x509.Certificate) -> CertificateInfo:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        can_sign = bool(usage.digital_signature or usage.content_commitment)
    except x509.ExtensionNotFound:
        can_sign = True
    issuer = certificate.issuer
    ca_name = _attribute(issuer, NameOID.COMMON_NAME) or _attribute(
        issuer, NameOID.ORGANIZATION_NAME
    )
    return CertificateInfo(
        subject=_name(certificate.subject),
        common_name=_attribute(certificate.subject, NameOID.COMMON_NAME),
        issuer=_name(issuer),
        ca_name=ca_name or _name(issuer),
        serial_number=format(certificate.serial_number, "X"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        der=certificate.public_bytes(serialization.Encoding.DER),
        can_sign=can_sign,
    )


def read_certificate(data: bytes) -> CertificateInfo:
    return certificate_info(load_certificate(data))
