"""Appeals (phúc khảo): asked by the leader or the commune's officer before the deadline,
decided by the district with a reason, the result and the ranking updated, every step
audited and visible to whoever asked."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone

from sathach.campaigns.appeals import appeal_deadline_set, appeal_decide, appeal_request
from sathach.campaigns.models import Appeal, Campaign, Result
from sathach.campaigns.selectors import campaign_ranking
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.models import Person
from sathach.organization.testing import BaseTestCase
from sathach.reports.tests.factories import approve, campaign_with_results, grant


def unit_row(campaign: Campaign, code: str) -> dict[str, Any]:
    return next(u for u in campaign_ranking(campaign)["units"] if u["code"] == code)


class AppealTests(BaseTestCase):
    """Lê Thị Hoa (An Thạnh 1) failed content 2, so An Thạnh 1 is below the pass target."""

    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = approve(self.world, campaign_with_results(self.world))
        self.hoa = Person.objects.get(full_name="Lê Thị Hoa")
        self.deadline = timezone.localdate() + datetime.timedelta(days=10)
        appeal_deadline_set(
            actor=self.w.district_admin, campaign=self.campaign, deadline=self.deadline
        )

    def ask(self, **changes: Any) -> Appeal:
        values: dict[str, Any] = {
            "actor": self.w.commune_officer,
            "campaign": self.campaign,
            "person": self.hoa,
            "content": 2,
            "reason": "Bà Hoa đã ký số dự thảo đúng vị trí, đề nghị chấm lại.",
        }
        values.update(changes)
        return appeal_request(**values)

    def test_an_appeal_from_request_to_updated_ranking(self) -> None:
        self.assertFalse(unit_row(self.campaign, "31618")["meets_targets"])
        appeal = self.ask()
        self.assertEqual((appeal.status, appeal.outcome_before), ("pending", "failed"))
        with self.assertRaises(DomainError):
            grant(self.world, self.campaign)  # no awards while a review is pending
        appeal_decide(
            actor=self.w.district_admin,
            appeal=appeal,
            upheld=True,
            outcome="passed",
            decision="Chữ ký hợp lệ, đặt đúng vị trí; sửa kết quả thành đạt.",
        )
        appeal.refresh_from_db()
        self.assertEqual((appeal.status, appeal.outcome_after), ("upheld", "passed"))
        result = Result.objects.get(campaign=self.campaign, person=self.hoa, content=2)
        self.assertEqual((result.outcome, result.source), ("passed", "override"))
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, Campaign.Status.RESULTS)  # approval re-opened
        self.assertTrue(unit_row(self.campaign, "31618")["meets_targets"])
        actions = list(
            AuditEntry.objects.filter(action__startswith="appeal.").values_list("action", flat=True)
        )
        self.assertEqual(
            sorted(actions), ["appeal.deadline_set", "appeal.decided", "appeal.requested"]
        )
        self.client.force_login(self.w.commune_officer)
        page = self.client.get(reverse("campaign-appeals", args=[self.campaign.pk]))
        self.assertContains(page, "Chữ ký hợp lệ, đặt đúng vị trí")

    def test_a_rejected_appeal_leaves_the_result_and_approval(self) -> None:
        appeal = appeal_decide(
            actor=self.w.district_admin,
            appeal=self.ask(),
            upheld=False,
            decision="Tệp đã ký không phải dự thảo được giao; giữ nguyên kết quả.",
        )
        self.assertEqual(appeal.status, "rejected")
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, Campaign.Status.APPROVED)
        self.assertEqual(
            Result.objects.get(campaign=self.campaign, person=self.hoa, content=2).outcome,
            "failed",
        )

    def test_only_once_per_content_before_the_deadline_and_only_by_those_who_may(self) -> None:
        with self.assertRaises(DomainError):
            self.ask(reason="ngắn")
        with self.assertRaises(DomainError):  # another commune's officer... or the outsider
            self.ask(actor=self.w.outsider)
        with self.assertRaises(DomainError):  # a leader for someone else
            self.ask(actor=self.w.leader)
        self.ask()
        with self.assertRaises(DomainError):
            self.ask()
        later = timezone.make_aware(
            datetime.datetime.combine(self.deadline + datetime.timedelta(days=1), datetime.time(9))
        )
        with time_machine.travel(later), self.assertRaises(DomainError):
            self.ask(content=1)
        self.assertEqual(Appeal.objects.count(), 1)

    def test_the_leader_asks_on_their_own_page_and_reads_the_answer(self) -> None:
        self.client.force_login(self.w.leader)
        page = self.client.get(reverse("my-appeals"))
        self.assertContains(page, self.campaign.code)
        self.assertContains(page, self.deadline.strftime("%d/%m/%Y"))
        response = self.client.post(
            reverse("my-appeals"),
            {
                "campaign": self.campaign.pk,
                "person": self.w.leader_person.pk,
                "content": "1",
                "reason": "Em đã trả lời câu 12 đúng nhưng bị chấm sai.",
            },
            follow=True,
        )
        self.assertContains(response, "Đã gửi đề nghị phúc khảo")
        appeal = Appeal.objects.get(person=self.w.leader_person)
        appeal_decide(
            actor=self.w.district_admin,
            appeal=appeal,
            upheld=False,
            decision="Đã chấm lại câu 12: đáp án đã chọn là sai.",
        )
        page = self.client.get(reverse("my-appeals"))
        self.assertContains(page, "Đã chấm lại câu 12")
        self.assertContains(page, "Không chấp nhận")

    def test_the_district_decides_on_the_page_and_a_commune_cannot(self) -> None:
        appeal = self.ask()
        url = reverse("appeal-decide", args=[self.campaign.pk, appeal.pk])
        data = {
            f"a{appeal.pk}-verdict": "passed",
            f"a{appeal.pk}-decision": "Chấm lại: văn bản ký đúng quy định.",
        }
        self.client.force_login(self.w.commune_officer)
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.client.force_login(self.w.district_admin)
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "Đã ghi quyết định")
        appeal.refresh_from_db()
        self.assertEqual(appeal.status, "upheld")
