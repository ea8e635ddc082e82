from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase
from sathach.reports.tests.factories import approve, campaign_with_results
from sathach.reports.tests.helpers import open_docx, open_workbook

FILES = {
    "ket-qua-kiem-tra-75-KH-UBND.xlsx",
    "bao-cao-ket-qua-75-KH-UBND.docx",
    "bao-cao-ket-qua-75-KH-UBND.pdf",
}
DECISION = {
    "du-thao-quyet-dinh-khen-thuong-75-KH-UBND.docx",
    "du-thao-quyet-dinh-khen-thuong-75-KH-UBND.pdf",
}


class ReportCommandTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.campaign = campaign_with_results(self.world)
        self.folder = Path(tempfile.mkdtemp())

    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("report", *args, stdout=out)
        return out.getvalue()

    def test_it_writes_every_report_and_skips_the_decision_before_approval(self) -> None:
        output = self.run_command("75/KH-UBND", "--out", str(self.folder))
        self.assertEqual({p.name for p in self.folder.iterdir()}, FILES)
        self.assertIn("Quyết định khen thưởng", output)
        workbook = open_workbook((self.folder / "ket-qua-kiem-tra-75-KH-UBND.xlsx").read_bytes())
        self.assertIn("Xếp hạng", workbook.sheetnames)
        self.assertEqual(AuditEntry.objects.filter(action="report.exported").count(), 3)

    def test_after_approval_it_writes_the_draft_decision_too_and_can_run_twice(self) -> None:
        approve(self.world, self.campaign)
        self.run_command("75/KH-UBND", "--out", str(self.folder))
        self.run_command("75/KH-UBND", "--out", str(self.folder))
        self.assertEqual({p.name for p in self.folder.iterdir()}, FILES | DECISION)
        document = open_docx(
            (self.folder / "du-thao-quyet-dinh-khen-thuong-75-KH-UBND.docx").read_bytes()
        )
        self.assertTrue(any(p.text.startswith("Điều 1. ") for p in document.paragraphs))

    def test_an_unknown_campaign_is_an_error(self) -> None:
        with self.assertRaises(CommandError):
            self.run_command("99/KH-UBND", "--out", str(self.folder))
        with self.assertRaises(CommandError):
            self.run_command("75/KH-UBND", "--out", str(self.folder), "--unit", "946")
