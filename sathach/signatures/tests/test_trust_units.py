"""Trust belongs to a unit: a root that one district adds never makes a signature valid in
another; a province's root counts below it; the installation's roots are a superuser's. Real
PDFs signed under a second, independent root (the test PKI's rogue root, with leader A's
name)."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.audit_access import audit_entries_for_user
from sathach.organization.testing import BaseTestCase, make_user
from sathach.signatures.models import TrustAnchor
from sathach.signatures.services import trust_anchor_add
from sathach.signatures.tests import pdfs
from sathach.signatures.tests.pki import exam_pki
from sathach.signatures.trust import trust_roots_for
from sathach.signatures.uploads import check_pdf


@functools.cache
def forged() -> bytes:
    """A Chairman's name signed under a root that only Long Phú trusts."""
    return pdfs.sign(pdfs.draft_pdf(), exam_pki().rogue_leader, chain=(exam_pki().rogue_ca,))


def pem_file(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("goc.cer", data, content_type="application/pkix-cert")


class TrustPerUnitTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        trust_anchor_add(actor=None, data=exam_pki().root.pem, name="CA gốc kiểm thử")

    def add_as(self, user: Any, **fields: Any) -> Any:
        self.login(user)
        return self.client.post(
            reverse("pki-action", args=["trust-add"]),
            {
                "name": "CA của Long Phú",
                "certificate": pem_file(exam_pki().rogue_root.pem),
                **fields,
            },
        )

    def verify_as(self, user: Any, data: bytes) -> Any:
        self.login(user)
        return self.client.post(
            reverse("signature-verify"),
            {"document": SimpleUploadedFile("cv.pdf", data, content_type="application/pdf")},
        )

    def test_another_districts_root_does_not_make_a_forgery_valid_here(self) -> None:
        self.add_as(self.w.outsider)
        anchor = TrustAnchor.objects.get(name="CA của Long Phú")
        self.assertEqual(anchor.unit, self.w.other_district)
        # Cù Lao Dung's pages judge the forgery untrusted; Long Phú's own judge it valid.
        page = self.verify_as(self.w.district_admin, forged())
        self.assertContains(page, "KHÔNG HỢP LỆ")
        self.assertContains(page, "UNTRUSTED")
        self.assertContains(self.verify_as(self.w.outsider, forged()), "HỢP LỆ")
        self.assertFalse(check_pdf(forged(), units=[self.w.dai_an_1]).valid)
        self.assertTrue(check_pdf(forged(), units=[self.w.other_commune]).valid)
        # The first district neither sees nor removes Long Phú's root; its own still work.
        self.login(self.w.district_admin)
        self.assertNotContains(self.client.get(reverse("pki-overview")), "CA của Long Phú")
        response = self.client.post(
            reverse("pki-action", args=["trust-remove"]), {"anchor": anchor.pk}
        )
        self.assertEqual(response.status_code, 404)
        self.assertTrue(TrustAnchor.objects.filter(pk=anchor.pk).exists())
        self.assertTrue(check_pdf(pdfs.sign(pdfs.draft_pdf(), exam_pki().leader_a), units=[]).valid)

    def test_a_provinces_root_counts_in_every_unit_below_it_and_is_audited_there(self) -> None:
        self.add_as(self.w.province_admin)
        self.assertEqual(TrustAnchor.objects.get(name="CA của Long Phú").unit, self.w.province)
        for commune in (self.w.dai_an_1, self.w.other_commune):
            self.assertTrue(check_pdf(forged(), units=[commune]).valid, commune)
        self.assertFalse(check_pdf(forged(), units=[]).valid)
        # The district admins read the change that applies to them in their audit view.
        for admin in (self.w.district_admin, self.w.outsider):
            seen = audit_entries_for_user(admin).filter(
                action="pki.trust_added", object_repr="CA của Long Phú"
            )
            self.assertEqual(seen.count(), 1, admin)
        page = self.client.get(reverse("audit-list"))
        self.assertEqual(page.status_code, 200)
        # A district admin cannot remove the province's root.
        self.login(self.w.district_admin)
        anchor = TrustAnchor.objects.get(name="CA của Long Phú")
        overview = self.client.get(reverse("pki-overview"))
        self.assertContains(overview, "CA của Long Phú")
        self.client.post(reverse("pki-action", args=["trust-remove"]), {"anchor": anchor.pk})
        self.assertTrue(TrustAnchor.objects.filter(pk=anchor.pk).exists())

    def test_a_districts_root_is_audited_where_it_applies_only(self) -> None:
        self.add_as(self.w.outsider)
        mine = audit_entries_for_user(self.w.district_admin).filter(
            action="pki.trust_added", object_repr="CA của Long Phú"
        )
        self.assertFalse(mine.exists())
        theirs = audit_entries_for_user(self.w.outsider).filter(
            action="pki.trust_added", object_repr="CA của Long Phú"
        )
        self.assertEqual(theirs.count(), 1)

    def test_only_a_superuser_changes_the_installations_roots(self) -> None:
        with self.assertRaises(DomainError):
            trust_anchor_add(actor=self.w.district_admin, data=exam_pki().rogue_root.pem)
        # A district admin's add never lands at the installation, whatever is posted.
        self.add_as(self.w.district_admin, unit="")
        self.assertFalse(TrustAnchor.objects.filter(name="CA của Long Phú", unit=None).exists())
        self.add_as(self.w.district_admin, unit=self.w.other_district.pk)
        self.assertFalse(TrustAnchor.objects.filter(unit=self.w.other_district).exists())
        installation = TrustAnchor.objects.get(unit=None)
        self.login(self.w.district_admin)
        self.client.post(reverse("pki-action", args=["trust-remove"]), {"anchor": installation.pk})
        self.assertTrue(TrustAnchor.objects.filter(pk=installation.pk).exists())
        root = make_user("quantri", None, None)
        root.is_superuser = True
        root.save()
        self.add_as(root, unit="")
        self.assertTrue(TrustAnchor.objects.filter(name="CA của Long Phú", unit=None).exists())
        self.assertTrue(check_pdf(forged(), units=[self.w.dai_an_1]).valid)
        entry = AuditEntry.objects.filter(
            action="pki.trust_added", object_repr="CA của Long Phú"
        ).latest("seq")
        self.assertIn(entry, audit_entries_for_user(self.w.district_admin))

    def test_the_command_line_adds_for_a_unit_and_verify_takes_a_unit(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            root, document = Path(folder) / "goc.pem", Path(folder) / "cv.pdf"
            root.write_bytes(exam_pki().rogue_root.pem)
            document.write_bytes(forged())
            call_command("pki", "trust", "add", str(root), "--name", "Gốc LP", "--unit", "946")
            anchor = TrustAnchor.objects.get(name="Gốc LP")
            self.assertEqual(anchor.unit, self.w.other_district)
            self.assertNotIn(exam_pki().rogue_root.der, trust_roots_for([]))
            self.assertIn(exam_pki().rogue_root.der, trust_roots_for([self.w.other_commune]))
            verdicts = {}
            for unit in ([], ["--unit", "946"], ["--unit", "945"]):
                out = io.StringIO()
                with contextlib.suppress(SystemExit):  # exit status 1: not valid
                    call_command("verify", str(document), "--json", *unit, stdout=out)
                verdicts[" ".join(unit)] = json.loads(out.getvalue())["valid"]
            self.assertEqual(verdicts, {"": False, "--unit 946": True, "--unit 945": False})
