"""Signing-device coverage counts real devices only, each judged on its own dates, per
commune and per kind, the same on the readiness page, the dashboard and the workbook."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sathach.campaigns.models import Campaign, SigningDevice
from sathach.campaigns.readiness import device_register
from sathach.campaigns.selectors import coverage_by_kind, readiness
from sathach.campaigns.tests.factories import make_campaign, make_certificate
from sathach.organization.testing import BaseTestCase
from sathach.reports.selectors import district_scope
from sathach.reports.services import report_export
from sathach.reports.tests.helpers import open_workbook
from sathach.signatures.services import certificate_issue, pki_init


class CoverageTests(BaseTestCase):
    def setUp(self) -> None:
        self.campaign = make_campaign(self.world, status=Campaign.Status.PREPARING)
        self.w: Any = self.world

    def row(self) -> Any:
        (row,) = readiness(self.campaign, self.campaign.participants.filter(pk=self.w.dai_an_1.pk))
        return row

    def register(self, kind: str, *, days_before: int = 30, days_after: int) -> SigningDevice:
        return device_register(
            actor=self.w.commune_officer,
            person=self.w.leader_person,
            kind=kind,
            certificate=make_certificate(days_before=days_before, days_after=days_after),
        )

    def devices_sheet(self) -> dict[str, list[tuple[Any, ...]]]:
        content = report_export(
            actor="test", scope=district_scope(self.campaign), identifier="results", fmt="xlsx"
        ).content
        sheet = open_workbook(content)["Thiết bị ký số"]
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for row in sheet.iter_rows(min_row=5, values_only=True):
            if isinstance(row[0], int):
                rows.setdefault(str(row[2]), []).append(row)
        return rows

    def test_the_exam_certificate_alone_covers_nobody(self) -> None:
        pki_init(actor="test", organization="Sở Nội vụ (thử nghiệm)")
        certificate_issue(actor=self.w.district_admin, person=self.w.leader_person)
        self.assertEqual(self.row().covered, 0)
        self.assertTrue(any("thiết bị ký số" in gap.what for gap in self.row().gaps))
        leader = self.w.leader_person.full_name
        self.assertEqual(self.devices_sheet()[leader][0][9], "Chưa có thiết bị ký số")
        self.client.force_login(self.w.district_admin)
        page = self.client.get(reverse("dashboard", args=[self.campaign.pk]))
        self.assertEqual(page.context["covered"], 0)

    def test_one_valid_device_covers_the_leader_whatever_other_devices_expired(self) -> None:
        self.register("usb_token", days_before=400, days_after=-5)
        self.register("sim_pki", days_after=200)
        self.register("usb_token", days_after=500)
        row = self.row()
        self.assertEqual(row.covered, 1)
        self.assertFalse(row.leaders[0].expiring)
        states = sorted(row[9] for row in self.devices_sheet()[self.w.leader_person.full_name])
        self.assertEqual(states, ["Còn hiệu lực", "Còn hiệu lực", "Hết hiệu lực"])

    def test_a_leader_covered_only_by_devices_ending_soon_is_flagged(self) -> None:
        self.register("usb_token", days_after=10)
        self.register("sim_pki", days_before=400, days_after=-1)
        self.assertTrue(self.row().leaders[0].expiring)
        states = sorted(row[9] for row in self.devices_sheet()[self.w.leader_person.full_name])
        self.assertEqual(states, ["Còn hiệu lực, sắp hết hạn", "Hết hiệu lực"])

    def test_coverage_is_shown_per_kind_on_every_page_from_one_selector(self) -> None:
        self.register("usb_token", days_after=300)
        self.register("sim_pki", days_after=300)
        rows = readiness(self.campaign, self.campaign.participants.all())
        by_kind = {kind: count for kind, _label, count in coverage_by_kind(rows)}
        self.assertEqual(by_kind, {"usb_token": 1, "sim_pki": 1, "remote": 0})
        self.assertEqual(sum(row.covered for row in rows), 1)
        self.client.force_login(self.w.district_admin)
        page = self.client.get(reverse("readiness", args=[self.campaign.pk]))
        self.assertContains(page, "Theo loại thiết bị")
        self.assertEqual(page.context["by_kind"], coverage_by_kind(rows))
        dashboard = self.client.get(reverse("dashboard", args=[self.campaign.pk]))
        self.assertEqual(dashboard.context["by_kind"], coverage_by_kind(rows))
        content = report_export(
            actor="test", scope=district_scope(self.campaign), identifier="results", fmt="xlsx"
        ).content
        notes = [
            c.value
            for c in open_workbook(content)["Thiết bị ký số"]["A"]
            if isinstance(c.value, str)
        ]
        self.assertTrue(any("USB token 1; SIM PKI 1; Ký số từ xa 0" in n for n in notes), notes)
        units = open_workbook(content)["Đơn vị"]
        headers = [cell.value for cell in units[4]]
        row = next(r for r in units.iter_rows(min_row=5, values_only=True) if r[1] == "31627")
        kinds = [row[headers.index(h)] for h in ("Có USB token", "Có SIM PKI", "Có ký số từ xa")]
        self.assertEqual(kinds, [1, 1, 0])
