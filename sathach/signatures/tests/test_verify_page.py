"""The verification page "Kiểm tra chữ ký số" and a leader's check of a file signed
elsewhere, with real PDFs signed by the test PKI."""

from __future__ import annotations

import base64
import functools
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from sathach.campaigns.readiness import device_register
from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase
from sathach.signatures.services import (
    certificate_issue,
    certificate_revoke,
    document_sign,
    pki_init,
    token_set_pin,
    trust_anchor_add,
)
from sathach.signatures.tests import documents, pdfs
from sathach.signatures.tests.pki import exam_pki

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@functools.cache
def signed_by_a() -> bytes:
    """Leader A (Nguyễn Văn An, Chủ tịch) signed visibly, with a trusted time-stamp."""
    return pdfs.sign(pdfs.draft_pdf(), exam_pki().leader_a, timestamp=True)


@functools.cache
def signed_by_b() -> bytes:
    return pdfs.sign(pdfs.draft_pdf(), exam_pki().leader_b)


def pdf_file(data: bytes, name: str = "cong-van.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def pictures(content: bytes) -> list[bytes]:
    return [
        base64.b64decode(found)
        for found in re.findall(rb"data:image/png;base64,([A-Za-z0-9+/=]+)", content)
    ]


class VerifyPageBase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        pki = exam_pki()
        trust_anchor_add(actor=None, data=pki.root.pem, name="CA gốc kiểm thử")
        # Leader A's certificate is Trần Thị Ngân's (Đại Ân 1) device, leader B's is the
        # An Thạnh 1 chairman's.
        device_register(
            actor=None,
            person=cls.world.leader_person,
            kind="usb_token",
            certificate=pki.leader_a.der,
        )
        device_register(
            actor=None,
            person=cls.world.an_thanh_1_chairman,
            kind="usb_token",
            certificate=pki.leader_b.der,
        )

    def verify(self, data: bytes, **fields: Any) -> Any:
        return self.client.post(reverse("signature-verify"), {"document": pdf_file(data), **fields})


class VerifyPageAccessTestCase(VerifyPageBase):
    def test_every_signed_in_user_may_open_the_page(self) -> None:
        users = [*self.world.personas().values(), self.world.nobody]
        for user in users:
            with self.subTest(user.username):
                self.login(user)
                response = self.client.get(reverse("signature-verify"))
                self.assertContains(response, "<h1>Kiểm tra chữ ký số</h1>", html=False)

    def test_an_anonymous_visitor_is_sent_to_the_login_page(self) -> None:
        response = self.client.get(reverse("signature-verify"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
        response = self.client.post(reverse("signature-verify"), {"document": pdf_file(b"x")})
        self.assertEqual(response.status_code, 302)

    def test_the_menu_shows_the_page_to_a_user_without_any_role(self) -> None:
        self.login(self.world.nobody)
        response = self.client.get(reverse("home"))
        self.assertContains(response, f'href="{reverse("signature-verify")}"')


class VerifyPageVerdictTestCase(VerifyPageBase):
    def setUp(self) -> None:
        self.login(self.world.council)

    def test_a_valid_file_shows_the_signer_the_time_stamp_and_the_page(self) -> None:
        pki = exam_pki()
        response = self.verify(signed_by_a())
        self.assertContains(response, "HỢP LỆ")
        self.assertNotContains(response, "KHÔNG HỢP LỆ")
        self.assertContains(response, "Nguyễn Văn An")
        self.assertContains(response, "Chủ tịch")
        self.assertContains(response, "UBND xã An Thạnh 1")
        self.assertContains(response, format(pki.leader_a.certificate.serial_number, "x"))
        self.assertContains(response, "CA kiểm tra kỹ năng")
        self.assertContains(response, "dấu thời gian tin cậy")
        self.assertRegex(response.content.decode(), r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}")
        self.assertContains(response, "hiển thị ở trang 1")
        (picture,) = pictures(response.content)
        self.assertTrue(picture.startswith(PNG_MAGIC))

    def test_a_signature_without_a_time_stamp_says_the_time_is_the_signers_clock(self) -> None:
        response = self.verify(signed_by_b())
        self.assertContains(response, "HỢP LỆ")
        self.assertContains(response, "đồng hồ của người ký")

    def test_a_tampered_file_is_not_valid(self) -> None:
        response = self.verify(pdfs.change_signed_byte(signed_by_a()))
        self.assertContains(response, "KHÔNG HỢP LỆ")
        self.assertContains(response, "BROKEN_SIGNATURE")

    def test_content_added_after_signing_is_reported(self) -> None:
        response = self.verify(pdfs.overlay_page_content(signed_by_a()))
        self.assertContains(response, "KHÔNG HỢP LỆ")
        self.assertContains(response, "MODIFIED_AFTER_SIGNING")

    def test_a_file_that_is_not_a_pdf_gets_a_message_and_no_verdict(self) -> None:
        response = self.verify(b"MZ\x90\x00 this is a program, not a document")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tệp không phải là PDF.")
        self.assertNotContains(response, 'id="verdict"')

    def test_an_empty_file_gets_a_message(self) -> None:
        response = self.verify(b"")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="verdict"')
        self.assertContains(response, 'class="error"')

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
    def test_a_file_over_the_upload_limit_gets_a_message(self) -> None:
        response = self.verify(signed_by_a())
        self.assertContains(response, "Tệp lớn hơn")
        self.assertNotContains(response, 'id="verdict"')

    def test_a_damaged_pdf_reads_malformed(self) -> None:
        # Cut off but ending as a PDF ends: the upload check lets it through to the verdict.
        damaged = signed_by_a()[: len(signed_by_a()) // 3] + b"\n%%EOF\n"
        for data in (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<\n%%EOF", damaged):
            with self.subTest(len(data)):
                response = self.verify(data)
                self.assertContains(response, "KHÔNG HỢP LỆ")
                self.assertContains(response, "MALFORMED_PDF")
                self.assertContains(response, "không đọc được")

    def test_an_unsigned_pdf_has_no_signature(self) -> None:
        response = self.verify(pdfs.draft_pdf())
        self.assertContains(response, "NO_SIGNATURE")

    def test_the_expected_leader_must_be_the_signer(self) -> None:
        right = self.verify(signed_by_a(), expected_person=self.world.leader_person.pk)
        self.assertNotContains(right, "WRONG_SIGNER")
        self.assertContains(right, "HỢP LỆ")
        self.assertContains(right, "Người ký mong đợi: Trần Thị Ngân")
        wrong = self.verify(signed_by_a(), expected_person=self.world.an_thanh_1_chairman.pk)
        self.assertContains(wrong, "KHÔNG HỢP LỆ")
        self.assertContains(wrong, "WRONG_SIGNER")

    def test_an_uploaded_certificate_can_be_the_expected_signer(self) -> None:
        pki = exam_pki()
        certificate = SimpleUploadedFile("binh.cer", pki.leader_b.der)
        wrong = self.verify(signed_by_a(), expected_certificate=certificate)
        self.assertContains(wrong, "WRONG_SIGNER")
        certificate = SimpleUploadedFile("an.pem", pki.leader_a.pem)
        right = self.verify(signed_by_a(), expected_certificate=certificate)
        self.assertNotContains(right, "WRONG_SIGNER")
        self.assertNotContains(right, "KHÔNG HỢP LỆ")

    def test_an_expected_certificate_that_is_not_one_is_refused(self) -> None:
        response = self.verify(
            signed_by_a(), expected_certificate=SimpleUploadedFile("x.cer", b"hello")
        )
        self.assertContains(response, "không phải chứng thư số")
        self.assertNotContains(response, 'id="verdict"')


class VerifyPageScopeTestCase(VerifyPageBase):
    def test_a_commune_officer_may_expect_only_their_communes_leaders(self) -> None:
        self.login(self.world.commune_officer)
        page = self.client.get(reverse("signature-verify"))
        self.assertContains(page, "Nguyễn Văn Bình")
        self.assertNotContains(page, "Trần Thị Ngân")
        response = self.verify(signed_by_a(), expected_person=self.world.leader_person.pk)
        self.assertNotContains(response, 'id="verdict"')
        self.assertContains(response, 'class="error"')

    def test_a_leader_may_expect_only_themselves(self) -> None:
        self.login(self.world.leader)
        page = self.client.get(reverse("signature-verify"))
        self.assertContains(page, "Trần Thị Ngân")
        self.assertNotContains(page, "Nguyễn Văn Bình")

    def test_the_outsider_sees_none_of_our_leaders(self) -> None:
        self.login(self.world.outsider)
        page = self.client.get(reverse("signature-verify"))
        self.assertNotContains(page, "Trần Thị Ngân")
        self.assertNotContains(page, "Nguyễn Văn Bình")


class RevokedCertificateTestCase(BaseTestCase):
    def test_a_file_signed_with_a_revoked_exam_certificate_says_revoked(self) -> None:
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        token = certificate_issue(actor=None, person=self.world.leader_person)
        token_set_pin(actor=None, token=token, new_pin="250720")
        token.refresh_from_db()
        signed = document_sign(
            actor=None,
            token=token,
            pin="250720",
            data=documents.draft_pdf(),
            box=documents.SIGNER_BOX,
        )
        self.login(self.world.leader)
        before = self.client.post(reverse("signature-verify"), {"document": pdf_file(signed)})
        self.assertNotContains(before, "KHÔNG HỢP LỆ")
        self.assertContains(before, "chưa bị thu hồi")
        certificate_revoke(actor=None, token=token, reason="Mất thiết bị")
        after = self.client.post(reverse("signature-verify"), {"document": pdf_file(signed)})
        self.assertContains(after, "UNTRUSTED")
        self.assertContains(after, "bị thu hồi ngày")


class MySignatureCheckTestCase(VerifyPageBase):
    def check(self, data: bytes) -> Any:
        return self.client.post(reverse("my-signature-check"), {"document": pdf_file(data)})

    def test_the_leaders_page_links_to_the_check(self) -> None:
        self.login(self.world.leader)
        response = self.client.get(reverse("my-signature"))
        self.assertContains(response, reverse("my-signature-check"))
        self.assertContains(response, "Kiểm tra tệp đã ký ở nơi khác")

    def test_a_file_signed_with_the_registered_certificate_is_accepted_and_audited(
        self,
    ) -> None:
        self.login(self.world.leader)
        response = self.check(signed_by_a())
        self.assertContains(response, "HỢP LỆ")
        self.assertNotContains(response, "KHÔNG HỢP LỆ")
        entry = AuditEntry.objects.get(action="pki.signed_document_accepted")
        self.assertEqual(entry.actor, self.world.leader)
        self.assertIs(entry.summary["valid"], True)

    def test_a_file_signed_by_another_leader_is_the_wrong_signer(self) -> None:
        self.login(self.world.leader)
        response = self.check(signed_by_b())
        self.assertContains(response, "WRONG_SIGNER")
        entry = AuditEntry.objects.get(action="pki.signed_document_accepted")
        self.assertEqual(entry.summary["reasons"], ["WRONG_SIGNER"])

    def test_a_file_that_is_not_a_pdf_gets_a_message(self) -> None:
        self.login(self.world.leader)
        response = self.check(b"hello")
        self.assertContains(response, "Tệp không phải là PDF.")
        self.assertFalse(AuditEntry.objects.filter(action="pki.signed_document_accepted").exists())

    def test_only_a_leader_has_the_page(self) -> None:
        self.login(self.world.district_admin)
        self.assertEqual(self.client.get(reverse("my-signature-check")).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("my-signature-check")).status_code, 302)

    def test_a_leader_without_a_registered_certificate_is_told_so(self) -> None:
        from sathach.campaigns.models import SigningDevice

        SigningDevice.objects.filter(person=self.world.leader_person).update(is_active=False)
        self.login(self.world.leader)
        response = self.check(signed_by_a())
        self.assertContains(response, "chưa có chứng thư số nào được đăng ký")
        self.assertNotContains(response, 'id="verdict"')
