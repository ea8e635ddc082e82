from __future__ import annotations

import base64
import datetime
import io
import unittest
from typing import Any
from unittest import mock

import pkcs11
import time_machine
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import LiveServerTestCase
from django.test.client import Client
from django.urls import reverse
from django.utils import timezone

from sathach.campaigns.models import SigningDevice
from sathach.campaigns.readiness import device_register
from sathach.core.audit import AuditAction
from sathach.core.models import AuditEntry
from sathach.organization.models import Role
from sathach.organization.testing import PASSWORD, BaseTestCase, World, make_user
from sathach.signatures.management.commands.token_sign import token_sign_bytes
from sathach.signatures.models import PendingSignature
from sathach.signatures.services import pki_init
from sathach.signatures.tests import softhsm
from sathach.signatures.tests.documents import SIGNER_BOX, draft_pdf
from sathach.signatures.tests.test_tokens import time_stamped, validate
from sathach.signatures.tokens import MECHANISM_EC, MECHANISM_RSA, PENDING_LIFETIME

BOX = ",".join(str(v) for v in SIGNER_BOX)
PythonKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def python_sign(key: PythonKey, message: bytes, raw: bool = False) -> bytes:
    """What a token does, with the key in Python: RSA PKCS#1 v1.5 or ECDSA over SHA-256;
    `raw` gives the r||s of PKCS#11 instead of DER."""
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    der = key.sign(message, ec.ECDSA(hashes.SHA256()))
    if not raw:
        return der
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


