"""Registering a leader's signing device from a PDF they signed elsewhere: the certificate is
read out of the signature (real PDFs signed by the signatures app's test PKI)."""

from __future__ import annotations

import functools
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sathach.campaigns.models import Campaign, SigningDevice
from sathach.campaigns.readiness import device_register_from_pdf
from sathach.campaigns.tests.factories import make_campaign
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase
from sathach.signatures.services import trust_anchor_add
from sathach.signatures.tests import pdfs
from sathach.signatures.tests.pki import exam_pki
from sathach.signatures.validation import SignatureReport


@functools.cache
def signed() -> bytes:
    """Leader B (ECDSA) signed visibly, then the organisation added its seal signature."""
    pki = exam_pki()
    leader = pdfs.sign(pdfs.draft_pdf(), pki.leader_b, timestamp=True)
    return pdfs.sign(leader, pki.organization, field="ChuKyCoQuan", box=pdfs.SEAL_BOX)


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


class DeviceFromPdfServiceTestCase(BaseTestCase):
    def register(self, data: bytes) -> tuple[SigningDevice, SignatureReport]:
        return device_register_from_pdf(
            actor=self.world.commune_officer,
            person=self.world.an_thanh_1_chairman,
            kind=SigningDevice.Kind.USB_TOKEN,
            data=data,
        )

    def test_the_leaders_certificate_is_read_from_the_first_signature(self) -> None:
        device, report = self.register(signed())
        self.assertEqual(device.source, SigningDevice.Source.FROM_PDF)
        self.assertEqual(device.fingerprint, fingerprint(exam_pki().leader_b.der))
        self.assertEqual(bytes(device.certificate), exam_pki().leader_b.der)
        self.assertEqual(device.kind, "usb_token")
        # Our trust store does not hold the test root: registered anyway, reported untrusted.
        self.assertFalse(report.trusted)
        entry = AuditEntry.objects.get(action="device.registered")
        self.assertEqual(entry.summary["source"], "from_pdf")

    def test_a_trusted_certificate_is_reported_trusted(self) -> None:
        trust_anchor_add(actor=None, data=exam_pki().root.pem)
        _device, report = self.register(signed())
        self.assertTrue(report.trusted)

    def test_a_document_time_stamp_before_the_signature_is_skipped(self) -> None:
        stamped = pdfs.add_document_timestamp(pdfs.draft_pdf())
        data = pdfs.sign(stamped, exam_pki().leader_a)
        device, _report = self.register(data)
        self.assertEqual(device.fingerprint, fingerprint(exam_pki().leader_a.der))

    def test_an_unsigned_pdf_is_refused(self) -> None:
        with self.assertRaisesMessage(DomainError, "không có chữ ký"):
            self.register(pdfs.draft_pdf())
        self.assertFalse(SigningDevice.objects.exists())

    def test_a_tampered_pdf_is_refused(self) -> None:
        for tampered in (pdfs.change_signed_byte(signed()), pdfs.change_cms_byte(signed(), 0)):
            with self.subTest(len(tampered)), self.assertRaisesMessage(DomainError, "bị hỏng"):
                self.register(tampered)
        self.assertFalse(SigningDevice.objects.exists())

    def test_a_file_that_is_not_a_readable_pdf_is_refused(self) -> None:
        for data in (b"hello", b"%PDF-1.7\n garbage"):
            with self.subTest(data), self.assertRaises(DomainError):
                self.register(data)
        self.assertFalse(SigningDevice.objects.exists())

    def test_the_same_certificate_is_not_registered_twice(self) -> None:
        self.register(signed())
        with self.assertRaisesMessage(DomainError, "đã được đăng ký"):
            self.register(signed())

    def test_only_a_leader_gets_a_device(self) -> None:
        with self.assertRaises(DomainError):
            device_register_from_pdf(
                actor=None,
                person=self.world.officer_person,
                kind=SigningDevice.Kind.USB_TOKEN,
                data=signed(),
            )


class DeviceFromPdfViewTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.campaign = make_campaign(self.world, status=Campaign.Status.PREPARING)

    def upload(self, person_pk: int, data: bytes, follow: bool = False):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("device-add", args=[self.campaign.pk, person_pk]),
            {"kind": "sim_pki", "certificate": SimpleUploadedFile("da-ky.pdf", data)},
            follow=follow,
        )

    def test_a_commune_officer_registers_a_device_from_a_signed_pdf(self) -> None:
        self.login(self.world.commune_officer)
        chairman = self.world.an_thanh_1_chairman
        response = self.upload(chairman.pk, signed(), follow=True)
        self.assertRedirects(
            response, reverse("unit-readiness", args=[self.campaign.pk, self.world.an_thanh_1.pk])
        )
        device = SigningDevice.objects.get(person=chairman)
        self.assertEqual(device.source, SigningDevice.Source.FROM_PDF)
        self.assertEqual(device.kind, "sim_pki")
        self.assertContains(response, "Đọc từ tệp PDF đã ký")
        self.assertContains(response, "không dẫn tới chứng thư gốc")

    def test_a_certificate_file_is_still_registered_as_uploaded(self) -> None:
        self.login(self.world.commune_officer)
        chairman = self.world.an_thanh_1_chairman
        response = self.client.post(
            reverse("device-add", args=[self.campaign.pk, chairman.pk]),
            {
                "kind": "usb_token",
                "certificate": SimpleUploadedFile("b.cer", exam_pki().leader_b.der),
            },
            follow=True,
        )
        device = SigningDevice.objects.get(person=chairman)
        self.assertEqual(device.source, SigningDevice.Source.UPLOADED)
        self.assertContains(response, "Chứng thư tải lên")

    def test_a_tampered_pdf_is_refused_with_a_message(self) -> None:
        self.login(self.world.commune_officer)
        response = self.upload(
            self.world.an_thanh_1_chairman.pk, pdfs.change_signed_byte(signed()), follow=True
        )
        self.assertContains(response, "bị hỏng")
        self.assertFalse(SigningDevice.objects.exists())

    def test_an_unsigned_pdf_is_refused_with_a_message(self) -> None:
        self.login(self.world.commune_officer)
        response = self.upload(self.world.an_thanh_1_chairman.pk, pdfs.draft_pdf(), follow=True)
        self.assertContains(response, "không có chữ ký")
        self.assertFalse(SigningDevice.objects.exists())

    def test_a_commune_officer_cannot_register_from_a_pdf_for_another_commune(self) -> None:
        self.login(self.world.commune_officer)
        response = self.upload(self.world.leader_person.pk, signed())
        self.assertEqual(response.status_code, 404)
        self.assertFalse(SigningDevice.objects.exists())

    def test_the_outsider_cannot_register_for_our_leaders(self) -> None:
        self.login(self.world.outsider)
        response = self.upload(self.world.leader_person.pk, signed())
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(SigningDevice.objects.exists())

    def test_the_district_registers_for_any_of_its_communes(self) -> None:
        trust_anchor_add(actor=None, data=exam_pki().root.pem)
        self.login(self.world.district_admin)
        response = self.upload(self.world.leader_person.pk, signed(), follow=True)
        self.assertNotContains(response, "không dẫn tới chứng thư gốc")
        device = SigningDevice.objects.get(person=self.world.leader_person)
        self.assertEqual(device.source, SigningDevice.Source.FROM_PDF)
