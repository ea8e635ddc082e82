from __future__ import annotations

import io
import subprocess
import tempfile
import unittest
from shutil import which

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from sathach.core.errors import DomainError
from sathach.organization.testing import BaseTestCase
from sathach.signatures.models import Authority, SignatureImage
from sathach.signatures.services import (
    certificate_issue,
    certificate_revoke,
    document_seal,
    document_sign,
    pki_init,
    seal_certificate_issue,
    signature_image_save,
    token_set_pin,
)
from sathach.signatures.signing import seal_box, signature_image
from sathach.signatures.tests.documents import SIGNER_BOX, draft_pdf


def validation_context() -> ValidationContext:
    roots = {
        a.kind: asn1_x509.Certificate.load(bytes(a.certificate)) for a in Authority.objects.all()
    }
    return ValidationContext(
        trust_roots=[roots["root"]],
        other_certs=[roots["issuing"]],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


class SigningTestCase(BaseTestCase):
    def setUp(self) -> None:
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        self.token = certificate_issue(actor=None, person=self.world.leader_person)
        token_set_pin(actor=self.world.leader, token=self.token, new_pin="250720")
        self.token.refresh_from_db()

    def test_a_leader_signs_with_the_pin_visibly_and_time_stamped(self) -> None:
        signed = document_sign(
            actor=self.world.leader,
            token=self.token,
            pin="250720",
            data=draft_pdf(),
            box=SIGNER_BOX,
        )
        (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
        status = validate_pdf_signature(signature, validation_context())
        self.assertTrue(status.bottom_line, status.summary())
        self.assertIsNotNone(status.timestamp_validity)
        self.assertEqual(status.signing_cert.sha256.hex(), self.token.fingerprint)
        widget = (
            signature.sig_field["/Kids"][0]
            if "/Kids" in signature.sig_field
            else signature.sig_field
        )
        self.assertEqual([float(v) for v in widget["/Rect"]], list(SIGNER_BOX))

    def test_a_wrong_pin_signs_nothing(self) -> None:
        with self.assertRaisesMessage(DomainError, "Mã PIN không đúng"):
            document_sign(
                actor=None, token=self.token, pin="000000", data=draft_pdf(), box=SIGNER_BOX
            )

    def test_a_revoked_certificate_signs_nothing(self) -> None:
        certificate_revoke(actor=None, token=self.token, reason="Mất thiết bị")
        self.token.refresh_from_db()
        with self.assertRaises(DomainError):
            document_sign(
                actor=None, token=self.token, pin="250720", data=draft_pdf(), box=SIGNER_BOX
            )

    def test_a_file_that_is_not_a_pdf_is_refused_cleanly(self) -> None:
        with self.assertRaisesMessage(DomainError, "PDF"):
            document_sign(actor=None, token=self.token, pin="250720", data=b"hello", box=SIGNER_BOX)

    def test_the_organisation_adds_its_seal_signature_after_the_leader(self) -> None:
        seal_certificate_issue(actor=None, unit=self.world.dai_an_1)
        signed = document_sign(
            actor=None, token=self.token, pin="250720", data=draft_pdf(), box=SIGNER_BOX
        )
        sealed = document_seal(
            actor=None, unit=self.world.dai_an_1, data=signed, leader_box=SIGNER_BOX
        )
        leader, organisation = PdfFileReader(io.BytesIO(sealed)).embedded_signatures
        context = validation_context()
        for signature in (leader, organisation):
            status = validate_pdf_signature(signature, context)
            self.assertTrue(status.intact and status.trusted, status.summary())
        box = seal_box(SIGNER_BOX)
        self.assertAlmostEqual(box[2], SIGNER_BOX[0] + (SIGNER_BOX[2] - SIGNER_BOX[0]) / 3)
        self.assertAlmostEqual(box[2] - box[0], 102.0)

    @unittest.skipUnless(which("pdfsig"), "poppler-utils is not installed")
    def test_poppler_finds_both_signatures_valid(self) -> None:
        seal_certificate_issue(actor=None, unit=self.world.dai_an_1)
        signed = document_sign(
            actor=None, token=self.token, pin="250720", data=draft_pdf(), box=SIGNER_BOX
        )
        sealed = document_seal(
            actor=None, unit=self.world.dai_an_1, data=signed, leader_box=SIGNER_BOX
        )
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(sealed)
            file.flush()
            # pdfsig exits 2 when it cannot verify the certificate chain (the exam root is
            # not in its NSS store); the signatures themselves are what is checked here.
            report = subprocess.run(
                ["pdfsig", file.name], capture_output=True, text=True, check=False
            ).stdout
        self.assertEqual(report.count("Signature Validation: Signature is Valid."), 2, report)
        self.assertIn("Signer Certificate Common Name: Trần Thị Ngân", report)

    def test_a_unit_without_a_seal_certificate_cannot_seal(self) -> None:
        with self.assertRaises(DomainError):
            document_seal(
                actor=None, unit=self.world.dai_an_1, data=draft_pdf(), leader_box=SIGNER_BOX
            )

    def test_an_uploaded_signature_picture_must_be_a_transparent_png(self) -> None:
        with self.assertRaises(DomainError):
            signature_image_save(actor=None, person=self.world.leader_person, png=b"GIF89a")
        signature_image_save(
            actor=None, person=self.world.leader_person, png=signature_image("Trần Thị Ngân")
        )
        self.assertTrue(SignatureImage.objects.filter(person=self.world.leader_person).exists())
