"""`sathach demo`: the test day played through the real services, every output written."""

from __future__ import annotations

import json
import shutil
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import TestCase

from sathach.campaigns.models import Award, Campaign, Result
from sathach.core.audit import audit_verify
from sathach.eoffice.models import Event, Task
from sathach.exams.models import Attempt, AttemptItem, ExamSession
from sathach.organization.models import LEADER_POSITIONS, Person
from sathach.reports.tests.helpers import open_docx, open_workbook, pdf_text, texts
from sathach.signatures.models import Authority
from sathach.signatures.trust import installed_trust_roots
from sathach.signatures.validation import validate_pdf

SEED = 7


def run_demo(out: Path, seed: int = SEED) -> str:
    stdout = StringIO()
    call_command("demo", "--out", str(out), "--seed", str(seed), stdout=stdout)
    return stdout.getvalue()


def results_by_leader() -> dict[tuple[str, int], tuple[str, Any]]:
    return {
        (result.person.full_name, result.content): (result.outcome, result.score)
        for result in Result.objects.select_related("person")
    }


class DemoDayTestCase(TestCase):
    out: Path
    printed: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.out = Path(tempfile.mkdtemp())
        cls.printed = run_demo(cls.out)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.out, ignore_errors=True)
        super().tearDownClass()

    def leaders(self) -> list[Person]:
        campaign = Campaign.objects.get(code="75/KH-UBND")
        return list(
            Person.objects.filter(
                unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS
            )
        )

    def test_every_leader_took_both_contents_and_some_failed(self) -> None:
        campaign = Campaign.objects.get(code="75/KH-UBND")
        self.assertEqual(campaign.status, Campaign.Status.AWARDED)
        leaders = self.leaders()
        self.assertEqual(Result.objects.filter(campaign=campaign).count(), 2 * len(leaders))
        attempts = Attempt.objects.filter(session__campaign=campaign)
        self.assertEqual(
            set(attempts.values_list("status", "submitted_by")),
            {(Attempt.Status.SUBMITTED, Attempt.SubmittedBy.EXAMINEE)},
        )
        self.assertEqual(
            ExamSession.objects.get(campaign=campaign).status, ExamSession.Status.CLOSED
        )
        tasks = Task.objects.filter(campaign=campaign)
        self.assertEqual(tasks.count(), len(leaders))
        self.assertFalse(tasks.exclude(status=Task.Status.SUBMITTED).exists())
        for content in (Result.Content.IT_SKILLS, Result.Content.EOFFICE):
            outcomes = list(
                Result.objects.filter(campaign=campaign, content=content).values_list(
                    "outcome", flat=True
                )
            )
            failed = outcomes.count(Result.Outcome.FAILED)
            self.assertTrue(0 < failed < len(leaders) / 2, (content, outcomes))
            self.assertEqual(outcomes.count(Result.Outcome.ABSENT), 0)
        # Answers were saved through the autosave (some changed), drafts signed with PINs.
        self.assertTrue(AttemptItem.objects.filter(seq=2).exists())
        self.assertTrue(AttemptItem.objects.filter(seq=1).exists())
        self.assertTrue(Event.objects.filter(kind=Event.Kind.SIGNED).exists())
        self.assertEqual(audit_verify()[1], [])

    def test_the_ranking_json_is_what_campaign_rank_prints(self) -> None:
        stdout = StringIO()
        call_command("campaign", "rank", "75/KH-UBND", "--json", stdout=stdout)
        written = json.loads((self.out / "ranking.json").read_text("utf-8"))
        self.assertEqual(written, json.loads(stdout.getvalue()))
        self.assertEqual(len(written["units"]), 8)
        awarded = [unit["code"] for unit in written["units"] if unit["award"] == "yes"]
        self.assertEqual(
            sorted(awarded), sorted(Award.objects.values_list("unit__code", flat=True))
        )
        for unit in written["units"]:
            self.assertIn(unit["name"], self.printed)

    def test_the_workbook_lists_every_leader_and_the_report_opens(self) -> None:
        workbook = open_workbook((self.out / "ket-qua-kiem-tra-75-KH-UBND.xlsx").read_bytes())
        cells = {
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        }
        for leader in self.leaders():
            self.assertIn(leader.full_name, cells)
        for name in ("bao-cao-ket-qua", "du-thao-quyet-dinh-khen-thuong"):
            document = open_docx((self.out / f"{name}-75-KH-UBND.docx").read_bytes())
            self.assertTrue(any("75/KH-UBND" in p.text for p in document.paragraphs), name)
            self.assertTrue((self.out / f"{name}-75-KH-UBND.pdf").read_bytes().startswith(b"%PDF"))

    def test_the_2020_plan_is_decided_in_2020_under_the_law_of_2020(self) -> None:
        decision = "\n".join(
            texts(
                open_docx(
                    (self.out / "du-thao-quyet-dinh-khen-thuong-75-KH-UBND.docx").read_bytes()
                )
            )
        )
        self.assertIn("Số: 126/QĐ-UBND", decision)
        self.assertIn("Cù Lao Dung, ngày 31 tháng 8 năm 2020", decision)
        self.assertIn("Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003", decision)
        self.assertIn("Nghị định số 91/2017/NĐ-CP", decision)
        self.assertIn("Hội đồng Thi đua - Khen thưởng huyện phê duyệt ngày 28/08/2020", decision)
        for later in ("2022", "98/2023", "152/2025", "năm 2026"):
            self.assertNotIn(later, decision)
        report = "\n".join(
            texts(open_docx((self.out / "bao-cao-ket-qua-75-KH-UBND.docx").read_bytes()))
        )
        self.assertIn("tại Quyết định số 126/QĐ-UBND ngày 31/08/2020", report)
        chairman = Person.objects.get(unit__code="945", position="chu_tich")
        self.assertIn(chairman.full_name, report.split("\n"))
        for path in self.out.glob("giay-khen-*.pdf"):
            self.assertIn("Cù Lao Dung, ngày 31 tháng 8 năm 2020", pdf_text(path.read_bytes()))

    def test_every_award_has_a_giay_khen_signed_by_the_district_chairman(self) -> None:
        files = sorted(self.out.glob("giay-khen-*.pdf"))
        self.assertEqual(len(files), Award.objects.count())
        self.assertGreater(len(files), 0)
        issuing = Authority.objects.get(kind=Authority.Kind.ISSUING)
        chairman = Person.objects.get(unit__code="945", position="chu_tich")
        for path in files:
            verdict = validate_pdf(
                path.read_bytes(),
                trust_roots=installed_trust_roots(),
                other_certs=[bytes(issuing.certificate)],
                crls=[bytes(issuing.crl)] if issuing.crl else [],
            )
            self.assertTrue(verdict.valid, (path.name, verdict.reasons))
            self.assertIn(chairman.full_name, verdict.signatures[0].signer_subject)

    def test_the_same_seed_gives_the_same_results_and_ranking(self) -> None:
        first_ranking = (self.out / "ranking.json").read_text("utf-8")
        first_results = results_by_leader()
        with tempfile.TemporaryDirectory() as again:
            run_demo(Path(again))
            second_ranking = Path(again, "ranking.json").read_text("utf-8")
        self.assertEqual(second_ranking, first_ranking)
        self.assertEqual(results_by_leader(), first_results)
        self.assertEqual(Campaign.objects.count(), 2)  # the played campaign and the practice
        self.assertEqual(audit_verify()[1], [])
