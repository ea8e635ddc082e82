"""`sathach demo --era 2025`: the campaign of 2026 of Thành phố Cần Thơ over its merged
communes, played through the real services, its outputs read back. Four of the twelve
communes are played, to keep the test fast."""

from __future__ import annotations

import json
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from sathach.campaigns.models import Award, AwardAuthority, Campaign, Result
from sathach.core.audit import audit_verify
from sathach.eoffice.models import Task, TaskDocument
from sathach.organization.demo2025 import DEMO_COMMUNES, DIRECTOR
from sathach.organization.models import (
    HANDLER_POSITIONS_2025,
    LEADER_POSITIONS,
    AdministrativeUnit,
    Person,
)
from sathach.reports.tests.helpers import open_docx, open_workbook, pdf_text, texts
from sathach.signatures.models import Authority
from sathach.signatures.trust import installed_trust_roots
from sathach.signatures.validation import validate_pdf

COMMUNES = 4


class Demo2025TestCase(TestCase):
    out: Path
    printed: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.out = Path(tempfile.mkdtemp())
        stdout = StringIO()
        call_command(
            "demo",
            "--era",
            "2025",
            "--communes",
            str(COMMUNES),
            "--out",
            str(cls.out),
            stdout=stdout,
        )
        cls.printed = stdout.getvalue()

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.out, ignore_errors=True)
        super().tearDownClass()

    def campaign(self) -> Campaign:
        return Campaign.objects.get(code="35/KH-UBND")

    def leaders(self) -> list[Person]:
        return list(
            Person.objects.filter(
                unit__in=self.campaign().participants.all(), position__in=LEADER_POSITIONS
            ).order_by("pk")
        )

    def test_a_province_campaign_of_2026_over_todays_communes_played_and_awarded(self) -> None:
        campaign = self.campaign()
        city = campaign.issuing_unit
        self.assertEqual((city.era, city.level, city.code), ("2025", 1, "92"))
        self.assertEqual(city.name, "Thành phố Cần Thơ")
        self.assertEqual(campaign.issued_on.year, 2026)
        self.assertEqual(campaign.status, Campaign.Status.AWARDED)
        self.assertEqual(campaign.award_authority, AwardAuthority.PROVINCE_CHAIRMAN)
        self.assertEqual(
            campaign.tie_breakers, ["participants", "facilities", "mean_score", "women"]
        )
        self.assertEqual(
            sorted(campaign.participants.values_list("code", flat=True)),
            sorted(DEMO_COMMUNES[:COMMUNES]),
        )
        # The whole city is loaded from the official list of today, with no district.
        self.assertEqual(AdministrativeUnit.objects.filter(era="2025", parent=city).count(), 103)
        self.assertFalse(AdministrativeUnit.objects.filter(era="2020").exists())
        leaders = self.leaders()
        self.assertEqual(len(leaders), 3 * COMMUNES)
        self.assertEqual(Result.objects.filter(campaign=campaign).count(), 2 * len(leaders))
        # The commune's people hold the posts of NĐ 150/2025; the e-office test is drawn
        # from the 2025 set and forwarded to them.
        servants = Person.objects.filter(unit__in=campaign.participants.all()).exclude(
            position__in=LEADER_POSITIONS
        )
        self.assertEqual(
            set(servants.values_list("position", flat=True)), set(HANDLER_POSITIONS_2025)
        )
        self.assertEqual(Task.objects.filter(campaign=campaign).count(), len(leaders))
        self.assertEqual(
            set(
                TaskDocument.objects.filter(task__campaign=campaign).values_list(
                    "scenario__era", flat=True
                )
            ),
            {"2025"},
        )
        self.assertEqual(audit_verify()[1], [])

    def test_the_ranking_json_uses_the_campaigns_tie_breaks(self) -> None:
        stdout = StringIO()
        call_command("campaign", "rank", "35/KH-UBND", "--json", stdout=stdout)
        written = json.loads((self.out / "ranking.json").read_text("utf-8"))
        self.assertEqual(written, json.loads(stdout.getvalue()))
        self.assertEqual(len(written["units"]), COMMUNES)
        women = {unit.code: 0 for unit in self.campaign().participants.all()}
        for leader in self.leaders():
            women[leader.unit.code] += leader.gender == Person.Gender.FEMALE
        self.assertGreater(sum(women.values()), 0)
        for unit in written["units"]:
            self.assertIn("mean_score", unit)
            self.assertEqual(unit["women"], women[unit["code"]], unit["code"])
            self.assertIn(unit["name"], self.printed)
        awarded = [unit["code"] for unit in written["units"] if unit["award"] == "yes"]
        self.assertEqual(
            sorted(awarded), sorted(Award.objects.values_list("unit__code", flat=True))
        )

    def test_the_workbook_the_report_and_the_decision_read_back(self) -> None:
        workbook = open_workbook((self.out / "ket-qua-kiem-tra-35-KH-UBND.xlsx").read_bytes())
        cells = {
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        }
        for leader in self.leaders():
            self.assertIn(leader.full_name, cells)
        report = "\n".join(
            texts(open_docx((self.out / "bao-cao-ket-qua-35-KH-UBND.docx").read_bytes()))
        )
        self.assertIn("35/KH-UBND", report)
        self.assertIn("THÀNH PHỐ CẦN THƠ", report.upper())
        # Signed by the Director of the city's Sở Nội vụ, by name.
        self.assertIn(DIRECTOR[0], report.split("\n"))
        self.assertNotIn("huyện", report)
        decision = "\n".join(
            texts(
                open_docx(
                    (self.out / "du-thao-quyet-dinh-khen-thuong-35-KH-UBND.docx").read_bytes()
                )
            )
        )
        self.assertIn("Bằng khen của Chủ tịch Ủy ban nhân dân thành phố Cần Thơ", decision)
        self.assertIn("72/2025/QH15", decision)
        self.assertIn("152/2025/NĐ-CP", decision)
        # A centrally-run city's bodies are the city's, not a province's.
        for text in (report, decision):
            self.assertIn("Hội đồng Thi đua - Khen thưởng thành phố", text)
            self.assertNotIn("Khen thưởng tỉnh", text)
        self.assertIn("TT. Thành ủy, TT. HĐND thành phố", decision)
        for name in ("bao-cao-ket-qua", "du-thao-quyet-dinh-khen-thuong"):
            text = pdf_text((self.out / f"{name}-35-KH-UBND.pdf").read_bytes())
            self.assertIn("35/KH-UBND", text)

    def test_every_award_is_a_bang_khen_signed_by_the_city_chairman(self) -> None:
        files = sorted(self.out.glob("bang-khen-*.pdf"))
        self.assertEqual(len(files), Award.objects.count())
        self.assertGreater(len(files), 0)
        self.assertFalse(list(self.out.glob("giay-khen-*.pdf")))
        chairman = Person.objects.get(unit__code="92", unit__era="2025", position="chu_tich")
        issuing = Authority.objects.get(kind=Authority.Kind.ISSUING)
        for path in files:
            content = path.read_bytes()
            text = pdf_text(content)
            self.assertIn("BẰNG KHEN", text)
            self.assertIn("CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ", text)
            self.assertIn(chairman.full_name, text)
            verdict = validate_pdf(
                content,
                trust_roots=installed_trust_roots(),
                other_certs=[bytes(issuing.certificate)],
                crls=[bytes(issuing.crl)] if issuing.crl else [],
            )
            self.assertTrue(verdict.valid, (path.name, verdict.reasons))
            self.assertIn(chairman.full_name, verdict.signatures[0].signer_subject)

    def test_communes_goes_with_the_2025_era_only(self) -> None:
        with self.assertRaisesMessage(CommandError, "--communes"):
            call_command("demo", "--communes", "2", stdout=StringIO())


