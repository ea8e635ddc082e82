from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from pyhanko.pdf_utils.reader import PdfFileReader

from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase
from sathach.reports.awards import (
    award_certificates_write,
    certificates_prepare,
    giay_khen_for,
)
from sathach.reports.giay_khen import ACHIEVEMENT_LINES, _fit, render_giay_khen
from sathach.reports.models import CertificateFile
from sathach.reports.tests.certificates import PIN, TemporaryMedia, awarded_campaign
from sathach.reports.tests.helpers import pdf_text
from sathach.signatures.models import LeaderCertificate
from sathach.signatures.services import certificate_chain, certificate_revoke
from sathach.signatures.trust import installed_trust_roots
from sathach.signatures.validation import validate_pdf


def page_size(pdf: bytes) -> tuple[float, float]:
    page = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0]
    x1, y1, x2, y2 = (float(v) for v in page["/MediaBox"])
    return x2 - x1, y2 - y1


class GiayKhenTestCase(TemporaryMedia, BaseTestCase):
    def setUp(self) -> None:
        self.media_start()
        self.addCleanup(self.media_stop)
        self.campaign, self.token = awarded_campaign(self.world)
        self.w: Any = self.world
        self.out = Path(tempfile.mkdtemp(prefix="giay-khen-"))

    def written(self) -> list[Path]:
        return award_certificates_write(
            actor=self.w.district_admin, campaign=self.campaign, pin=PIN, out_dir=self.out
        )

    def test_the_certificate_reads_as_the_decree_lays_it_out_on_a4_landscape(self) -> None:
        _token, awards = certificates_prepare(campaign=self.campaign, pin=PIN)
        rendered = render_giay_khen(giay_khen_for(awards[0], self.w.district_chairman))
        width, height = page_size(rendered.pdf)
        self.assertEqual((round(width / 72 * 25.4), round(height / 72 * 25.4)), (297, 210))
        text = pdf_text(rendered.pdf)
        for line in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CÙ LAO DUNG",
            "TẶNG",
            "GIẤY KHEN",
            "Ủy ban nhân dân thị trấn Cù Lao Dung",
            "Địa chỉ: Thị trấn Cù Lao Dung, huyện Cù Lao Dung, tỉnh Sóc Trăng",
            "Kế hoạch số 75/KH-UBND ngày 27/07/2020",
            "2/2 lãnh đạo tham gia kiểm tra đạt cả hai nội dung (tỷ lệ 100,00%)",
            "Quyết định số 123/QĐ-UBND ngày 07/09/2020",
            "Số sổ vàng: 123.01",
            "Cù Lao Dung, ngày 07 tháng 9 năm 2020",
            "CHỦ TỊCH",
            "Huỳnh Thành An",
        ]:
            self.assertIn(line, text)

    def test_the_decision_records_each_achievement_with_the_vietnamese_decimal_comma(
        self,
    ) -> None:
        # The ranking page lists the decision's awards with this text.
        achievements = [
            a.achievement for d in self.campaign.decisions.all() for a in d.awards.all()
        ]
        self.assertTrue(achievements)
        for text in achievements:
            self.assertRegex(text, r"\(\d+,\d\d%\)\.$")
            self.assertNotRegex(text, r"\d\.\d\d%")

    def test_a_long_achievement_is_set_smaller_rather_than_run_into_the_signature(self) -> None:
        _token, awards = certificates_prepare(campaign=self.campaign, pin=PIN)
        content = giay_khen_for(awards[0], self.w.district_chairman)
        long = content.__class__(**{**content.__dict__, "achievement": "thành tích " * 40})
        size, lines = _fit(long.achievement, "Serif", 600, ACHIEVEMENT_LINES)
        self.assertLess(size, 15)
        self.assertLessEqual(len(lines), ACHIEVEMENT_LINES)
        rendered = render_giay_khen(long)
        self.assertEqual(pdf_text(rendered.pdf).count("thành tích"), 40)

    def test_every_certificate_is_signed_by_the_chairman_visibly_at_the_signature_place(
        self,
    ) -> None:
        paths = self.written()
        self.assertEqual(
            [p.name for p in paths], ["giay-khen-01-31606.pdf", "giay-khen-02-31627.pdf"]
        )
        for path in paths:
            verdict = validate_pdf(
                path.read_bytes(),
                trust_roots=installed_trust_roots(),
                other_certs=certificate_chain(),
                signer=bytes(self.token.certificate),
                require_visible=True,
            )
            self.assertTrue(verdict.valid, verdict.reasons)
            (signature,) = verdict.signatures
            self.assertEqual(signature.page, 1)
            assert signature.rect is not None
            # Right half of the page, between the title and the name.
            self.assertGreater(signature.rect[0], 842 / 2)
            self.assertLess(signature.rect[1], 210)
        self.assertIn("Xã Đại Ân 1", pdf_text(paths[1].read_bytes()))
        stored = CertificateFile.objects.order_by("award__position")
        self.assertEqual([f.award.unit.code for f in stored], ["31606", "31627"])
        self.assertEqual(AuditEntry.objects.filter(action="award.certificate_signed").count(), 2)

    def test_a_wrong_pin_signs_nothing_and_is_counted(self) -> None:
        with self.assertRaisesMessage(DomainError, "Mã PIN không đúng"):
            award_certificates_write(
                actor=self.w.district_admin, campaign=self.campaign, pin="000000", out_dir=self.out
            )
        self.assertEqual(list(self.out.iterdir()), [])
        self.assertFalse(CertificateFile.objects.exists())
        self.assertEqual(LeaderCertificate.objects.get(pk=self.token.pk).failed_pins, 1)

    def test_a_chairman_without_a_valid_certificate_is_refused_by_name(self) -> None:
        certificate_revoke(actor=None, token=self.token, reason="Mất thiết bị")
        with self.assertRaisesMessage(DomainError, "Huỳnh Thành An"):
            self.written()
        self.assertFalse(CertificateFile.objects.exists())

    def test_the_command_writes_the_signed_certificates_with_the_pin_from_a_file(self) -> None:
        pin_file = self.out / "pin.txt"
        pin_file.write_text(PIN + "\n")
        output = io.StringIO()
        call_command(
            "awards",
            "certificates",
            "75/KH-UBND",
            "--out",
            str(self.out / "gk"),
            "--pin-file",
            str(pin_file),
            stdout=output,
        )
        self.assertEqual(len(output.getvalue().split()), 2)
        self.assertEqual(len(list((self.out / "gk").glob("*.pdf"))), 2)

    def test_the_command_says_why_when_the_pin_is_wrong(self) -> None:
        pin_file = self.out / "pin.txt"
        pin_file.write_text("000000")
        with self.assertRaisesMessage(CommandError, "Mã PIN không đúng"):
            call_command(
                "awards", "certificates", "75/KH-UBND", "--out", str(self.out),
                "--pin-file", str(pin_file),
            )  # fmt: skip
