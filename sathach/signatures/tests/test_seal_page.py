"""The văn thư's page: the organisation's signature added to what a commune leader signed."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sathach.core.models import AuditEntry
from sathach.organization.models import AdministrativeUnit, Person
from sathach.organization.testing import BaseTestCase
from sathach.signatures.models import LeaderCertificate
from sathach.signatures.services import (
    certificate_issue,
    document_sign,
    pki_init,
    seal_certificate_issue,
    token_set_pin,
)
from sathach.signatures.tests.documents import SIGNER_BOX, draft_pdf
from sathach.signatures.uploads import check_pdf

PIN = "250720"


class SealPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        self.dai_an_1_token = self.issue(self.world.leader_person)
        self.an_thanh_1_token = self.issue(self.world.an_thanh_1_chairman)
        seal_certificate_issue(actor=None, unit=self.world.dai_an_1)
        seal_certificate_issue(actor=None, unit=self.world.an_thanh_1)

    def issue(self, person: Person) -> LeaderCertificate:
        token = certificate_issue(actor=None, person=person)
        token_set_pin(actor=None, token=token, new_pin=PIN)
        token.refresh_from_db()
        return token

    def signed(self, token: LeaderCertificate) -> bytes:
        return document_sign(
            actor=None,
            token=token,
            pin=PIN,
            data=draft_pdf(),
            box=SIGNER_BOX,
        )

    def post(self, unit: AdministrativeUnit, data: bytes) -> Any:
        return self.client.post(
            reverse("document-seal"),
            {
                "unit": unit.pk,
                "document": SimpleUploadedFile("bao-cao.pdf", data, "application/pdf"),
            },
        )

    def test_the_district_seals_what_a_leader_of_the_commune_signed(self) -> None:
        self.login(self.world.district_admin)
        response = self.post(self.world.dai_an_1, self.signed(self.dai_an_1_token))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("bao-cao-da-ky-so.pdf", response["Content-Disposition"])
        sealed = response.content
        verdict = check_pdf(sealed, units=[self.world.dai_an_1])
        self.assertTrue(verdict.valid, verdict.reasons)
        self.assertEqual(len(verdict.signatures), 2)
        self.assertTrue(AuditEntry.objects.filter(action="pki.document_sealed").exists())

    def test_the_commune_officer_seals_for_their_own_commune_only(self) -> None:
        self.login(self.world.commune_officer)
        page = self.client.get(reverse("document-seal"))
        self.assertContains(page, self.world.an_thanh_1.name)
        self.assertNotContains(page, self.world.dai_an_1.name)
        response = self.post(self.world.an_thanh_1, self.signed(self.an_thanh_1_token))
        self.assertEqual(response["Content-Type"], "application/pdf")
        refused = self.post(self.world.dai_an_1, self.signed(self.dai_an_1_token))
        self.assertEqual(refused.status_code, 200)
        self.assertEqual(refused["Content-Type"], "text/html; charset=utf-8")

    def test_a_document_signed_by_a_leader_of_another_commune_is_not_sealed(self) -> None:
        self.login(self.world.district_admin)
        response = self.post(self.world.an_thanh_1, self.signed(self.dai_an_1_token))
        self.assertContains(response, "Xã An Thạnh 1")
        self.assertContains(response, "Chủ tịch hoặc Phó Chủ tịch")
        self.assertFalse(AuditEntry.objects.filter(action="pki.document_sealed").exists())

    def test_a_changed_document_shows_its_verdict_and_is_not_sealed(self) -> None:
        self.login(self.world.district_admin)
        signed = bytearray(self.signed(self.dai_an_1_token))
        at = signed.index(b"/Producer") + 12
        signed[at] = signed[at] ^ 0x01
        response = self.post(self.world.dai_an_1, bytes(signed))
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        self.assertContains(response, "BROKEN_SIGNATURE")
        self.assertFalse(AuditEntry.objects.filter(action="pki.document_sealed").exists())

    def test_an_examinee_and_a_council_member_cannot_seal(self) -> None:
        for user in (self.world.leader, self.world.council):
            self.login(user)
            self.assertEqual(self.client.get(reverse("document-seal")).status_code, 403)