class LoadDemo2025TestCase(TestCase):
    """`load_demo --era 2025` (what `make run` calls after the 2020 one): the city's
    accounts and the 2026 campaign with its day played, kept when run again."""

    def test_it_loads_the_city_with_an_account_per_role_and_keeps_it(self) -> None:
        from sathach.organization.demo import DEMO_PASSWORD
        from sathach.organization.models import Role, User

        out = StringIO()
        call_command("load_demo", "--era", "2025", stdout=out)
        printed = out.getvalue()
        campaign = Campaign.objects.get(code="35/KH-UBND")
        self.assertEqual(campaign.status, Campaign.Status.AWARDED)
        self.assertEqual(campaign.participants.count(), len(DEMO_COMMUNES))
        for username, role in (
            ("cantho.admin", Role.PROVINCE_ADMIN),
            ("cantho.hoidong", Role.COUNCIL),
            ("cantho.giamthi", Role.PROCTOR),
            ("ninhkieu.vanphong", Role.COMMUNE_OFFICER),
            ("ninhkieu.admin", Role.COMMUNE_ADMIN),
        ):
            user = User.objects.get(username=username)
            self.assertTrue(user.memberships.filter(role=role).exists(), username)
            self.assertTrue(user.check_password(DEMO_PASSWORD), username)
            self.assertIn(username, printed)
        self.assertEqual(
            User.objects.get(username="cantho.admin").memberships.get().unit.name,
            "Thành phố Cần Thơ",
        )
        results = list(Result.objects.order_by("pk").values_list("pk", "updated_at"))
        call_command("load_demo", "--era", "2025", stdout=StringIO())
        self.assertEqual(Campaign.objects.count(), 1)
        self.assertEqual(
            list(Result.objects.order_by("pk").values_list("pk", "updated_at")), results
        )
