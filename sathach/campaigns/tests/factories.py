"""Campaign test data: a campaign over the test world's communes, and real certificates."""

from __future__ import annotations

import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sathach.campaigns.models import Campaign
from sathach.campaigns.services import campaign_create
from sathach.organization.testing import World


def make_campaign(world: World, status: str = Campaign.Status.DRAFT, **settings: Any) -> Campaign:
    campaign = campaign_create(
        actor=world.district_admin,
        code=settings.pop("code", "75/KH-UBND"),
        title=settings.pop(
            "title", "Thi đua cùng điển hình tiên tiến trong cải cách hành chính năm 2020"
        ),
        issuing_unit=world.district,
        issued_on=datetime.date(2020, 7, 27),
        **settings,
    )
    if status != Campaign.Status.DRAFT:
        Campaign.objects.filter(pk=campaign.pk).update(status=status)
        campaign.refresh_from_db()
    return campaign


def make_certificate(
    common_name: str = "Trần Thị Ngân",
    *,
    days_before: int = 30,
    days_after: int = 365,
    signing: bool = True,
    der: bool = False,
) -> bytes:
    """A self-issued ECDSA certificate, as a CA would issue one to a leader."""
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "VNPT"),
            x509.NameAttribute(NameOID.COMMON_NAME, "VNPT Certification Authority"),
        ]
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=days_before))
        .not_valid_after(now + datetime.timedelta(days=days_after))
        .add_extension(
            x509.KeyUsage(
                digital_signature=signing,
                content_commitment=signing,
                key_encipherment=not signing,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    certificate = builder.sign(key, hashes.SHA256())
    encoding = serialization.Encoding.DER if der else serialization.Encoding.PEM
    return certificate.public_bytes(encoding)
