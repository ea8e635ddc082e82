"""A commune runs the campaign over its own leaders (issue 16): since 1/7/2025 a commune's
People's Committee may test its Chairman and Vice-Chairmen itself. Its admin creates the
campaign on the page, the commune is its only participant, it awards no collective (there
is none to compare), and it closes once the council has approved the results."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.services import (
    campaign_create,
    campaign_transition,
    ranking_approve,
    result_record,
)
from sathach.core.errors import DomainError
from sathach.organization.models import Role
from sathach.organization.testing import BaseTestCase, make_user
from sathach.reports.selectors import district_scope
from sathach.reports.services import report_export
from sathach.reports.tests.helpers import open_docx, texts


class CommuneCampaignTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.admin = make_user("daian1.admin", Role.COMMUNE_ADMIN, self.w.dai_an_1)
        self.council = make_user("daian1.hoidong", Role.COUNCIL, self.w.dai_an_1)

    def create(self, **extra: Any) -> Campaign:
        return campaign_create(
            actor=self.admin,
            code="05/KH-UBND",
            title="Kiểm tra kỹ năng công nghệ thông tin của lãnh đạo xã năm 2026",
            issuing_unit=self.w.dai_an_1,
            issued_on=datetime.date(2026, 3, 2),
            **extra,
        )

    def test_the_commune_admin_creates_it_on_the_page_over_the_commune_alone(self) -> None:
        self.login(self.admin)
        form = self.client.get(reverse("campaign-create"))
        self.assertEqual(form.status_code, 200)
        choices = list(form.context["form"].fields["issuing_unit"].queryset)
        self.assertEqual(choices, [self.w.dai_an_1])
        response = self.client.post(
            reverse("campaign-create"),
            {
                "code": "05/KH-UBND",
                "title": "Kiểm tra kỹ năng công nghệ thông tin của lãnh đạo xã năm 2026",
                "issuing_unit": self.w.dai_an_1.pk,
                "issued_on": "02/03/2026",
                "participation_target": "100",
                "pass_target": "85",
                "device_target": "100",
                "awards": "3",
                "award_authority": "",
                "tie_break_order": "participants,facilities",
            },
        )
        campaign = Campaign.objects.get(code="05/KH-UBND")
        self.assertRedirects(response, reverse("campaign-detail", args=[campaign.pk]))
        self.assertEqual(list(campaign.participants.all()), [self.w.dai_an_1])
        # A commune has no collective below it to award.
        self.assertEqual(campaign.awards, 0)
        self.assertEqual(campaign.award_authority, "commune_chairman")

    def test_the_service_refuses_awards_and_other_communes(self) -> None:
        with self.assertRaises(ValidationError):
            self.create(awards=2)
        with self.assertRaises(DomainError):
            self.create(awards=0, participants=[self.w.dai_an_1, self.w.an_thanh_1])

    def test_another_commune_admin_cannot_issue_for_it(self) -> None:
        other = make_user("anthanh1.admin", Role.COMMUNE_ADMIN, self.w.an_thanh_1)
        self.login(other)
        form = self.client.get(reverse("campaign-create"))
        self.assertNotIn(
            self.w.dai_an_1, list(form.context["form"].fields["issuing_unit"].queryset)
        )
        # A commune officer (readiness only) does not create campaigns.
        self.login(self.w.commune_officer)
        self.assertEqual(self.client.get(reverse("campaign-create")).status_code, 403)

    def test_it_runs_to_its_close_with_a_report_of_the_commune(self) -> None:
        campaign = self.create(awards=0)
        for status in ("preparing", "testing"):
            campaign = campaign_transition(actor=self.admin, campaign=campaign, to=status)
        for content in (1, 2):
            result_record(
                actor=self.admin,
                campaign=campaign,
                person=self.w.leader_person,
                content=content,
                outcome=Result.Outcome.PASSED,
                source=Result.Source.IMPORT,
            )
        campaign = campaign_transition(actor=self.admin, campaign=campaign, to="results")
        ranking_approve(actor=self.council, campaign=campaign)
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, Campaign.Status.APPROVED)
        # No award to decide: the campaign closes from the approval.
        campaign = campaign_transition(actor=self.admin, campaign=campaign, to="closed")
        self.assertEqual(campaign.status, Campaign.Status.CLOSED)
        report = report_export(
            actor="test", scope=district_scope(campaign), identifier="report", fmt="docx"
        ).content
        lines = texts(open_docx(report))
        heading = lines.index("ỦY BAN NHÂN DÂN")
        self.assertEqual(lines[heading + 1], "XÃ ĐẠI ÂN 1")
        self.assertIn("Kế hoạch không xét khen thưởng tập thể.", lines)
        self.assertIn(
            "Trên đây là báo cáo kết quả kiểm tra kỹ năng tin học và ứng dụng công nghệ thông "
            "tin của lãnh đạo Ủy ban nhân dân xã Đại Ân 1./.",
            lines,
        )

    def test_a_campaign_with_awards_does_not_close_before_its_decision(self) -> None:
        campaign = Campaign.objects.create(
            code="1/KH",
            title="Đợt có khen thưởng",
            issuing_unit=self.w.district,
            issued_on=datetime.date(2020, 7, 1),
            status=Campaign.Status.APPROVED,
            awards=2,
        )
        with self.assertRaisesMessage(DomainError, "quyết định khen thưởng"):
            campaign_transition(actor=self.w.district_admin, campaign=campaign, to="closed")
