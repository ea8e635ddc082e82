"""The Thông báo inviting the leaders to the test, opened back as the district issues it:
the .docx with python-docx, the .pdf with pdftotext, the PDF signed by the Chairman and
sealed by the văn thư through the seal path every document takes."""

from __future__ import annotations

import datetime
import io
import unittest
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from sathach.core.audit import AuditAction
from sathach.core.models import AuditEntry
from sathach.exams.models import ExamSession
from sathach.exams.tests.factories import make_exam
from sathach.organization.models import Position
from sathach.organization.testing import BaseTestCase, make_person
from sathach.reports.exporters.invitation import invitation_document
from sathach.reports.exporters.session_papers import render
from sathach.reports.tests.helpers import PDFTOTEXT, open_docx, pdf_text, texts
from sathach.signatures.services import (
    certificate_issue,
    document_sign,
    pki_init,
    seal_certificate_issue,
    token_set_pin,
)
from sathach.signatures.tests.documents import SIGNER_BOX
from sathach.signatures.tests.test_signing import validation_context

NOON = datetime.datetime(2026, 12, 5, 1, 30, tzinfo=datetime.UTC)  # 08:30 in Hồ Chí Minh


class InvitationTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        with time_machine.travel(NOON, tick=False):
            self.session = make_exam(self.world, session_status=ExamSession.Status.SCHEDULED)
        self.session.opens_at = NOON
        self.session.room = "Phòng máy số 2"
        self.session.save()
        self.campaign = self.session.campaign
        self.chairman = make_person("Trần Văn Huyện", self.w.district, Position.CHAIRMAN)

    def download(self, fmt: str) -> str:
        return reverse(
            "report-download",
            kwargs={"pk": self.campaign.pk, "identifier": "invitation", "fmt": fmt},
        )

    def test_the_docx_names_the_notice_the_sessions_the_recipients_and_the_signer(self) -> None:
        document = open_docx(render(invitation_document(self.campaign), "docx"))
        lines = texts(document)
        self.assertIn("THÔNG BÁO", lines)
        self.assertTrue(any(line.startswith("Về việc tổ chức") for line in lines), lines)
        self.assertTrue(any(line.startswith("Số: ") and "/TB-UBND" in line for line in lines))
        table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
        row = [cell.text for cell in table.rows[1].cells]
        self.assertEqual(row[2:5], ["05/12/2026", "08:30", "Phòng máy số 2"])
        self.assertIn("2 người", row[5])
        self.assertIn("Nơi nhận:", lines)
        self.assertIn("- UBND các xã, thị trấn;", lines)
        self.assertIn("- Lưu: VT, NV.", lines)
        self.assertIn("Trần Văn Huyện", lines)
        self.assertTrue(any("tham gia đầy đủ" in line for line in lines))
        self.assertTrue(any("USB token" in line for line in lines))

    @unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
    def test_the_pdf_reads_in_vietnamese_with_its_diacritics(self) -> None:
        text = pdf_text(render(invitation_document(self.campaign), "pdf"))
        self.assertIn("THÔNG BÁO", text)
        self.assertIn("Chủ tịch, Phó Chủ tịch Ủy ban nhân dân các xã, thị trấn", text)
        self.assertIn("05/12/2026", text)
        self.assertIn("Trần Văn Huyện", text)

    def test_the_district_downloads_it_from_the_reports_page_and_it_is_audited(self) -> None:
        self.login(self.w.district_admin)
        page = self.client.get(reverse("report-campaign", args=[self.campaign.pk]))
        self.assertContains(page, self.download("docx"))
        self.assertContains(page, self.download("pdf"))
        response = self.client.get(self.download("pdf"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF-"))
        self.assertIn("thong-bao-kiem-tra", response["Content-Disposition"])
        entry = AuditEntry.objects.get(action="report.exported")
        self.assertEqual(entry.summary["report"], "invitation")

    def test_a_commune_officer_and_another_district_are_refused(self) -> None:
        self.login(self.w.commune_officer)
        self.assertEqual(self.client.get(self.download("docx")).status_code, 403)
        self.login(self.w.outsider)
        self.assertEqual(self.client.get(self.download("pdf")).status_code, 404)
        self.assertFalse(AuditEntry.objects.filter(action="report.exported").exists())

    def test_without_a_chairman_on_record_the_notice_says_why(self) -> None:
        self.chairman.delete()
        self.login(self.w.district_admin)
        response = self.client.get(self.download("docx"))
        self.assertRedirects(response, reverse("report-campaign", args=[self.campaign.pk]))

    def test_the_chairman_signs_and_the_vanthu_seals_it_and_both_signatures_validate(
        self,
    ) -> None:
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        token = certificate_issue(actor=None, person=self.chairman)
        token_set_pin(actor=None, token=token, new_pin="250720")
        token.refresh_from_db()
        seal_certificate_issue(actor=None, unit=self.w.district)
        pdf = render(invitation_document(self.campaign), "pdf")
        signed = document_sign(actor=None, token=token, pin="250720", data=pdf, box=SIGNER_BOX)
        # The văn thư seals it on the seal page, as every outgoing document of the district.
        self.login(self.w.district_admin)
        upload = SimpleUploadedFile("thong-bao.pdf", signed, content_type="application/pdf")
        response = self.client.post(
            reverse("document-seal"), {"unit": self.w.district.pk, "document": upload}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("thong-bao-da-ky-so.pdf", response["Content-Disposition"])
        sealed = response.content
        signatures = PdfFileReader(io.BytesIO(sealed)).embedded_signatures
        self.assertEqual(len(signatures), 2)
        for signature in signatures:
            status = validate_pdf_signature(signature, validation_context())
            self.assertTrue(status.bottom_line, status.summary())
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.DOCUMENT_SEALED).exists())
