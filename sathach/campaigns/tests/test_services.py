from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sathach.campaigns.models import Campaign, FacilityDeclaration, RankingSnapshot, Result
from sathach.campaigns.readiness import (
    device_register,
    facility_declare,
    facility_item_save,
    facility_review,
)
from sathach.campaigns.selectors import facility_scores, readiness
from sathach.campaigns.services import (
    campaign_create,
    campaign_transition,
    campaign_update,
    result_override,
    result_record,
)
from sathach.campaigns.tests.factories import make_campaign, make_certificate
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase

S = Campaign.Status
ALL_STATUSES = [value for value, _label in Campaign.Status.choices]
ALLOWED = {
    ("draft", "preparing"),
    ("preparing", "draft"),
    ("preparing", "testing"),
    ("testing", "preparing"),
    ("testing", "results"),
    ("results", "testing"),
    ("approved", "results"),
    ("awarded", "closed"),
}


class CampaignLifecycleTestCase(BaseTestCase):
    def test_participants_default_to_every_commune_of_the_district(self) -> None:
        campaign = make_campaign(self.world)
        self.assertEqual(
            set(campaign.participants.all()), {self.world.an_thanh_1, self.world.dai_an_1}
        )
        self.assertEqual(campaign.tie_breakers, ["participants", "facilities"])
        self.assertEqual(campaign.pass_target, Decimal(85))

    def test_a_commune_of_another_district_cannot_take_part(self) -> None:
        with self.assertRaises(DomainError):
            make_campaign(self.world, participants=[self.world.other_commune])

    def test_a_commune_campaign_awards_no_collective(self) -> None:
        with self.assertRaises(ValidationError):
            campaign_create(
                actor=self.world.district_admin,
                code="1/KH",
                title="x",
                issuing_unit=self.world.dai_an_1,
                issued_on=datetime.date(2020, 1, 1),
            )

    def test_every_status_transition_is_allowed_or_refused_as_the_workflow_says(self) -> None:
        campaign = make_campaign(self.world)
        for current in ALL_STATUSES:
            for target in ALL_STATUSES:
                Campaign.objects.filter(pk=campaign.pk).update(status=current)
                campaign.refresh_from_db()
                if (current, target) in ALLOWED:
                    campaign_transition(
                        actor=self.world.district_admin, campaign=campaign, to=target
                    )
                    campaign.refresh_from_db()
                    self.assertEqual(campaign.status, target, f"{current} -> {target}")
                else:
                    with self.assertRaises(DomainError, msg=f"{current} -> {target}"):
                        campaign_transition(
                            actor=self.world.district_admin, campaign=campaign, to=target
                        )
                    campaign.refresh_from_db()
                    self.assertEqual(campaign.status, current)

    def test_a_transition_is_audited(self) -> None:
        campaign = make_campaign(self.world)
        campaign_transition(actor=self.world.district_admin, campaign=campaign, to=S.PREPARING)
        entry = AuditEntry.objects.first()
        self.assertEqual(entry.action, "campaign.status_changed")
        self.assertEqual(entry.summary, {"from": "draft", "to": "preparing"})

    def test_settings_are_frozen_once_testing_starts(self) -> None:
        campaign = make_campaign(self.world, status=S.TESTING)
        with self.assertRaises(DomainError):
            campaign_update(actor=self.world.district_admin, campaign=campaign, awards=5)

    def test_an_unknown_tie_breaker_is_refused(self) -> None:
        campaign = make_campaign(self.world)
        with self.assertRaises(DomainError):
            campaign_update(
                actor=self.world.district_admin, campaign=campaign, tie_breakers=["age"]
            )


class DeviceTestCase(BaseTestCase):
    def test_it_reads_the_uploaded_certificate(self) -> None:
        for der in (False, True):
            with self.subTest(der=der):
                device = device_register(
                    actor=self.world.commune_officer,
                    person=self.world.leader_person,
                    kind="usb_token",
                    certificate=make_certificate(der=der),
                )
                self.assertEqual(device.ca_name, "VNPT Certification Authority")
                self.assertIn("Trần Thị Ngân", device.subject)
                self.assertEqual(len(device.fingerprint), 64)
                self.assertGreater(device.not_after, device.not_before)

    def test_it_refuses_a_file_that_is_not_a_certificate(self) -> None:
        with self.assertRaises(DomainError):
            device_register(
                actor=self.world.commune_officer,
                person=self.world.leader_person,
                kind="usb_token",
                certificate=b"not a certificate",
            )

    def test_it_refuses_a_certificate_without_signing_usage(self) -> None:
        with self.assertRaises(DomainError):
            device_register(
                actor=self.world.commune_officer,
                person=self.world.leader_person,
                kind="usb_token",
                certificate=make_certificate(signing=False),
            )

    def test_coverage_counts_valid_devices_and_flags_those_expiring(self) -> None:
        campaign = make_campaign(self.world, status=S.PREPARING)
        device_register(
            actor=self.world.commune_officer,
            person=self.world.leader_person,
            kind="sim_pki",
            certificate=make_certificate(days_after=10),
        )
        rows = {row.unit.code: row for row in readiness(campaign, campaign.participants.all())}
        self.assertEqual(rows["31627"].covered, 1)
        self.assertEqual(rows["31627"].coverage_display, "100,00")
        self.assertTrue(rows["31627"].leaders[0].expiring)
        self.assertEqual(rows["31618"].covered, 0)
        self.assertTrue(any("Nguyễn Văn Bình" in gap.what for gap in rows["31618"].gaps))

    def test_an_expired_certificate_does_not_count(self) -> None:
        campaign = make_campaign(self.world, status=S.PREPARING)
        device_register(
            actor=self.world.commune_officer,
            person=self.world.leader_person,
            kind="usb_token",
            certificate=make_certificate(days_before=400, days_after=-5),
        )
        (row,) = readiness(campaign, campaign.participants.filter(pk=self.world.dai_an_1.pk))
        self.assertEqual(row.covered, 0)


