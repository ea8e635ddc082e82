"""`document_accept_signed`: a PDF a leader signed outside the platform, judged against the
certificates registered for them."""

from __future__ import annotations

from django.test import SimpleTestCase

from sathach.campaigns.readiness import device_register
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase
from sathach.signatures.services import (
    certificate_issue,
    document_sign,
    pki_init,
    token_set_pin,
    trust_anchor_add,
)
from sathach.signatures.tests import documents, pdfs
from sathach.signatures.tests.pki import exam_pki
from sathach.signatures.tests.test_verify_page import signed_by_a, signed_by_b
from sathach.signatures.uploads import document_accept_signed, looks_like_pdf

ACTION = "pki.signed_document_accepted"


class DocumentAcceptSignedTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        pki = exam_pki()
        trust_anchor_add(actor=None, data=pki.root.pem)
        device_register(
            actor=None,
            person=cls.world.leader_person,
            kind="usb_token",
            certificate=pki.leader_a.der,
        )

    def test_a_file_signed_with_the_registered_certificate_is_valid(self) -> None:
        verdict = document_accept_signed(
            actor=self.world.leader, person=self.world.leader_person, data=signed_by_a()
        ).verdict
        self.assertTrue(verdict.valid, verdict.reasons)
        entry = AuditEntry.objects.get(action=ACTION)
        self.assertEqual(entry.unit, self.world.dai_an_1)
        self.assertIs(entry.summary["valid"], True)
        self.assertEqual(entry.summary["signer"], verdict.signatures[0].signer_sha256)

    def test_a_file_signed_with_another_leaders_certificate_is_the_wrong_signer(self) -> None:
        verdict = document_accept_signed(
            actor=self.world.leader, person=self.world.leader_person, data=signed_by_b()
        ).verdict
        self.assertFalse(verdict.valid)
        self.assertEqual(verdict.reasons, ["WRONG_SIGNER"])
        self.assertEqual(AuditEntry.objects.get(action=ACTION).summary["reasons"], ["WRONG_SIGNER"])

    def test_any_of_the_leaders_registered_certificates_may_have_signed(self) -> None:
        device_register(
            actor=None,
            person=self.world.leader_person,
            kind="sim_pki",
            certificate=exam_pki().leader_b.der,
        )
        for data in (signed_by_a(), signed_by_b()):
            verdict = document_accept_signed(
                actor=None, person=self.world.leader_person, data=data
            ).verdict
            self.assertTrue(verdict.valid, verdict.reasons)

    def test_a_visible_signature_can_be_required(self) -> None:
        invisible = pdfs.sign(pdfs.draft_pdf(), exam_pki().leader_a, box=None)
        verdict = document_accept_signed(
            actor=None, person=self.world.leader_person, data=invisible, require_visible=True
        ).verdict
        self.assertEqual(verdict.reasons, ["NOT_VISIBLE"])

    def test_a_tampered_or_damaged_file_is_judged_not_valid(self) -> None:
        tampered = document_accept_signed(
            actor=None,
            person=self.world.leader_person,
            data=pdfs.change_signed_byte(signed_by_a()),
        ).verdict
        self.assertIn("BROKEN_SIGNATURE", tampered.reasons)
        damaged = document_accept_signed(
            actor=None, person=self.world.leader_person, data=b"not a pdf"
        ).verdict
        self.assertEqual(damaged.reasons, ["MALFORMED_PDF"])
        self.assertEqual(AuditEntry.objects.filter(action=ACTION).count(), 2)

    def test_a_person_without_a_registered_certificate_is_refused(self) -> None:
        with self.assertRaises(DomainError):
            document_accept_signed(
                actor=None, person=self.world.an_thanh_1_chairman, data=signed_by_a()
            )
        self.assertFalse(AuditEntry.objects.filter(action=ACTION).exists())


class AcceptPlatformSignedTestCase(BaseTestCase):
    def test_a_file_signed_with_the_exam_certificate_is_accepted(self) -> None:
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
        verdict = document_accept_signed(
            actor=self.world.leader, person=self.world.leader_person, data=signed
        ).verdict
        self.assertTrue(verdict.valid, verdict.reasons)
        self.assertEqual(verdict.signatures[0].signer_sha256, token.fingerprint)


class LooksLikePdfTestCase(SimpleTestCase):
    def test_the_header_decides_what_looks_like_a_pdf(self) -> None:
        self.assertTrue(looks_like_pdf(b"%PDF-1.7\n"))
        self.assertTrue(looks_like_pdf(b"\xef\xbb\xbf%PDF-1.4"))
        self.assertFalse(looks_like_pdf(b"PK\x03\x04 a docx"))
        self.assertFalse(looks_like_pdf(b""))
