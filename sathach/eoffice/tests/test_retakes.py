"""A leader who failed the e-office test retakes it when the campaign allows, and the
campaign's retake policy says which result counts."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.pass_rules import campaign_set_pass_rules
from sathach.core.errors import DomainError
from sathach.eoffice.models import Kind, Task
from sathach.eoffice.services.draw import task_prepare_retake
from sathach.eoffice.services.tasks import document_forward, task_start, task_submit
from sathach.eoffice.tests.factories import make_servants, make_task
from sathach.organization.testing import BaseTestCase

INSTRUCTION = "Giao đồng chí chủ trì tham mưu, báo cáo kết quả đúng thời hạn."


class RetakeTests(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        self.task = make_task(self.world)
        self.campaign = self.task.campaign

    def policy(self, value: str) -> None:
        self.campaign = campaign_set_pass_rules(
            actor="test",
            campaign=self.campaign,
            content1_pass_mark=Decimal(50),
            content1_module_minimum=None,
            content2_rule="all_tasks",
            content2_min_tasks=None,
            retake_policy=value,
        )

    def take(self, task: Task, *, forward: int) -> Task:
        task_start(user=self.world.leader, task=task)
        incoming = task.documents.filter(kind=Kind.INCOMING).order_by("position")
        for document in list(incoming)[:forward]:
            document_forward(
                user=self.world.leader,
                document=document,
                main_handler_id=self.servants[document.scenario.main_handler].pk,
                instruction=INSTRUCTION,
                deadline=document.latest_deadline,
            )
        return task_submit(actor=self.world.leader, task=task, by=Task.SubmittedBy.EXAMINEE)

    def outcome(self) -> str:
        return Result.objects.get(
            campaign=self.campaign, person=self.world.leader_person, content=2
        ).outcome

    def test_no_retake_unless_the_campaign_allows_one(self) -> None:
        self.take(self.task, forward=1)
        with self.assertRaises(DomainError):
            task_prepare_retake(
                actor="test", campaign=self.campaign, person=self.world.leader_person
            )

    def test_a_failed_leader_retakes_and_the_better_result_counts(self) -> None:
        self.policy(Campaign.RetakePolicy.BEST)
        first = self.take(self.task, forward=3)
        self.assertFalse(first.passed)
        self.client.force_login(self.world.district_admin)
        self.client.post(
            reverse("eoffice-campaign", args=[self.campaign.pk]), {"action": "retakes"}
        )
        retake = Task.objects.get(campaign=self.campaign, person=self.world.leader_person, round=2)
        self.take(retake, forward=1)
        self.assertEqual(self.outcome(), Result.Outcome.FAILED)
        result = Result.objects.get(
            campaign=self.campaign, person=self.world.leader_person, content=2
        )
        self.assertEqual(result.score, Decimal(3))  # the better of 3 and 1 documents right
        with self.assertRaises(DomainError):  # one retake only
            task_prepare_retake(
                actor="test", campaign=self.campaign, person=self.world.leader_person
            )

    def test_the_retake_counts_under_the_last_policy(self) -> None:
        self.policy(Campaign.RetakePolicy.LAST)
        self.take(self.task, forward=0)
        out = StringIO()
        call_command("eoffice", "prepare-retakes", self.campaign.code, stdout=out)
        self.assertIn("1", out.getvalue())
        retake = Task.objects.get(campaign=self.campaign, person=self.world.leader_person, round=2)
        self.client.force_login(self.world.leader)
        page = self.client.get(reverse("eoffice-my"))
        self.assertContains(page, "thi lại")
        self.take(retake, forward=4)
        # 4 of 5: the outgoing draft is not signed, so still failed, but the retake counts.
        result = Result.objects.get(
            campaign=self.campaign, person=self.world.leader_person, content=2
        )
        self.assertEqual(result.score, Decimal(4))
