"""Hostile PDFs on the verification page (issue 15, point 3): each is refused or judged with
a clear Vietnamese message, nothing is stored, the check runs in a capped child and the page
answers normally afterwards."""

from __future__ import annotations

import io
import resource
import time

from django.test import override_settings
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PdfFileWriter
from reportlab.pdfgen import canvas

from sathach.core.audit import AuditAction
from sathach.core.models import AuditEntry
from sathach.signatures.sandbox import Limits, PdfTooComplex, run_bounded
from sathach.signatures.tests import pdfs
from sathach.signatures.tests.pki import exam_pki
from sathach.signatures.tests.test_verify_page import VerifyPageBase, pdf_file, signed_by_a


def encrypted_pdf() -> bytes:
    writer = PdfFileWriter()
    writer.encrypt("chu-so-huu", "nguoi-doc")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def with_javascript(data: bytes) -> bytes:
    """An /OpenAction that runs a script, added after signing."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    action = generic.DictionaryObject(
        {
            pdf_name("/S"): pdf_name("/JavaScript"),
            pdf_name("/JS"): pdf_string("app.alert('Văn bản hợp lệ')"),
        }
    )
    writer.root[pdf_name("/OpenAction")] = writer.add_object(action)
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def huge_page_signed() -> bytes:
    """A page of 200 by 200 inches, signed visibly: drawn at 80 dpi it would be 256 million
    pixels."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(14400, 14400))
    page.drawString(72, 14000, "UBND xa An Thanh 1")
    page.showPage()
    page.save()
    return pdfs.sign(buffer.getvalue(), exam_pki().leader_a)


class HostilePdfTestCase(VerifyPageBase):
    def setUp(self) -> None:
        self.login(self.world.council)

    def assert_still_answers(self) -> None:
        response = self.verify(signed_by_a())
        self.assertContains(response, "HỢP LỆ")
        self.assertNotContains(response, "KHÔNG HỢP LỆ")

    def test_a_truncated_pdf_is_refused_as_cut_off(self) -> None:
        cut = signed_by_a()[: len(signed_by_a()) // 2]
        response = self.verify(cut)
        self.assertContains(response, "Tệp PDF bị cắt cụt")
        self.assertNotContains(response, 'id="verdict"')
        self.assert_still_answers()

    def test_an_encrypted_pdf_is_refused(self) -> None:
        response = self.verify(encrypted_pdf())
        self.assertContains(response, "Tệp PDF được mã hóa")
        self.assertNotContains(response, 'id="verdict"')
        self.assert_still_answers()

    def test_a_pdf_carrying_javascript_is_refused(self) -> None:
        response = self.verify(with_javascript(signed_by_a()))
        self.assertContains(response, "Tệp PDF chứa JavaScript")
        self.assertNotContains(response, 'id="verdict"')
        self.assert_still_answers()

    def test_an_incremental_update_after_signing_is_reported(self) -> None:
        response = self.verify(pdfs.overlay_page_content(signed_by_a()))
        self.assertContains(response, "KHÔNG HỢP LỆ")
        self.assertContains(response, "MODIFIED_AFTER_SIGNING")

    def test_a_huge_page_gets_a_small_picture_not_an_error(self) -> None:
        response = self.verify(huge_page_signed())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="verdict"')
        self.assertContains(response, "data:image/png;base64,")

    @override_settings(PDF_CHECK_SECONDS=0)
    def test_a_check_over_its_time_limit_is_too_complex(self) -> None:
        response = self.verify(signed_by_a())
        self.assertContains(response, "Tệp quá phức tạp để kiểm tra")
        self.assertNotContains(response, 'id="verdict"')

    def test_a_leaders_check_over_its_limit_stores_nothing(self) -> None:
        self.login(self.world.leader)
        with override_settings(PDF_CHECK_SECONDS=0):
            response = self.client.post(
                reverse("my-signature-check"), {"document": pdf_file(signed_by_a())}
            )
        self.assertContains(response, "Tệp quá phức tạp để kiểm tra")
        self.assertFalse(
            AuditEntry.objects.filter(action=AuditAction.SIGNED_DOCUMENT_ACCEPTED).exists()
        )


class SandboxTestCase(VerifyPageBase):
    def test_the_check_runs_under_a_memory_cap(self) -> None:
        limits = Limits(memory_bytes=700 * 2**20, seconds=20)
        soft, hard = run_bounded(resource.getrlimit, resource.RLIMIT_AS, limits=limits)
        self.assertEqual((soft, hard), (700 * 2**20, 700 * 2**20))

    def test_a_child_that_needs_more_memory_is_too_complex(self) -> None:
        limits = Limits(memory_bytes=400 * 2**20, seconds=20)
        with self.assertRaises(PdfTooComplex) as raised:
            run_bounded(bytearray, 2**30, limits=limits)
        self.assertIn("400 MB", raised.exception.message)

    def test_a_child_that_runs_too_long_is_killed(self) -> None:
        with self.assertRaises(PdfTooComplex):
            run_bounded(time.sleep, 30, limits=Limits(memory_bytes=2**30, seconds=0.5))

    def test_an_error_in_the_child_is_raised_here(self) -> None:
        with self.assertRaises(ValueError):
            run_bounded(int, "không phải số")