class FacilityTestCase(BaseTestCase):
    def test_the_score_is_the_weight_of_verified_items(self) -> None:
        campaign = make_campaign(self.world, status=S.PREPARING)
        computers = facility_item_save(
            actor=self.world.district_admin,
            campaign=campaign,
            title="Máy tính kết nối Internet cho mỗi lãnh đạo",
            weight=Decimal("3"),
        )
        room = facility_item_save(
            actor=self.world.district_admin,
            campaign=campaign,
            title="Phòng kiểm tra",
            weight=Decimal("1.5"),
        )
        first = facility_declare(
            actor=self.world.commune_officer,
            campaign=campaign,
            unit=self.world.an_thanh_1,
            item=computers,
            note="2 máy",
            files=[SimpleUploadedFile("anh.jpg", b"jpeg", content_type="image/jpeg")],
        )
        second = facility_declare(
            actor=self.world.commune_officer,
            campaign=campaign,
            unit=self.world.an_thanh_1,
            item=room,
        )
        self.assertEqual(facility_scores(campaign)[self.world.an_thanh_1.pk], 0)
        facility_review(actor=self.world.district_admin, declaration=first, accept=True)
        facility_review(
            actor=self.world.district_admin, declaration=second, accept=False, note="Chưa có ảnh"
        )
        self.assertEqual(facility_scores(campaign)[self.world.an_thanh_1.pk], Decimal("3"))
        self.assertEqual(first.evidence.count(), 1)

    def test_a_rejection_needs_a_reason(self) -> None:
        campaign = make_campaign(self.world, status=S.PREPARING)
        item = facility_item_save(
            actor=self.world.district_admin, campaign=campaign, title="Máy in", weight=Decimal(1)
        )
        declaration = facility_declare(
            actor=self.world.commune_officer,
            campaign=campaign,
            unit=self.world.an_thanh_1,
            item=item,
        )
        with self.assertRaises(DomainError):
            facility_review(actor=self.world.district_admin, declaration=declaration, accept=False)
        declaration.refresh_from_db()
        self.assertEqual(declaration.status, FacilityDeclaration.Status.DECLARED)


class ResultTestCase(BaseTestCase):
    def test_an_override_needs_a_written_reason_and_is_audited(self) -> None:
        campaign = make_campaign(self.world, status=S.RESULTS)
        with self.assertRaises(DomainError):
            result_override(
                actor=self.world.district_admin,
                campaign=campaign,
                person=self.world.leader_person,
                content=1,
                outcome="passed",
                reason="",
            )
        result = result_override(
            actor=self.world.district_admin,
            campaign=campaign,
            person=self.world.leader_person,
            content=1,
            outcome="passed",
            reason="Mất điện trong ca thi, thi lại ngày 05/8/2020",
        )
        self.assertEqual(result.source, Result.Source.OVERRIDE)
        entry = AuditEntry.objects.first()
        self.assertEqual(entry.action, "result.overridden")
        self.assertIn("Mất điện", entry.summary["reason"])

    def test_results_are_refused_before_testing(self) -> None:
        campaign = make_campaign(self.world, status=S.PREPARING)
        with self.assertRaises(DomainError):
            result_record(
                actor="exam",
                campaign=campaign,
                person=self.world.leader_person,
                content=1,
                outcome="passed",
                source="exam",
            )

    def test_an_approval_recorded_after_the_council_met_keeps_the_meetings_time(self) -> None:
        import datetime

        from django.utils import timezone

        from sathach.campaigns.services import ranking_approve

        campaign = make_campaign(self.world, status=S.RESULTS)
        met = timezone.make_aware(datetime.datetime(2020, 8, 28, 14))
        with self.assertRaisesMessage(DomainError, "tương lai"):
            ranking_approve(
                actor=self.world.council,
                campaign=campaign,
                approved_at=timezone.now() + datetime.timedelta(days=1),
            )
        snapshot = ranking_approve(actor=self.world.council, campaign=campaign, approved_at=met)
        self.assertEqual(snapshot.approved_at, met)
        # A later approval may not be dated before the one in force.
        campaign.status = S.RESULTS
        campaign.save(update_fields=["status"])
        with self.assertRaises(DomainError):
            ranking_approve(
                actor=self.world.council,
                campaign=campaign,
                approved_at=met - datetime.timedelta(days=1),
            )
        self.assertEqual(RankingSnapshot.objects.filter(campaign=campaign).count(), 1)

    def test_a_change_after_approval_leaves_the_snapshot_and_asks_for_a_new_approval(self) -> None:
        from sathach.campaigns.services import ranking_approve

        campaign = make_campaign(self.world, status=S.RESULTS)
        for person in (self.world.leader_person, self.world.an_thanh_1_chairman):
            for content in (1, 2):
                result_record(
                    actor="exam",
                    campaign=campaign,
                    person=person,
                    content=content,
                    outcome="passed",
                    source="exam",
                )
        snapshot = ranking_approve(actor=self.world.council, campaign=campaign)
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, S.APPROVED)
        stored = RankingSnapshot.objects.get(pk=snapshot.pk)
        result_override(
            actor=self.world.district_admin,
            campaign=campaign,
            person=self.world.leader_person,
            content=2,
            outcome="failed",
            reason="Chữ ký số không hợp lệ khi kiểm tra lại",
        )
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, S.RESULTS)
        self.assertEqual(RankingSnapshot.objects.get(pk=snapshot.pk).output, stored.output)
        with self.assertRaises(PermissionError):
            stored.save()
