from __future__ import annotations

import io
import unittest

from pyhanko.pdf_utils.reader import PdfFileReader

from sathach.campaigns.models import SigningDevice
from sathach.campaigns.readiness import device_register, device_retire
from sathach.core.audit import AuditAction
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase
from sathach.signatures import pki
from sathach.signatures.models import Authority
from sathach.signatures.services import pki_init
from sathach.signatures.tests import softhsm
from sathach.signatures.tests.documents import SIGNER_BOX, draft_pdf
from sathach.signatures.tokens import document_sign_pkcs11
from sathach.signatures.validation import Verdict, validate_pdf


def validate(signed: bytes, signer: bytes) -> Verdict:
    authorities = {a.kind: bytes(a.certificate) for a in Authority.objects.all()}
    return validate_pdf(
        signed,
        trust_roots=[authorities["root"]],
        other_certs=[authorities["issuing"]],
        signer=signer,
        require_visible=True,
    )


def time_stamped(signed: bytes) -> bool:
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    unsigned = signature.signer_info["unsigned_attrs"]
    return any(a["type"].native == "signature_time_stamp_token" for a in unsigned)


@unittest.skipUnless(softhsm.available(), "SoftHSM2 (libsofthsm2.so, softhsm2-util) is absent")
class Pkcs11SigningTestCase(BaseTestCase):
    def setUp(self) -> None:
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        self.hsm = softhsm.SoftHsm()
        self.addCleanup(self.hsm.close)
        self.person = self.world.leader_person

    def put_certificate(self, key: softhsm.TokenKey, *, register: bool = True) -> bytes:
        der = softhsm.issue_for_key(self.person, key.public_key)
        self.hsm.write_certificate(key, der)
        if register:
            device_register(
                actor=None, person=self.person, kind=SigningDevice.Kind.USB_TOKEN, certificate=der
            )
        return der

    def sign(self, token_label: str, pin: str = softhsm.PIN, **extra: object) -> bytes:
        arguments: dict[str, object] = {
            "actor": self.world.leader,
            "person": self.person,
            "token_label": token_label,
            "pin": pin,
            "data": draft_pdf(),
            "box": SIGNER_BOX,
            "module": softhsm.MODULE,
            **extra,
        }
        return document_sign_pkcs11(**arguments)  # type: ignore[arg-type]

    def test_an_rsa_key_on_the_token_signs_visibly_time_stamped_and_audited(self) -> None:
        der = self.put_certificate(self.hsm.rsa)
        signed = self.sign(softhsm.RSA_TOKEN)
        verdict = validate(signed, der)
        self.assertTrue(verdict.valid, verdict.reasons)
        (report,) = verdict.signatures
        self.assertEqual(report.signer_sha256, pki.fingerprint(der))
        self.assertEqual(report.rect, list(SIGNER_BOX))
        self.assertTrue(time_stamped(signed))
        entry = AuditEntry.objects.get(action=AuditAction.DOCUMENT_SIGNED_ON_TOKEN)
        self.assertEqual(entry.summary["fingerprint"], pki.fingerprint(der))

    def test_an_ec_key_generated_on_the_token_signs_with_the_raw_mechanism(self) -> None:
        der = self.put_certificate(self.hsm.ec)
        signed = self.sign(softhsm.EC_TOKEN, key_label="leader")
        verdict = validate(signed, der)
        self.assertTrue(verdict.valid, verdict.reasons)
        self.assertTrue(time_stamped(signed))

    def test_a_wrong_pin_signs_nothing(self) -> None:
        self.put_certificate(self.hsm.rsa)
        with self.assertRaisesMessage(DomainError, "Mã PIN của token không đúng"):
            self.sign(softhsm.RSA_TOKEN, pin="000000")
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.DOCUMENT_SIGNED_ON_TOKEN))

    def test_a_certificate_not_registered_for_the_leader_is_refused(self) -> None:
        self.put_certificate(self.hsm.rsa, register=False)
        with self.assertRaisesMessage(DomainError, "Trần Thị Ngân"):
            self.sign(softhsm.RSA_TOKEN)

    def test_a_retired_device_no_longer_signs(self) -> None:
        der = self.put_certificate(self.hsm.ec)
        device_retire(
            actor=None, device=SigningDevice.objects.get(fingerprint=pki.fingerprint(der))
        )
        with self.assertRaises(DomainError):
            self.sign(softhsm.EC_TOKEN)

    def test_a_missing_token_or_module_is_a_clean_refusal(self) -> None:
        self.put_certificate(self.hsm.rsa)
        with self.assertRaisesMessage(DomainError, "khong-co"):
            self.sign("khong-co")
        with self.assertRaisesMessage(DomainError, "/khong/co.so"):
            self.sign(softhsm.RSA_TOKEN, module="/khong/co.so")
        with self.assertRaisesMessage(DomainError, "SATHACH_PKCS11_MODULE"):
            self.sign(softhsm.RSA_TOKEN, module="")

    def test_a_key_label_that_the_token_lacks_is_refused(self) -> None:
        self.put_certificate(self.hsm.rsa)
        with self.assertRaises(DomainError):
            self.sign(softhsm.RSA_TOKEN, key_label="khac")

    def test_a_file_that_is_not_a_pdf_is_refused(self) -> None:
        self.put_certificate(self.hsm.rsa)
        with self.assertRaisesMessage(DomainError, "PDF"):
            self.sign(softhsm.RSA_TOKEN, data=b"hello")
