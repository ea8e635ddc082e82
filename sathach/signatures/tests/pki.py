"""A throw-away PKI for the validator's tests, built with `cryptography` alone.

A root CA and an issuing "exam CA" (path length 0) with leaders' signing certificates
(digitalSignature + nonRepudiation, critical; a CRL distribution point that is never
fetched), an organisation's certificate, a time-stamping authority, and the bad ones: expired,
not yet valid, without a signing key usage, revoked, and a rogue root with our root's exact
name. Keys are made once per test process.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
CRL_URL = "http://crl.example.invalid/exam-ca.crl"
NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Identity:
    certificate: x509.Certificate
    key: PrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def key_der(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def _name(common_name: str, organization: str, title: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _usage(*, sign: bool = False, ca: bool = False, encipher: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,
        key_encipherment=encipher,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _key(kind: str) -> PrivateKey:
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(
    subject: x509.Name,
    key: PrivateKey,
    issuer: Identity | None,
    *,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    extensions: list[tuple[x509.ExtensionType, bool]],
) -> Identity:
    signing_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), False
        )
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical)
    return Identity(builder.sign(signing_key, hashes.SHA256()), key)


def _root(name: x509.Name) -> Identity:
    return _certificate(
        name,
        _key("rsa"),
        None,
        not_before=NOW - 5 * 365 * DAY,
        not_after=NOW + 20 * 365 * DAY,
        extensions=[
            (x509.BasicConstraints(ca=True, path_length=1), True),
            (_usage(ca=True), True),
        ],
    )


def _issuing_ca(root: Identity, name: x509.Name) -> Identity:
    return _certificate(
        name,
        _key("rsa"),
        root,
        not_before=NOW - 5 * 365 * DAY,
        not_after=NOW + 10 * 365 * DAY,
        extensions=[
            (x509.BasicConstraints(ca=True, path_length=0), True),
            (_usage(ca=True), True),
        ],
    )


def _distribution_point() -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _signer(
    ca: Identity,
    common_name: str,
    organization: str,
    *,
    kind: str = "rsa",
    title: str = "",
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    usage: x509.KeyUsage | None = None,
    distribution_point: bool = True,
) -> Identity:
    extensions: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (usage or _usage(sign=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]), False),
    ]
    if distribution_point:
        extensions.append((_distribution_point(), False))
    return _certificate(
        _name(common_name, organization, title),
        _key(kind),
        ca,
        not_before=not_before or NOW - DAY,
        not_after=not_after or NOW + 2 * 365 * DAY,
        extensions=extensions,
    )


@dataclass(frozen=True)
class ExamPki:
    root: Identity
    exam_ca: Identity
    tsa: Identity
    leader_a: Identity
    """Nguyễn Văn An, Chairman, RSA-2048."""
    leader_b: Identity
    """Trần Thị Bình, Vice-Chairman, ECDSA P-256."""
    organization: Identity
    expired: Identity
    not_yet_valid: Identity
    no_signing_usage: Identity
    revoked: Identity
    revoked_without_distribution_point: Identity
    """pyHanko reads no CRL for it: the validator's own CRL check must catch it."""
    rogue_root: Identity
    """Our root's exact name with another key."""
    rogue_ca: Identity
    rogue_leader: Identity
    """Leader A's name under the rogue root."""

    def crl(self, *revoked: Identity, issuer: Identity | None = None, stale: bool = False) -> bytes:
        """A CRL of the exam CA (DER) listing `revoked`, issued a day ago (or, `stale`, one
        whose next update is long past)."""
        issuer = issuer or self.exam_ca
        issued = NOW - (30 * DAY if stale else DAY)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuer.certificate.subject)
            .last_update(issued)
            .next_update(issued + 7 * DAY)
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                critical=False,
            )
        )
        for identity in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(identity.certificate.serial_number)
                .revocation_date(issued)
                .build()
            )
        return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@functools.cache
def exam_pki() -> ExamPki:
    org = "UBND xã An Thạnh 1"
    root_name = _name("CA gốc kiểm thử", "Ban Chỉ đạo kiểm tra kỹ năng")
    ca_name = _name("CA kiểm tra kỹ năng", "Ban Chỉ đạo kiểm tra kỹ năng")
    root = _root(root_name)
    exam_ca = _issuing_ca(root, ca_name)
    rogue_root = _root(root_name)
    rogue_ca = _issuing_ca(rogue_root, ca_name)
    tsa = _certificate(
        _name("Dịch vụ dấu thời gian kiểm thử", "Ban Chỉ đạo kiểm tra kỹ năng"),
        _key("rsa"),
        root,
        not_before=NOW - 5 * 365 * DAY,
        not_after=NOW + 10 * 365 * DAY,
        extensions=[
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (_usage(sign=True), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
        ],
    )
    return ExamPki(
        root=root,
        exam_ca=exam_ca,
        tsa=tsa,
        leader_a=_signer(exam_ca, "Nguyễn Văn An", org, title="Chủ tịch"),
        leader_b=_signer(exam_ca, "Trần Thị Bình", org, kind="ec", title="Phó Chủ tịch"),
        organization=_signer(exam_ca, "Ủy ban nhân dân xã An Thạnh 1", org),
        expired=_signer(
            exam_ca,
            "Phạm Văn Cũ",
            org,
            not_before=NOW - 3 * 365 * DAY,
            not_after=NOW - 365 * DAY,
        ),
        not_yet_valid=_signer(
            exam_ca,
            "Đỗ Thị Sớm",
            org,
            kind="ec",
            not_before=NOW + 365 * DAY,
            not_after=NOW + 3 * 365 * DAY,
        ),
        no_signing_usage=_signer(exam_ca, "Hoàng Văn Mã", org, usage=_usage(encipher=True)),
        revoked=_signer(exam_ca, "Lê Văn Thu", org),
        revoked_without_distribution_point=_signer(
            exam_ca, "Võ Thị Hạ", org, kind="ec", distribution_point=False
        ),
        rogue_root=rogue_root,
        rogue_ca=rogue_ca,
        rogue_leader=_signer(rogue_ca, "Nguyễn Văn An", org, title="Chủ tịch"),
    )