class SplitFlowTestCase(BaseTestCase):
    """The API with the token's key held in Python: the server's side is all real."""

    def setUp(self) -> None:
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        self.person = self.world.leader_person
        self.rsa = softhsm.rsa_key()
        self.rsa_der = self.register(self.rsa)

    def register(self, key: PythonKey) -> bytes:
        der = softhsm.issue_for_key(self.person, key.public_key())
        device_register(
            actor=None, person=self.person, kind=SigningDevice.Kind.USB_TOKEN, certificate=der
        )
        return der

    def prepare(self, certificate: bytes | None = None, client: Client | None = None) -> Any:
        return (client or self.client).post(
            reverse("remote-sign-prepare"),
            {
                "pdf": SimpleUploadedFile("to-trinh.pdf", draft_pdf(), "application/pdf"),
                "certificate": b64(certificate or self.rsa_der),
                "box": BOX,
            },
        )

    def finish(self, answer: dict[str, Any], signature: bytes, client: Client | None = None) -> Any:
        return (client or self.client).post(
            reverse("remote-sign-finish", args=[answer["id"]]),
            {"signature": b64(signature)},
            content_type="application/json",
        )

    def test_a_leader_signs_on_their_own_rsa_token_through_the_api(self) -> None:
        self.login(self.world.leader)
        response = self.prepare()
        self.assertEqual(response.status_code, 200, response.content)
        answer = response.json()
        self.assertEqual(answer["mechanism"], MECHANISM_RSA)
        to_sign = base64.b64decode(answer["to_sign"])
        self.assertEqual(to_sign[0], 0x31)  # the DER SET of the CMS signed attributes
        response = self.finish(answer, python_sign(self.rsa, to_sign))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response["Content-Type"], "application/pdf")
        signed = response.content
        verdict = validate(signed, self.rsa_der)
        self.assertTrue(verdict.valid, verdict.reasons)
        self.assertEqual(verdict.signatures[0].rect, list(SIGNER_BOX))
        self.assertTrue(time_stamped(signed))
        self.assertFalse(PendingSignature.objects.exists())
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertLessEqual(
            {AuditAction.REMOTE_SIGNING_PREPARED, AuditAction.REMOTE_SIGNING_FINISHED}, actions
        )

    def test_an_ecdsa_signature_is_accepted_as_der_or_as_raw_r_and_s(self) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        der = self.register(key)
        self.login(self.world.leader)
        for raw in (False, True):
            with self.subTest(raw=raw):
                answer = self.prepare(der).json()
                self.assertEqual(answer["mechanism"], MECHANISM_EC)
                to_sign = base64.b64decode(answer["to_sign"])
                response = self.finish(answer, python_sign(key, to_sign, raw=raw))
                self.assertEqual(response.status_code, 200, response.content)
                verdict = validate(response.content, der)
                self.assertTrue(verdict.valid, verdict.reasons)

    def test_a_tampered_signature_value_is_refused(self) -> None:
        self.login(self.world.leader)
        answer = self.prepare().json()
        signature = bytearray(python_sign(self.rsa, base64.b64decode(answer["to_sign"])))
        signature[10] ^= 0x01
        response = self.finish(answer, bytes(signature))
        self.assertEqual(response.status_code, 400)
        self.assertIn("không khớp", response.json()["error"])
        other = python_sign(self.rsa, b"another document")
        self.assertEqual(self.finish(answer, other).status_code, 400)

    def test_a_pending_signature_expires_after_ten_minutes(self) -> None:
        self.login(self.world.leader)
        answer = self.prepare().json()
        signature = python_sign(self.rsa, base64.b64decode(answer["to_sign"]))
        later = timezone.now() + PENDING_LIFETIME + datetime.timedelta(seconds=1)
        with time_machine.travel(later):
            response = self.finish(answer, signature)
        self.assertEqual(response.status_code, 400)
        self.assertIn("hết hạn", response.json()["error"])
        self.assertFalse(PendingSignature.objects.exists())

    def test_another_leaders_pending_signature_is_not_found(self) -> None:
        self.login(self.world.leader)
        answer = self.prepare().json()
        signature = python_sign(self.rsa, base64.b64decode(answer["to_sign"]))
        other = make_user("31618.binhnv", Role.EXAMINEE, self.world.an_thanh_1)
        self.world.an_thanh_1_chairman.user = other
        self.world.an_thanh_1_chairman.save()
        intruder = Client()
        intruder.force_login(other)
        self.assertEqual(self.finish(answer, signature, client=intruder).status_code, 404)
        officer = Client()
        officer.force_login(self.world.commune_officer)
        self.assertEqual(self.finish(answer, signature, client=officer).status_code, 404)
        self.assertEqual(self.prepare(client=officer).status_code, 404)
        self.assertTrue(PendingSignature.objects.exists())

    def test_a_certificate_not_registered_for_the_leader_is_refused(self) -> None:
        stranger = softhsm.issue_for_key(
            self.person, ec.generate_private_key(ec.SECP256R1()).public_key()
        )
        self.login(self.world.leader)
        response = self.prepare(stranger)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Trần Thị Ngân", response.json()["error"])
        self.assertFalse(PendingSignature.objects.exists())

    def test_the_api_signs_in_with_a_password_for_a_bearer_token(self) -> None:
        self.assertEqual(self.prepare().status_code, 401)
        login = reverse("remote-sign-login")
        wrong = {"username": self.world.leader.username, "password": "sai-mat-khau"}
        self.assertEqual(self.client.post(login, wrong, "application/json").status_code, 401)
        right = {"username": self.world.leader.username, "password": PASSWORD}
        token = self.client.post(login, right, "application/json").json()["token"]
        bearer = Client(headers={"Authorization": f"Bearer {token}"})
        self.assertEqual(self.prepare(client=bearer).status_code, 200)
        forged = Client(headers={"Authorization": f"Bearer {token}x"})
        self.assertEqual(self.prepare(client=forged).status_code, 401)

    def test_the_help_page_shows_the_command_and_the_registered_certificate(self) -> None:
        self.login(self.world.leader)
        response = self.client.get(reverse("remote-sign-help"))
        self.assertContains(response, "sathach token_sign")
        self.assertContains(response, "Trần Thị Ngân")
        self.login(self.world.commune_officer)
        self.assertEqual(self.client.get(reverse("remote-sign-help")).status_code, 404)

    def test_a_browser_session_needs_the_csrf_token(self) -> None:
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.world.leader)
        self.assertEqual(self.prepare(client=strict).status_code, 403)


