"""The queue's endpoint: an action is stored once, a late retry never undoes a newer one,
a refused action says why, and after the test nothing is stored."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from sathach.eoffice.models import Kind, Task, TaskDocument
from sathach.eoffice.services.tasks import task_start, task_submit
from sathach.eoffice.tests.factories import make_servants, make_task
from sathach.organization.models import Role
from sathach.organization.testing import BaseTestCase, make_user

INSTRUCTION = "Giao đồng chí chủ trì tham mưu, báo cáo kết quả đúng thời hạn."


class ActionTests(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        self.task = make_task(self.world)
        task_start(user=self.world.leader, task=self.task)
        self.document = self.task.documents.filter(kind=Kind.INCOMING).order_by("position")[0]
        self.client.force_login(self.world.leader)
        self.url = reverse("eoffice-action", args=[self.task.pk])

    def send(self, seq: int, **changes: Any) -> Any:
        data: dict[str, Any] = {
            "position": self.document.position,
            "seq": seq,
            "action": "forward",
            "main_handler": self.servants[self.document.scenario.main_handler].pk,
            "instruction": INSTRUCTION,
            "deadline": self.document.latest_deadline.isoformat()
            if self.document.latest_deadline
            else "",
        }
        data.update(changes)
        return self.client.post(self.url, data)

    def test_a_late_retry_never_undoes_a_newer_action(self) -> None:
        self.assertEqual(self.send(200, instruction="Giao Tư pháp, báo cáo lại").json()["ok"], True)
        self.assertEqual(self.send(100).json()["ok"], True)  # acknowledged, changes nothing
        self.assertEqual(self.send(200).json()["ok"], True)  # the same action resent
        document = TaskDocument.objects.get(pk=self.document.pk)
        self.assertEqual(
            (document.instruction, document.action_seq), ("Giao Tư pháp, báo cáo lại", 200)
        )
        self.assertEqual(document.events.filter(kind="forwarded").count(), 1)

    def test_a_refused_action_says_why_and_a_finished_test_stores_nothing(self) -> None:
        answer = self.send(300, main_handler="")
        self.assertEqual(answer.status_code, 400)
        self.assertTrue(answer.json()["error"])
        task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)
        answer = self.send(400)
        self.assertEqual(answer.status_code, 409)
        self.assertEqual(answer.json()["goto"], reverse("eoffice-result", args=[self.task.pk]))
        self.assertIsNone(TaskDocument.objects.get(pk=self.document.pk).forwarded_at)

    def test_another_leaders_task_is_not_found(self) -> None:
        self.client.force_login(self.world.commune_officer)
        self.assertIn(self.send(500).status_code, (403, 404))

    def test_another_examinees_task_is_answered_as_a_task_that_does_not_exist(self) -> None:
        # Open or over, a task of someone else reveals neither that it exists nor its state.
        self.client.force_login(make_user("anthanh1.chutich", Role.EXAMINEE, self.world.an_thanh_1))

        def page(pk: int, seq: int) -> tuple[int, str]:
            self.url = reverse("eoffice-action", args=[pk])
            answer = self.send(seq)
            text = answer.content.decode().replace(self.url, "URL")
            return answer.status_code, re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", text)

        missing = page(987654321, 500)
        self.assertEqual(missing[0], 404)
        self.assertEqual(page(self.task.pk, 501), missing)
        task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)
        self.assertEqual(page(self.task.pk, 502), missing)
        self.assertIsNone(TaskDocument.objects.get(pk=self.document.pk).forwarded_at)
