"""The e-office test of today's commune: the posts of Nghị định 150/2025, the 2025 scenario
set from today's issuers, and the draw that picks the set of the campaign's era."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.utils import translation

from sathach.campaigns.models import Campaign
from sathach.campaigns.services import campaign_create
from sathach.campaigns.tests.factories import make_campaign
from sathach.core.errors import DomainError
from sathach.eoffice.models import Kind, Scenario, Task
from sathach.eoffice.services.bank import BANK_FILES, scenarios_load
from sathach.eoffice.services.draw import task_prepare
from sathach.eoffice.services.tasks import document_forward, task_start, task_submit
from sathach.eoffice.tests.factories import load_bank, make_servants
from sathach.organization.models import (
    HANDLER_POSITIONS_2020,
    HANDLER_POSITIONS_2025,
    AdministrativeUnit,
    Person,
    Position,
    Role,
)
from sathach.organization.testing import BaseTestCase, make_person, make_user

ERA_2025 = AdministrativeUnit.Era.FROM_2025


def shipped(era: str) -> dict[str, Any]:
    return json.loads(BANK_FILES[era].read_text("utf-8"))


class ShippedSetTests(BaseTestCase):
    def test_the_2025_set_has_30_documents_from_todays_issuers_for_todays_posts(self) -> None:
        data = shipped("2025")
        self.assertEqual(data["era"], "2025")
        incoming = [e for e in data["incoming"] if not e.get("coordinating")]
        self.assertGreaterEqual(len(incoming), 30)
        for entry in data["incoming"]:
            issuer = f"{entry['issuer_parent']} {entry['issuer']}".lower()
            self.assertNotIn("huyện", issuer, entry["code"])
            self.assertFalse(str(entry["issuer"]).startswith("Phòng"), entry["code"])
        for entry in incoming:
            posts = [entry["main_handler"], *entry["coordinators"]]
            self.assertTrue(set(posts) <= set(HANDLER_POSITIONS_2025), entry["code"])
        issuers = {e["issuer"] for e in incoming}
        for body in ("Sở Nội vụ", "Sở Tài chính", "Công an thành phố Cần Thơ"):
            self.assertIn(body, issuers)
        self.assertIn("Bảo hiểm xã hội thành phố Cần Thơ", issuers)

    def test_the_command_loads_both_sets_each_with_its_era_and_again_creates_nothing(
        self,
    ) -> None:
        out = StringIO()
        call_command("eoffice", "load-scenarios", stdout=out)
        counts = {
            era: len(shipped(era)["incoming"]) + len(shipped(era)["outgoing"])
            for era in ("2020", "2025")
        }
        for era, count in counts.items():
            self.assertEqual(Scenario.objects.filter(era=era, owner=None).count(), count)
        self.assertTrue(Scenario.objects.filter(code="den-01-dat-dai-ra-soat", era="2020").exists())
        call_command("eoffice", "load-scenarios", "--era", "2025", stdout=out)
        self.assertEqual(Scenario.objects.count(), sum(counts.values()))
        self.assertIn("0", out.getvalue().splitlines()[-1])

    def test_a_2025_document_naming_a_2020_post_is_refused_and_nothing_is_loaded(self) -> None:
        data = shipped("2025")
        data["incoming"][0]["main_handler"] = Position.OFFICE_STATISTICS
        with self.assertRaisesMessage(DomainError, "2025-den-01"):
            scenarios_load(actor="test", data=data)
        self.assertFalse(Scenario.objects.exists())

    def test_the_2025_posts_read_in_vietnamese(self) -> None:
        with translation.override("vi"):
            labels = dict(Position.choices)
            self.assertEqual(labels["vp_chanh_van_phong"], "Chánh Văn phòng HĐND và UBND")
            self.assertIn("Phòng Kinh tế", str(labels["kt_tai_chinh"]))
            self.assertIn("Kinh tế, Hạ tầng và Đô thị", str(labels["kt_truong_phong"]))
            self.assertIn("Phòng Văn hóa - Xã hội", str(labels["vhxh_noi_vu"]))
            self.assertIn("Trung tâm phục vụ hành chính công", str(labels["hcc_cong_chuc"]))


class EraDrawTests(BaseTestCase):
    """A province campaign of 2026 over a commune of the 2025 divisions, beside the 2020
    district campaign of the test world."""

    def setUp(self) -> None:
        load_bank()
        kind = AdministrativeUnit.Kind
        self.city = AdministrativeUnit(
            code="92", name="Thành phố Cần Thơ", kind=kind.CITY, era=ERA_2025
        )
        self.city.save()
        self.commune = AdministrativeUnit(
            code="31624", name="Xã Cù Lao Dung", kind=kind.COMMUNE, era=ERA_2025, parent=self.city
        )
        self.commune.save()
        self.admin = make_user("sonoivu.admin", Role.PROVINCE_ADMIN, self.city)
        self.leader = make_user("31624.chutich", Role.EXAMINEE, self.commune)
        self.chairman = make_person("Lâm Thị Hoa", self.commune, Position.CHAIRMAN, gender="nu")
        self.chairman.user = self.leader
        self.chairman.save()
        self.servants = make_servants(self.world, unit=self.commune, era="2025")
        self.campaign = campaign_create(
            actor=self.admin,
            code="15/KH-SNV",
            title="Kiểm tra kỹ năng công nghệ thông tin của lãnh đạo xã, phường năm 2026",
            issuing_unit=self.city,
            issued_on=datetime.date(2026, 2, 10),
        )
        Campaign.objects.filter(pk=self.campaign.pk).update(status=Campaign.Status.TESTING)
        self.campaign.refresh_from_db()

    def draw(self, seed: int) -> set[str]:
        task = task_prepare(
            actor=self.admin, campaign=self.campaign, person=self.chairman, seed=seed
        )
        codes = set(task.documents.values_list("scenario__code", flat=True))
        task.delete()
        return codes

    def test_the_era_follows_the_unit_and_the_date_and_a_district_keeps_2020(self) -> None:
        self.assertEqual(self.campaign.era, "2025")
        district = make_campaign(self.world)
        self.assertEqual(district.era, "2020")
        district.issued_on = datetime.date(2026, 3, 1)
        self.assertEqual(district.era, "2020")
        province = Campaign(issuing_unit=self.world.province, issued_on=datetime.date(2025, 7, 1))
        self.assertEqual(province.era, "2025")
        province.issued_on = datetime.date(2025, 6, 30)
        self.assertEqual(province.era, "2020")

    def test_a_2025_campaign_draws_only_from_the_2025_set(self) -> None:
        codes_2025 = set(Scenario.objects.filter(era="2025").values_list("code", flat=True))
        for seed in range(1, 8):
            codes = self.draw(seed)
            self.assertEqual(len(codes), 5)
            self.assertLessEqual(codes, codes_2025, seed)

    def test_the_2020_campaign_draws_only_from_the_2020_set(self) -> None:
        make_servants(self.world)
        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        codes_2020 = {e["code"] for part in ("incoming", "outgoing") for e in shipped("2020")[part]}
        for seed in range(1, 6):
            task = task_prepare(
                actor=self.world.district_admin,
                campaign=campaign,
                person=self.world.leader_person,
                seed=seed,
            )
            codes = set(task.documents.values_list("scenario__code", flat=True))
            self.assertLessEqual(codes, codes_2020, seed)
            task.delete()

    def test_a_2025_commune_with_only_2020_posts_is_told_to_add_todays_posts(self) -> None:
        Person.objects.filter(unit=self.commune, position__in=HANDLER_POSITIONS_2025).delete()
        for position in HANDLER_POSITIONS_2020:
            make_person("Công chức cũ", self.commune, position)
        with self.assertRaisesMessage(DomainError, "Phòng Kinh tế"), translation.override("vi"):
            task_prepare(actor=self.admin, campaign=self.campaign, person=self.chairman)

    def test_the_leader_forwards_to_a_department_and_passes(self) -> None:
        task = task_prepare(actor=self.admin, campaign=self.campaign, person=self.chairman, seed=3)
        task_start(user=self.leader, task=task)
        document = task.documents.filter(kind=Kind.INCOMING, scenario__coordinating=False)[0]
        scenario = document.scenario
        document_forward(
            user=self.leader,
            document=document,
            main_handler_id=self.servants[scenario.main_handler].pk,
            coordinator_ids=[self.servants[p].pk for p in scenario.coordinators[:1]],
            instruction="Giao Phòng Kinh tế chủ trì, Văn phòng phối hợp.",
            deadline=task.test_day + datetime.timedelta(days=scenario.deadline_days or 3),
        )
        task_submit(actor=self.leader, task=task, by=Task.SubmittedBy.EXAMINEE)
        document.refresh_from_db()
        self.assertEqual(document.reasons, [])
        self.assertTrue(document.passed)
