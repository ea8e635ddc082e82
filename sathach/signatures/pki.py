"""Certificates, keys and CRLs of the exam PKI, built with `cryptography` (no database).

Private keys at rest: PKCS#8 DER, wrapped with AES-256-GCM under a key derived from the
installation's PKI key (settings.PKI_KEY). A leader's key is first encrypted under their PIN
(PKCS#8 with PBES2), then wrapped: a stolen database yields nothing without the PKI key, and
the PKI key yields nothing without the PIN.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings

from sathach.core.text import nfc

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
WRAP_INFO = b"sathach pki key wrap v1"


class WrongPin(Exception):
    """The PIN does not open the token."""


def _wrapping_key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=WRAP_INFO).derive(
        settings.PKI_KEY.encode()
    )


def wrap(data: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_wrapping_key()).encrypt(nonce, data, WRAP_INFO)


def unwrap(blob: bytes) -> bytes:
    blob = bytes(blob)
    return AESGCM(_wrapping_key()).decrypt(blob[:12], blob[12:], WRAP_INFO)


def key_seal(key: PrivateKey, pin: str | None = None) -> bytes:
    """The key as stored: PKCS#8 (under the PIN when given), wrapped with the PKI key."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(pin.encode()) if pin else serialization.NoEncryption()
    )
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, encryption
    )
    return wrap(der)


def key_open(blob: bytes, pin: str | None = None) -> PrivateKey:
    try:
        der = unwrap(blob)
    except InvalidTag:
        raise RuntimeError("the PKI key of this installation does not open this key") from None
    try:
        key = serialization.load_der_private_key(der, pin.encode() if pin else None)
    except (ValueError, TypeError):
        raise WrongPin from None
    assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    return key


def new_key(kind: str) -> PrivateKey:
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def crl_url() -> str:
    return f"{settings.BASE_URL}/pki/exam-ca.crl"


def _name(common_name: str, organization: str = "", title: str = "", unit: str = "") -> x509.Name:
    # X.520 caps these attributes at 64 characters.
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, nfc(organization)[:64]))
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, nfc(unit)[:64]))
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, nfc(title)[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, nfc(common_name)[:64]))
    return x509.Name(attributes)


def _usage(*, sign: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class Issued:
    certificate: x509.Certificate
    key: PrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def make_root(organization: str) -> Issued:
    key = new_key("rsa")
    name = _name("CA gốc kiểm tra kỹ năng", organization)
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(certificate, key)


def _issue(
    issuer: Issued,
    subject: x509.Name,
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    *,
    days: int,
    extensions: list[tuple[x509.ExtensionType, bool]],
) -> x509.Certificate:
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(
            min(now + datetime.timedelta(days=days), issuer.certificate.not_valid_after_utc)
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer.key, hashes.SHA256())


def _distribution_point() -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(crl_url())],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def make_issuing_ca(root: Issued, organization: str) -> Issued:
    key = new_key("rsa")
    certificate = _issue(
        root,
        _name("CA cấp chứng thư kiểm tra kỹ năng", organization),
        key.public_key(),
        days=365 * 10,
        extensions=[
            (x509.BasicConstraints(ca=True, path_length=0), True),
            (_usage(ca=True), True),
        ],
    )
    return Issued(certificate, key)


def make_tsa(root: Issued, organization: str) -> Issued:
    # pyHanko's in-process time stamper signs with RSA only.
    key = new_key("rsa")
    certificate = _issue(
        root,
        _name("Dịch vụ cấp dấu thời gian kiểm tra", organization),
        key.public_key(),
        days=365 * 10,
        extensions=[
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (_usage(sign=True), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
        ],
    )
    return Issued(certificate, key)


def make_leader_certificate(
    issuing: Issued,
    *,
    full_name: str,
    title: str,
    unit: str,
    key_type: str,
    days: int = 365 * 2,
) -> Issued:
    """A signing certificate with a new key: see `leader_certificate_for_key`."""
    key = new_key(key_type)
    certificate = leader_certificate_for_key(
        issuing, key.public_key(), full_name=full_name, title=title, unit=unit, days=days
    )
    return Issued(certificate, key)


def leader_certificate_for_key(
    issuing: Issued,
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    *,
    full_name: str,
    title: str,
    unit: str,
    days: int = 365 * 2,
) -> x509.Certificate:
    """A leader's signing certificate for a key the CA never sees (one made on a token):
    name, position and unit in the subject, C=VN; digitalSignature and nonRepudiation; the
    CRL distribution point of the exam CA."""
    return _issue(
        issuing,
        _name(full_name, organization=unit, title=title),
        public_key,
        days=days,
        extensions=[
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (_usage(sign=True), True),
            (
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
                False,
            ),
            (_distribution_point(), False),
        ],
    )


def make_crl(
    issuing: Issued, revoked: list[tuple[int, datetime.datetime]], number: int
) -> x509.CertificateRevocationList:
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuing.certificate.subject)
        .last_update(now)
        .next_update(now + datetime.timedelta(days=7))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuing.key.public_key()),
            critical=False,
        )
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(issuing.key, hashes.SHA256())
