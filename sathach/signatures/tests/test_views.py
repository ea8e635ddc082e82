from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sathach.organization.testing import BaseTestCase
from sathach.signatures.models import Authority, LeaderCertificate, SealCertificate
from sathach.signatures.services import pki_init
from sathach.signatures.signing import signature_image


class PkiPagesTestCase(BaseTestCase):
    def test_the_district_creates_the_ca_and_issues_a_leader_a_certificate(self) -> None:
        self.login(self.world.district_admin)
        action = reverse("pki-action", args=["init"])
        self.client.post(action, {"organization": "UBND huyện Cù Lao Dung"})
        self.assertEqual(Authority.objects.count(), 3)
        response = self.client.get(reverse("pki-overview"))
        self.assertContains(response, "Trần Thị Ngân")
        self.client.post(
            reverse("pki-action", args=["issue"]), {"person": self.world.leader_person.pk}
        )
        token = LeaderCertificate.objects.get(person=self.world.leader_person)
        self.client.post(reverse("pki-action", args=["seal"]), {"unit": self.world.dai_an_1.pk})
        self.assertTrue(SealCertificate.objects.filter(unit=self.world.dai_an_1).exists())
        crl = self.client.get(reverse("pki-crl"))
        self.assertEqual(crl["Content-Type"], "application/pkix-crl")
        self.client.post(
            reverse("pki-action", args=["revoke"]), {"certificate": token.pk, "reason": "Mất"}
        )
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)

    def test_another_districts_admin_cannot_issue_to_our_leaders(self) -> None:
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        self.login(self.world.outsider)
        response = self.client.post(
            reverse("pki-action", args=["issue"]), {"person": self.world.leader_person.pk}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(LeaderCertificate.objects.exists())

    def test_a_leader_sets_the_pin_and_uploads_a_signature_picture(self) -> None:
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        from sathach.signatures.services import certificate_issue

        certificate_issue(actor=None, person=self.world.leader_person)
        self.login(self.world.leader)
        page = reverse("my-signature")
        response = self.client.post(page, {"new_pin": "250720", "again": "250721"})
        self.assertContains(response, "khác nhau")
        self.client.post(page, {"new_pin": "250720", "again": "250720"})
        self.assertTrue(LeaderCertificate.objects.get().pin_set)
        response = self.client.post(
            page, {"old_pin": "111111", "new_pin": "270720", "again": "270720"}
        )
        self.assertContains(response, "Mã PIN không đúng")
        png = signature_image("Trần Thị Ngân")
        self.client.post(
            reverse("my-signature-upload"),
            {"image": SimpleUploadedFile("chu-ky.png", png, content_type="image/png")},
        )
        self.assertEqual(self.client.get(reverse("my-signature-image")).content, png)
