"""One pass rule per content, set on the campaign, fixed at the first start, and used by the
grading of both contents, the dashboard, the reports and the examinee's result page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.pass_rules import campaign_set_pass_rules
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice.models import Kind, Task
from sathach.eoffice.services.tasks import document_forward, task_start, task_submit
from sathach.eoffice.tests.factories import make_servants, make_task
from sathach.exams.models import Attempt
from sathach.exams.services.attempts import attempt_save_answers, attempt_start, attempt_submit
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase
from sathach.reports import charts
from sathach.reports.selectors import campaign_figures, district_scope
from sathach.reports.services import report_export
from sathach.reports.tests.helpers import open_workbook

INSTRUCTION = "Giao đồng chí chủ trì tham mưu, báo cáo kết quả đúng thời hạn."


def set_rules(campaign: Campaign, **changes: Any) -> Campaign:
    values: dict[str, Any] = {
        "content1_pass_mark": campaign.content1_pass_mark,
        "content1_module_minimum": campaign.content1_module_minimum,
        "content2_rule": campaign.content2_rule,
        "content2_min_tasks": campaign.content2_min_tasks,
    }
    values.update(changes)
    return campaign_set_pass_rules(actor="test", campaign=campaign, **values)


class ContentOneTests(BaseTestCase):
    """The Đại Ân 1 chairman answers the IU01 to IU04 questions right and IU05, IU06
    wrong: 8 of 12 points, 66.67%."""

    def setUp(self) -> None:
        self.session = make_exam(self.world)
        self.campaign = self.session.campaign
        self.attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)

    def take(self) -> Attempt:
        attempt = attempt_start(
            user=self.world.leader, attempt=self.attempt, access_code=self.session.access_code
        )
        answers = [
            {
                "p": item.position,
                "s": 1,
                "r": {"choice": 0 if item.version.question.category.module < "IU05" else 1},
            }
            for item in attempt.items.select_related("version__question__category")
        ]
        attempt_save_answers(attempt_id=attempt.pk, token=attempt.token, answers=answers)
        return attempt_submit(actor=self.world.leader, attempt=attempt, by="examinee")

    def test_the_campaigns_pass_mark_is_the_one_grading_uses(self) -> None:
        self.campaign = set_rules(self.campaign, content1_pass_mark=Decimal(70))
        attempt = self.take()
        self.assertEqual((attempt.percent, attempt.passed), (Decimal("66.67"), False))
        result = Result.objects.get(campaign=self.campaign, person=self.world.leader_person)
        self.assertEqual(result.outcome, Result.Outcome.FAILED)
        chart = charts.scores_chart(campaign_figures(district_scope(self.campaign)))
        self.assertEqual(chart.marker, 70)
        self.client.force_login(self.world.leader)
        page = self.client.get(reverse("attempt-review", args=[attempt.pk]))
        self.assertContains(page, "70%")

    def test_a_module_minimum_fails_a_leader_weak_in_one_module(self) -> None:
        self.campaign = set_rules(self.campaign, content1_module_minimum=Decimal(50))
        attempt = self.take()
        self.assertEqual(attempt.module_scores["IU01"]["percent"], "100.00")
        self.assertEqual(attempt.module_scores["IU06"]["percent"], "0.00")
        self.assertFalse(attempt.passed)
        result = Result.objects.get(campaign=self.campaign, person=self.world.leader_person)
        self.assertEqual(result.module_scores, attempt.module_scores)
        self.client.force_login(self.world.leader)
        page = self.client.get(reverse("attempt-review", args=[attempt.pk]))
        self.assertContains(page, "dưới mức tối thiểu")
        content = report_export(
            actor="test", scope=district_scope(self.campaign), identifier="results", fmt="xlsx"
        ).content
        sheet = open_workbook(content)["Lãnh đạo"]
        headers = [cell.value for cell in sheet[4]]
        row = next(
            r
            for r in sheet.iter_rows(min_row=5, values_only=True)
            if r[3] == self.world.leader_person.full_name
        )
        self.assertEqual(row[headers.index("Nội dung 1: IU01 (%)")], 100)
        self.assertEqual(row[headers.index("Nội dung 1: IU06 (%)")], 0)

    def test_without_a_module_minimum_the_same_answers_pass(self) -> None:
        self.assertTrue(self.take().passed)

    def test_the_rules_are_fixed_once_the_first_test_starts(self) -> None:
        self.take()
        self.campaign.refresh_from_db()
        self.assertIsNotNone(self.campaign.rules_fixed_at)
        with self.assertRaises(DomainError):
            set_rules(self.campaign, content1_pass_mark=Decimal(40))
        self.client.force_login(self.world.district_admin)
        page = self.client.get(reverse("campaign-detail", args=[self.campaign.pk]))
        self.assertNotContains(page, reverse("campaign-rules", args=[self.campaign.pk]))
        response = self.client.post(
            reverse("campaign-rules", args=[self.campaign.pk]),
            {"content1_pass_mark": "40", "content2_rule": "all_tasks"},
        )
        self.assertContains(response, "cố định")
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.content1_pass_mark, Decimal(50))


class ContentTwoTests(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        self.task = make_task(self.world)

    def test_the_campaigns_e_office_rule_is_the_one_grading_uses(self) -> None:
        campaign = set_rules(self.task.campaign, content2_rule="min_tasks", content2_min_tasks=3)
        task_start(user=self.world.leader, task=self.task)
        incoming = list(self.task.documents.filter(kind=Kind.INCOMING).order_by("position"))
        for document in incoming[:3]:
            document_forward(
                user=self.world.leader,
                document=document,
                main_handler_id=self.servants[document.scenario.main_handler].pk,
                instruction=INSTRUCTION,
                deadline=document.latest_deadline,
            )
        task = task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)
        self.assertEqual((task.passed_count, task.passed), (3, True))
        result = Result.objects.get(campaign=campaign, person=self.world.leader_person)
        self.assertEqual(result.outcome, Result.Outcome.PASSED)


class RulesPageTests(BaseTestCase):
    def setUp(self) -> None:
        from sathach.campaigns.tests.factories import make_campaign

        self.campaign = make_campaign(self.world, status=Campaign.Status.TESTING)

    def test_the_district_sets_the_rules_on_one_page_and_the_campaign_page_shows_them(
        self,
    ) -> None:
        self.client.force_login(self.world.district_admin)
        url = reverse("campaign-rules", args=[self.campaign.pk])
        response = self.client.post(
            url,
            {
                "content1_pass_mark": "60",
                "content1_module_minimum": "30",
                "content2_rule": "min_tasks",
                "content2_min_tasks": "4",
                "retake_policy": "best",
            },
        )
        self.assertRedirects(response, reverse("campaign-detail", args=[self.campaign.pk]))
        self.campaign.refresh_from_db()
        self.assertEqual(
            (
                self.campaign.content1_pass_mark,
                self.campaign.content1_module_minimum,
                self.campaign.content2_min_tasks,
            ),
            (Decimal(60), Decimal(30), 4),
        )
        self.assertTrue(AuditEntry.objects.filter(action="campaign.rules_set").exists())
        page = self.client.get(reverse("campaign-detail", args=[self.campaign.pk]))
        self.assertContains(page, "ít nhất 60% số điểm")
        self.assertContains(page, "ít nhất 30% ở mỗi mô đun")
        self.assertContains(page, "ít nhất 4 văn bản đạt")
        self.assertEqual(self.campaign.retake_policy, "best")

    def test_a_commune_officer_cannot_change_the_rules(self) -> None:
        self.client.force_login(self.world.commune_officer)
        response = self.client.post(
            reverse("campaign-rules", args=[self.campaign.pk]),
            {"content1_pass_mark": "10", "content2_rule": "all_tasks"},
        )
        self.assertIn(response.status_code, (403, 404))
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.content1_pass_mark, Decimal(50))
