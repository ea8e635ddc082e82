from __future__ import annotations

from io import StringIO

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from sathach.campaigns.models import SigningDevice
from sathach.core.audit import audit_verify
from sathach.core.errors import DomainError
from sathach.organization.testing import BaseTestCase
from sathach.signatures import pki
from sathach.signatures.models import Authority, LeaderCertificate, TrustAnchor
from sathach.signatures.services import (
    certificate_issue,
    certificate_renew,
    certificate_revoke,
    pki_init,
    token_open,
    token_set_pin,
    trust_anchor_add,
)


def load(der: bytes | memoryview) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes(der))


class PkiTestCase(BaseTestCase):
    def setUp(self) -> None:
        pki_init(actor=self.world.district_admin, organization="UBND huyện Cù Lao Dung")

    def test_init_creates_the_authorities_once_with_encrypted_keys(self) -> None:
        kinds = {a.kind: a for a in Authority.objects.all()}
        self.assertEqual(set(kinds), {"root", "issuing", "tsa"})
        root, issuing, tsa = (load(kinds[k].certificate) for k in ("root", "issuing", "tsa"))
        self.assertEqual(issuing.issuer, root.subject)
        constraints = issuing.extensions.get_extension_for_class(x509.BasicConstraints).value
        self.assertEqual((constraints.ca, constraints.path_length), (True, 0))
        usage = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        self.assertTrue(usage.critical)
        self.assertEqual(list(usage.value), [ExtendedKeyUsageOID.TIME_STAMPING])
        for authority in kinds.values():
            with self.assertRaises(ValueError):
                serialization.load_der_private_key(bytes(authority.private_key), None)
        self.assertIsNotNone(kinds["issuing"].crl)
        with self.assertRaises(DomainError):
            pki_init(actor=None, organization="Lần hai")

    def test_a_leader_gets_a_certificate_registered_as_their_device(self) -> None:
        person = self.world.leader_person
        token = certificate_issue(actor=self.world.district_admin, person=person)
        certificate = load(token.certificate)
        subject = certificate.subject
        self.assertEqual(
            subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value, "Trần Thị Ngân"
        )
        self.assertEqual(subject.get_attributes_for_oid(NameOID.TITLE)[0].value, "Chủ tịch")
        self.assertEqual(
            subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value, "Xã Đại Ân 1"
        )
        self.assertEqual(subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value, "VN")
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        self.assertTrue(usage.digital_signature and usage.content_commitment)
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        self.assertEqual(points[0].full_name[0].value, "http://127.0.0.1:8000/pki/exam-ca.crl")
        device = SigningDevice.objects.get(person=person)
        self.assertEqual((device.source, device.fingerprint), ("issued", token.fingerprint))

    def test_only_leaders_get_certificates(self) -> None:
        with self.assertRaises(DomainError):
            certificate_issue(actor=None, person=self.world.officer_person)

    def test_the_token_signs_only_with_its_pin_and_locks_after_five_wrong_ones(self) -> None:
        token = certificate_issue(actor=None, person=self.world.leader_person, key_type="rsa")
        with self.assertRaisesMessage(DomainError, "Đặt mã PIN"):
            token_open(token, "")
        with self.assertRaises(DomainError):
            token_set_pin(actor=self.world.leader, token=token, new_pin="111111")
        token_set_pin(actor=self.world.leader, token=token, new_pin="250720")
        token.refresh_from_db()
        self.assertIsNotNone(token_open(token, "250720"))
        for left in (4, 3, 2, 1):
            with self.assertRaisesMessage(DomainError, f"Mã PIN không đúng. Còn {left} lần thử"):
                token_open(token, "000001")
            token.refresh_from_db()
        with self.assertRaisesMessage(DomainError, "lần thử cuối cùng: chức năng ký số bị khóa"):
            token_open(token, "000001")
        token.refresh_from_db()
        self.assertIsNotNone(token.locked_until)
        with self.assertRaisesMessage(DomainError, "Nhập sai mã PIN quá nhiều lần"):
            token_open(token, "250720")

    def test_changing_the_pin_needs_the_old_one(self) -> None:
        token = certificate_issue(actor=None, person=self.world.leader_person)
        token_set_pin(actor=None, token=token, new_pin="250720")
        token.refresh_from_db()
        with self.assertRaises(DomainError):
            token_set_pin(actor=None, token=token, new_pin="270720", old_pin="999999")
        token.refresh_from_db()
        token_set_pin(actor=None, token=token, new_pin="270720", old_pin="250720")
        token.refresh_from_db()
        self.assertIsNotNone(token_open(token, "270720"))

    def test_a_key_needs_the_installations_pki_key(self) -> None:
        token = certificate_issue(actor=None, person=self.world.leader_person)
        with override_settings(PKI_KEY="another-installation"), self.assertRaises(RuntimeError):
            pki.key_open(bytes(token.private_key))

    def test_revoking_publishes_a_crl_and_retires_the_device(self) -> None:
        token = certificate_issue(actor=None, person=self.world.leader_person)
        certificate_revoke(actor=self.world.district_admin, token=token, reason="Mất thiết bị")
        published = Authority.objects.get(kind="issuing").crl
        assert published is not None
        crl = x509.load_der_x509_crl(bytes(published))
        self.assertIsNotNone(crl.get_revoked_certificate_by_serial_number(int(token.serial, 16)))
        self.assertFalse(SigningDevice.objects.get(fingerprint=token.fingerprint).is_active)
        with self.assertRaises(DomainError):
            certificate_revoke(actor=None, token=token, reason="Lần nữa")

    def test_renewing_revokes_the_old_certificate(self) -> None:
        token = certificate_issue(actor=None, person=self.world.leader_person)
        renewed = certificate_renew(actor=None, token=token)
        token.refresh_from_db()
        self.assertEqual(token.replaced_by, renewed)
        self.assertIsNotNone(token.revoked_at)
        self.assertIsNone(renewed.revoked_at)
        self.assertEqual(LeaderCertificate.objects.count(), 2)
        self.assertEqual(audit_verify()[1], [])

    def test_the_trust_store_takes_only_ca_certificates(self) -> None:
        root = pki.make_root("Trung tâm Chứng thực điện tử quốc gia")
        anchor = trust_anchor_add(actor=None, data=root.der, name="NEAC")
        self.assertEqual(TrustAnchor.objects.get().fingerprint, anchor.fingerprint)
        with self.assertRaises(DomainError):
            trust_anchor_add(actor=None, data=root.der)
        leader = certificate_issue(actor=None, person=self.world.leader_person)
        with self.assertRaisesMessage(DomainError, "không phải của tổ chức cung cấp"):
            trust_anchor_add(actor=None, data=bytes(leader.certificate))


class PkiCommandTestCase(BaseTestCase):
    def test_init_issue_crl_and_trust_from_the_command_line(self) -> None:
        out = StringIO()
        call_command("pki", "init", stdout=out)
        self.assertIn("CA", out.getvalue())
        with self.assertRaises(CommandError):
            call_command("pki", "init", stdout=StringIO())
        call_command("pki", "issue", str(self.world.leader_person.pk), stdout=out)
        self.assertEqual(LeaderCertificate.objects.count(), 1)
        call_command("pki", "crl", stdout=out)
        self.assertEqual(Authority.objects.get(kind="issuing").crl_number, 2)
        with self.assertRaises(CommandError):
            call_command("pki", "issue", "999999", stdout=StringIO())
