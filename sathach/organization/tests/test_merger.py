"""From the communes before 1/7/2025 to the merged ones: people, commune roles and signing
devices move, all or nothing, after a dry run; a split commune stays unless assigned; past
campaigns keep their own units."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any
from unittest import mock

from django.core.management import CommandError, call_command
from django.urls import reverse

from sathach.campaigns.models import Campaign, RosterEntry
from sathach.campaigns.readiness import device_register
from sathach.campaigns.services import campaign_transition
from sathach.campaigns.tests.factories import make_campaign, make_certificate
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.merger import units_migrate_2025
from sathach.organization.models import AdministrativeUnit, Membership, Person, Role
from sathach.organization.testing import BaseTestCase, make_person, make_unit, make_user

CAN_THO = 92


class MergerTestCase(BaseTestCase):
    bui_huu_nghia: AdministrativeUnit
    split_person: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w: Any = cls.world
        kind = AdministrativeUnit.Kind
        # Old Cần Thơ (92 before 1/7/2025): a ward split between two of today's wards.
        old_can_tho = make_unit("92", "Thành phố Cần Thơ", kind.CITY)
        binh_thuy = make_unit("918", "Quận Bình Thuỷ", kind.URBAN_DISTRICT, old_can_tho)
        cls.bui_huu_nghia = make_unit("31178", "Phường Bùi Hữu Nghĩa", kind.WARD, binh_thuy)
        cls.split_person = make_person("Phạm Văn Tài", cls.bui_huu_nghia)
        device_register(
            actor="test", person=w.leader_person, kind="usb_token", certificate=make_certificate()
        )
        make_user("31618.binhnv", Role.EXAMINEE, w.an_thanh_1)

    def new_unit(self, code: str) -> AdministrativeUnit:
        return AdministrativeUnit.objects.get(era="2025", level=3, code=code)


class DryRunTests(MergerTestCase):
    def test_the_dry_run_lists_what_goes_where_and_what_cannot_be_mapped(self) -> None:
        plan = units_migrate_2025(actor="test", province_code=CAN_THO, dry_run=True)
        moves = {m.unit.code: (m.target.code, m.target.name) for m in plan.moves if m.target}
        self.assertEqual(moves["31618"], ("31615", "Xã An Thạnh"))
        self.assertEqual(moves["31627"], ("31633", "Xã Cù Lao Dung"))
        by_code = {m.unit.code: m for m in plan.moves}
        self.assertEqual(
            (by_code["31618"].people, by_code["31618"].accounts, by_code["31618"].devices),
            (2, 2, 0),
        )
        self.assertEqual(
            (by_code["31627"].people, by_code["31627"].accounts, by_code["31627"].devices),
            (1, 1, 1),
        )
        [split] = plan.unmapped
        self.assertEqual(split.unit.code, "31178")
        self.assertEqual(
            [(c.code, c.name) for c in split.candidates],
            [("31120", "Phường Cái Khế"), ("31168", "Phường Bình Thủy")],
        )

    def test_the_dry_run_stores_nothing(self) -> None:
        units_migrate_2025(actor="test", province_code=CAN_THO, dry_run=True)
        self.assertFalse(AdministrativeUnit.objects.filter(era="2025").exists())
        self.assertEqual(
            self.world.leader_person.unit, Person.objects.get(pk=self.world.leader_person.pk).unit
        )
        self.assertFalse(AuditEntry.objects.filter(action="unit.migrated_2025").exists())


class MigrateTests(MergerTestCase):
    def test_people_commune_roles_and_devices_move_to_the_merged_commune(self) -> None:
        w: Any = self.world
        plan = units_migrate_2025(actor=w.province_admin, province_code=CAN_THO)
        an_thanh, cu_lao_dung = self.new_unit("31615"), self.new_unit("31633")
        self.assertEqual(an_thanh.parent.code, "92")
        self.assertEqual(an_thanh.parent.era, "2025")
        for person in (w.officer_person, w.an_thanh_1_chairman):
            self.assertEqual(Person.objects.get(pk=person.pk).unit, an_thanh)
        leader = Person.objects.get(pk=w.leader_person.pk)
        self.assertEqual(leader.unit, cu_lao_dung)
        self.assertEqual(leader.signing_devices.count(), 1)  # the device follows its person
        self.assertEqual(
            Membership.objects.get(user=w.commune_officer, role=Role.COMMUNE_OFFICER).unit,
            an_thanh,
        )
        self.assertEqual(
            Membership.objects.get(user=w.leader, role=Role.EXAMINEE).unit, cu_lao_dung
        )
        # The province's and district's own roles stay on their 2020 units.
        self.assertEqual(Membership.objects.get(user=w.province_admin).unit, w.province)
        self.assertEqual(Membership.objects.get(user=w.district_admin).unit, w.district)
        self.assertEqual(plan.moved, {"people": 4, "accounts": 3, "devices": 1})
        entry = AuditEntry.objects.get(action="unit.migrated_2025")
        self.assertEqual(entry.summary["moves"]["31627"], "31633")
        self.assertEqual(entry.summary["unmapped"], ["31178"])

    def test_a_split_commune_stays_unless_told_where_it_goes(self) -> None:
        units_migrate_2025(actor="test", province_code=CAN_THO)
        self.assertEqual(Person.objects.get(pk=self.split_person.pk).unit, self.bui_huu_nghia)
        units_migrate_2025(actor="test", province_code=CAN_THO, assign={"31178": "31168"})
        self.assertEqual(Person.objects.get(pk=self.split_person.pk).unit, self.new_unit("31168"))

    def test_a_commune_cannot_be_sent_where_it_did_not_go(self) -> None:
        with self.assertRaisesMessage(DomainError, "31178"):
            units_migrate_2025(actor="test", province_code=CAN_THO, assign={"31178": "31615"})
        self.assertFalse(AdministrativeUnit.objects.filter(era="2025").exists())

    def test_running_it_twice_moves_nothing_new(self) -> None:
        units_migrate_2025(actor="test", province_code=CAN_THO)
        again = units_migrate_2025(actor="test", province_code=CAN_THO)
        self.assertEqual(again.moved, {"people": 0, "accounts": 0, "devices": 0})

    def test_it_is_all_or_nothing(self) -> None:
        w: Any = self.world
        with (
            mock.patch("sathach.organization.merger.audit_log", side_effect=RuntimeError),
            self.assertRaises(RuntimeError),
        ):
            units_migrate_2025(actor="test", province_code=CAN_THO)
        self.assertEqual(Person.objects.get(pk=w.leader_person.pk).unit, w.dai_an_1)
        self.assertFalse(AdministrativeUnit.objects.filter(era="2025").exists())

    def test_a_past_campaign_keeps_its_2020_units(self) -> None:
        w: Any = self.world
        campaign = make_campaign(w, status=Campaign.Status.PREPARING)
        campaign_transition(actor=w.district_admin, campaign=campaign, to=Campaign.Status.TESTING)
        before = set(RosterEntry.objects.values_list("unit_id", "person_id"))
        participants = set(campaign.participants.values_list("pk", flat=True))
        units_migrate_2025(actor="test", province_code=CAN_THO)
        self.assertEqual(set(RosterEntry.objects.values_list("unit_id", "person_id")), before)
        self.assertEqual(set(campaign.participants.values_list("pk", flat=True)), participants)
        self.assertIn((w.dai_an_1.pk, w.leader_person.pk), before)

    def test_an_unknown_province_is_refused(self) -> None:
        with self.assertRaisesMessage(DomainError, "94"):
            units_migrate_2025(actor="test", province_code=94)


class CommandTests(MergerTestCase):
    def run_command(self, *args: str) -> dict[str, Any]:
        out = StringIO()
        call_command("units", "migrate-2025", *args, "--json", stdout=out)
        return json.loads(out.getvalue())

    def test_the_dry_run_prints_one_document_and_stores_nothing(self) -> None:
        document = self.run_command("92", "--dry-run")
        self.assertEqual(document["province"], {"code": "92", "name": "Thành phố Cần Thơ"})
        self.assertTrue(document["dry_run"])
        move = next(m for m in document["moves"] if m["from"]["code"] == "31627")
        self.assertEqual(
            move,
            {
                "from": {"code": "31627", "name": "Xã Đại Ân 1", "district": "Huyện Cù Lao Dung"},
                "to": {"code": "31633", "name": "Xã Cù Lao Dung"},
                "people": 1,
                "accounts": 1,
                "devices": 1,
            },
        )
        self.assertEqual(document["unmapped"][0]["candidates"][1]["code"], "31168")
        self.assertFalse(AdministrativeUnit.objects.filter(era="2025").exists())

    def test_it_moves_and_takes_an_assignment(self) -> None:
        document = self.run_command("92", "--assign", "31178=31120")
        self.assertFalse(document["dry_run"])
        self.assertEqual(document["moved"], {"people": 5, "accounts": 3, "devices": 1})
        self.assertEqual(Person.objects.get(pk=self.split_person.pk).unit, self.new_unit("31120"))

    def test_a_bad_assignment_is_a_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "31178"):
            self.run_command("92", "--assign", "31178")


class PageTests(MergerTestCase):
    @property
    def url(self) -> str:
        return reverse("units-migrate-2025")

    def test_the_province_admin_sees_the_dry_run_first(self) -> None:
        self.login(self.world.province_admin)
        self.assertContains(self.client.get(reverse("unit-list")), self.url)
        response = self.client.get(self.url)
        self.assertContains(response, "Chuyển sang đơn vị hành chính từ 01/7/2025")
        self.assertContains(response, "Xã Đại Ân 1")
        self.assertContains(response, "Xã Cù Lao Dung")
        # A 2020 province admin moves only their own province's communes.
        self.assertNotContains(response, "Phường Bùi Hữu Nghĩa")
        self.assertFalse(AdministrativeUnit.objects.filter(era="2025").exists())

    def test_confirming_moves_the_province(self) -> None:
        w: Any = self.world
        self.login(w.province_admin)
        response = self.client.post(self.url, {"confirm": "1"}, follow=True)
        self.assertContains(response, "Đã chuyển 4 cán bộ")
        self.assertEqual(Person.objects.get(pk=w.leader_person.pk).unit, self.new_unit("31633"))
        # Outside the admin's 2020 province nothing moved.
        self.assertEqual(Person.objects.get(pk=self.split_person.pk).unit, self.bui_huu_nghia)

    def test_others_may_not(self) -> None:
        w: Any = self.world
        for user in (w.district_admin, w.commune_officer, w.leader, w.council):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(self.url, {"confirm": "1"}).status_code, 403)
        self.assertFalse(AdministrativeUnit.objects.filter(era="2025").exists())
        self.login(w.district_admin)
        self.assertNotContains(self.client.get(reverse("unit-list")), self.url)