@unittest.skipUnless(softhsm.available(), "SoftHSM2 (libsofthsm2.so, softhsm2-util) is absent")
class SoftHsmSplitFlowTestCase(BaseTestCase):
    """The client's side on a SoftHSM token, through the API and through the command."""

    def setUp(self) -> None:
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        self.hsm = softhsm.SoftHsm()
        self.addCleanup(self.hsm.close)

    def test_the_token_signs_the_prepared_bytes_on_the_leaders_computer(self) -> None:
        person = self.world.leader_person
        for key, how in ((self.hsm.rsa, MECHANISM_RSA), (self.hsm.ec, MECHANISM_EC)):
            with self.subTest(token=key.token_label):
                der = softhsm.issue_for_key(person, key.public_key)
                self.hsm.write_certificate(key, der)
                device_register(
                    actor=None, person=person, kind=SigningDevice.Kind.USB_TOKEN, certificate=der
                )
                self.login(self.world.leader)
                answer = self.client.post(
                    reverse("remote-sign-prepare"),
                    {"pdf": SimpleUploadedFile("a.pdf", draft_pdf()), "certificate": b64(der)},
                ).json()
                self.assertEqual(answer["mechanism"], how)
                token = pkcs11.lib(softhsm.MODULE).get_token(token_label=key.token_label)
                with token.open(user_pin=softhsm.PIN) as session:
                    (token_key,) = session.get_objects(
                        {pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY}
                    )
                    signature = token_sign_bytes(
                        token_key, base64.b64decode(answer["to_sign"]), how
                    )
                response = self.client.post(
                    reverse("remote-sign-finish", args=[answer["id"]]),
                    {"signature": b64(signature)},
                    content_type="application/json",
                )
                self.assertEqual(response.status_code, 200, response.content)
                self.assertTrue(validate(response.content, der).valid)


@unittest.skipUnless(softhsm.available(), "SoftHSM2 (libsofthsm2.so, softhsm2-util) is absent")
class TokenSignCommandTestCase(LiveServerTestCase):
    """`sathach token_sign` against a running server, over HTTP, with a SoftHSM token."""

    def setUp(self) -> None:
        self.world = World()
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        self.hsm = softhsm.SoftHsm()
        self.addCleanup(self.hsm.close)

    def run_command(self, source: str, target: str, pin: str) -> None:
        with mock.patch(
            "sathach.signatures.management.commands.token_sign.getpass",
            side_effect=[PASSWORD, pin],
        ):
            call_command(
                "token_sign",
                source,
                target,
                url=self.live_server_url,
                username=self.world.leader.username,
                module=softhsm.MODULE,
                token_label=softhsm.EC_TOKEN,
                box=BOX,
                stdout=io.StringIO(),
            )

    def test_a_leader_signs_a_pdf_with_the_token_of_their_computer(self) -> None:
        from django.core.management.base import CommandError

        der = softhsm.issue_for_key(self.world.leader_person, self.hsm.ec.public_key)
        self.hsm.write_certificate(self.hsm.ec, der)
        source = self.hsm.folder / "to-trinh.pdf"
        source.write_bytes(draft_pdf())
        target = self.hsm.folder / "to-trinh-da-ky.pdf"
        with self.assertRaisesMessage(CommandError, "Trần Thị Ngân"):
            self.run_command(str(source), str(target), softhsm.PIN)
        device_register(
            actor=None,
            person=self.world.leader_person,
            kind=SigningDevice.Kind.USB_TOKEN,
            certificate=der,
        )
        with self.assertRaisesMessage(CommandError, "PIN"):
            self.run_command(str(source), str(target), "000000")
        self.run_command(str(source), str(target), softhsm.PIN)
        verdict = validate(target.read_bytes(), der)
        self.assertTrue(verdict.valid, verdict.reasons)
