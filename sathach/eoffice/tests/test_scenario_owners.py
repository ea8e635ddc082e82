"""The scenario bank's owner unit: every e-office admin reads and copies any scenario;
only the owner's admins (and those above them) change or retire it; the installation's
shipped sets are a superuser's."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation

from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice.models import Kind, Scenario
from sathach.eoffice.services.bank import (
    FieldError,
    scenario_save,
    scenario_set_active,
    scenario_set_save,
)
from sathach.eoffice.services.copies import scenario_copy
from sathach.eoffice.services.draw import scenario_set_of
from sathach.eoffice.tests.factories import load_bank, make_servants, make_task
from sathach.eoffice.tests.test_bank import incoming_values
from sathach.organization.testing import BaseTestCase, make_user


class OwnerServiceTests(BaseTestCase):
    def setUp(self) -> None:
        load_bank()
        self.ours = scenario_save(
            actor=self.world.district_admin,
            scenario=None,
            kind=Kind.INCOMING,
            values=incoming_values(),
        )
        self.shipped = Scenario.objects.get(code="den-05-ho-tich-so-hoa")

    def change(self, actor: Any, scenario: Scenario) -> Scenario:
        return scenario_save(
            actor=actor,
            scenario=scenario,
            kind=Kind.INCOMING,
            values={**incoming_values(), "subject": "nội dung đã sửa"},
        )

    def test_a_new_scenario_belongs_to_the_admins_unit_and_is_audited_there(self) -> None:
        self.assertEqual(self.ours.owner, self.world.district)
        self.assertEqual(self.ours.era, "2020")
        entry = AuditEntry.objects.filter(action="eoffice.scenario_saved").latest("seq")
        self.assertEqual(entry.unit, self.world.district)

    def test_another_districts_admin_neither_changes_nor_retires_it(self) -> None:
        with translation.override("vi"):
            with self.assertRaisesMessage(DomainError, "Chỉ quản trị của Huyện Cù Lao Dung"):
                self.change(self.world.outsider, self.ours)
            with self.assertRaisesMessage(DomainError, "Sao chép"):
                scenario_set_active(actor=self.world.outsider, scenario=self.ours, active=False)
        self.ours.refresh_from_db()
        self.assertEqual(
            (self.ours.subject, self.ours.is_active), ("báo cáo số liệu thống kê quý", True)
        )

    def test_the_owners_admins_and_those_above_change_it(self) -> None:
        self.change(self.world.district_admin, self.ours)
        changed = self.change(self.world.province_admin, self.ours)
        self.assertEqual(changed.subject, "nội dung đã sửa")
        scenario_set_active(actor=self.world.province_admin, scenario=self.ours, active=False)

    def test_the_installations_set_is_changed_only_by_a_superuser(self) -> None:
        with translation.override("vi"), self.assertRaisesMessage(DomainError, "chỉ quản trị"):
            scenario_set_active(
                actor=self.world.district_admin, scenario=self.shipped, active=False
            )
        root = make_user("root", None, None, is_superuser=True)
        scenario_set_active(actor=root, scenario=self.shipped, active=False)
        self.shipped.refresh_from_db()
        self.assertFalse(self.shipped.is_active)

    def test_any_admin_copies_any_scenario_into_a_unit_of_their_own(self) -> None:
        copy = scenario_copy(
            actor=self.world.outsider, scenario=self.ours, owner=self.world.other_district
        )
        self.assertEqual(copy.owner, self.world.other_district)
        self.assertEqual(copy.code, "946-den-99-thu-nghiem")
        self.assertEqual(
            (copy.body, copy.main_handler, copy.coordinators, copy.era),
            (self.ours.body, self.ours.main_handler, self.ours.coordinators, "2020"),
        )
        self.change(self.world.outsider, copy)
        again = scenario_copy(
            actor=self.world.outsider, scenario=self.ours, owner=self.world.other_district
        )
        self.assertEqual(again.code, "946-den-99-thu-nghiem-2")
        entry = AuditEntry.objects.filter(action="eoffice.scenario_copied").latest("seq")
        self.assertEqual(entry.unit, self.world.other_district)

    def test_nobody_copies_into_a_unit_they_do_not_manage(self) -> None:
        with self.assertRaises(DomainError):
            scenario_copy(actor=self.world.outsider, scenario=self.ours, owner=self.world.district)
        self.assertFalse(Scenario.objects.filter(owner=self.world.other_district).exists())


class OwnerSetTests(BaseTestCase):
    def setUp(self) -> None:
        make_servants(self.world)
        self.task = make_task(self.world)
        self.campaign = self.task.campaign
        self.neighbours = scenario_copy(
            actor=self.world.outsider,
            scenario=Scenario.objects.get(code="den-05-ho-tich-so-hoa"),
            owner=self.world.other_district,
        )

    def save(self, scenarios: list[Scenario]) -> Any:
        return scenario_set_save(
            actor=self.world.district_admin,
            campaign=self.campaign,
            scenarios=scenarios,
            incoming_count=1,
            outgoing_count=1,
            coordinating_count=0,
            duration_minutes=30,
        )

    def test_a_campaign_draws_a_neighbours_scenario_only_once_copied(self) -> None:
        outgoing = Scenario.objects.filter(kind=Kind.OUTGOING, era="2020")[0]
        with self.assertRaises(FieldError) as caught:
            self.save([self.neighbours, outgoing])
        self.assertEqual(caught.exception.field, "scenarios")
        self.assertFalse(scenario_set_of(self.campaign).scenarios.exists())
        ours = scenario_copy(
            actor=self.world.district_admin, scenario=self.neighbours, owner=self.world.district
        )
        self.save([ours, outgoing])
        self.assertEqual(set(scenario_set_of(self.campaign).scenarios.all()), {ours, outgoing})

    def test_none_chosen_draws_the_installations_set_and_the_districts_own(self) -> None:
        ours = scenario_copy(
            actor=self.world.district_admin, scenario=self.neighbours, owner=self.world.district
        )
        pool = set(scenario_set_of(self.campaign).pool(Kind.INCOMING))
        self.assertIn(ours, pool)
        self.assertNotIn(self.neighbours, pool)
        self.assertFalse({s.era for s in pool} - {"2020"})


class OwnerViewTests(BaseTestCase):
    def setUp(self) -> None:
        load_bank()
        self.shipped = Scenario.objects.get(code="den-05-ho-tich-so-hoa")

    def test_an_admin_reads_a_shipped_scenario_and_copies_it_then_edits_the_copy(self) -> None:
        self.login(self.world.district_admin)
        page = self.client.get(reverse("eoffice-scenario-edit", args=[self.shipped.pk]))
        self.assertContains(page, "Sao chép vào đơn vị của tôi")
        self.assertNotContains(page, ">Lưu</button>")
        response = self.client.post(reverse("eoffice-scenario-copy", args=[self.shipped.pk]))
        copy = Scenario.objects.get(owner=self.world.district)
        self.assertRedirects(response, reverse("eoffice-scenario-edit", args=[copy.pk]))
        page = self.client.get(reverse("eoffice-scenario-edit", args=[copy.pk]))
        self.assertContains(page, ">Lưu</button>")
        listing = self.client.get(reverse("eoffice-scenarios"), {"owner": "mine"})
        self.assertContains(listing, copy.code)
        self.assertNotContains(listing, f">{self.shipped.code}<")

    def test_a_change_posted_to_a_scenario_of_another_unit_changes_nothing(self) -> None:
        self.login(self.world.district_admin)
        url = reverse("eoffice-scenario-edit", args=[self.shipped.pk])
        response = self.client.post(url, {**incoming_values(), "main_handler": "tu_phap_ho_tich"})
        self.assertContains(response, "Sao chép")
        toggle = reverse("eoffice-scenario-toggle", args=[self.shipped.pk])
        self.client.post(toggle, {"active": "0"})
        self.shipped.refresh_from_db()
        self.assertTrue(self.shipped.is_active)
        self.assertNotEqual(self.shipped.subject, "báo cáo số liệu thống kê quý")

    def test_a_commune_officer_cannot_copy(self) -> None:
        self.login(self.world.commune_officer)
        response = self.client.post(reverse("eoffice-scenario-copy", args=[self.shipped.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Scenario.objects.filter(owner__isnull=False).exists())
