"""`sathach questions` as contracts/questions.md says, through the real console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.core.management import call_command
from django.test import TestCase

from sathach.exams.models import Question, QuestionBank

DATA = Path(__file__).parent / "data"
BANK = Path(__file__).resolve().parents[1] / "data" / "bank-tt03.gift"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from sathach.cli import main; main()", "questions", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class QuestionsCommandTestCase(TestCase):
    def import_json(self, path: Path, *extra: str) -> tuple[dict[str, Any], int]:
        from io import StringIO

        out = StringIO()
        try:
            call_command("questions", "import", str(path), "--json", *extra, stdout=out)
            status = 0
        except SystemExit as exit_:
            status = int(exit_.code or 0)
        return json.loads(out.getvalue()), status

    def test_the_shipped_bank_imports_with_its_counts_and_categories(self) -> None:
        report, status = self.import_json(BANK, "--bank", "tt03")
        self.assertEqual(status, 0)
        self.assertEqual(report["imported"], 180)
        self.assertEqual(sum(report["by_type"].values()), 180)
        self.assertIn("IU04/Công thức và hàm", report["categories"])
        self.assertEqual((report["warnings"], report["errors"]), ([], []))
        self.assertEqual(QuestionBank.objects.get(name="tt03").questions.count(), 180)

    def test_a_file_with_errors_stores_nothing_and_exits_2(self) -> None:
        report, status = self.import_json(DATA / "errors.gift")
        self.assertEqual(status, 2)
        self.assertEqual(report["imported"], 0)
        self.assertTrue(all("line" in e and "message" in e for e in report["errors"]))
        self.assertGreater(len(report["errors"]), 1)
        self.assertFalse(Question.objects.exists())

    def test_a_dry_run_reports_and_stores_nothing(self) -> None:
        report, status = self.import_json(DATA / "sample.gift", "--dry-run")
        self.assertEqual(status, 0)
        self.assertGreater(sum(report["by_type"].values()), 0)
        self.assertFalse(Question.objects.exists())

    def test_export_then_import_gives_the_same_questions(self) -> None:
        self.import_json(BANK)
        with TemporaryDirectory() as folder:
            for fmt, name in (("gift", "a.gift"), ("moodle-xml", "a.xml"), ("xlsx", "a.xlsx")):
                target = Path(folder, name)
                call_command("questions", "export", "--format", fmt, "-o", str(target))
                report, status = self.import_json(target, "--bank", fmt)
                self.assertEqual((status, report["imported"]), (0, 180), fmt)
                texts = sorted(
                    Question.objects.filter(bank__name=fmt).values_list("current__text", flat=True)
                )
                original = sorted(
                    Question.objects.filter(bank__name="default").values_list(
                        "current__text", flat=True
                    )
                )
                self.assertEqual(texts, original, fmt)

    def test_the_console_script_prints_one_json_document(self) -> None:
        result = run("import", str(DATA / "errors.gift"), "--json", "--dry-run")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(json.loads(result.stdout)["imported"], 0)
        self.assertNotIn("Traceback", result.stderr)
