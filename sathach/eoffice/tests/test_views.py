from __future__ import annotations

from django.urls import reverse

from sathach.eoffice.models import Kind, Task, TaskDocument
from sathach.eoffice.services.tasks import document_forward, task_start
from sathach.eoffice.tests.factories import make_servants, make_task
from sathach.organization.models import Role
from sathach.organization.testing import BaseTestCase, make_user


class ExamineeViewTests(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        self.task = make_task(self.world)

    def test_the_examinee_starts_forwards_submits_and_reads_the_reasons(self) -> None:
        self.login(self.world.leader)
        page = self.client.get(reverse("eoffice-my"))
        self.assertContains(page, reverse("eoffice-begin", args=[self.task.pk]))
        response = self.client.post(reverse("eoffice-begin", args=[self.task.pk]))
        self.assertRedirects(response, reverse("eoffice-inbox", args=[self.task.pk]))
        inbox = self.client.get(reverse("eoffice-inbox", args=[self.task.pk]))
        self.assertContains(inbox, "Chưa xử lý (5)")
        document = self.task.documents.filter(kind=Kind.INCOMING).first()
        assert document is not None
        url = reverse("eoffice-document", args=[self.task.pk, document.position])
        page = self.client.get(url)
        self.assertContains(page, document.scenario.number)
        self.assertContains(page, "Chuyển xử lý")
        pdf = self.client.get(reverse("eoffice-pdf", args=[self.task.pk, document.position]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        response = self.client.post(
            url,
            {
                "action": "forward",
                "main_handler": self.servants[document.scenario.main_handler].pk,
                "instruction": "ok",
                "deadline": document.latest_deadline.isoformat()
                if document.latest_deadline
                else "",
            },
        )
        self.assertRedirects(response, url)
        document.refresh_from_db()
        self.assertEqual(document.state, TaskDocument.State.DONE)
        self.client.post(reverse("eoffice-finish", args=[self.task.pk]))
        result = self.client.get(reverse("eoffice-result", args=[self.task.pk]))
        self.assertContains(result, "Không đạt")
        self.assertContains(result, "quá sơ sài")  # the placeholder instruction's reason

    def test_another_examinee_sees_none_of_the_task(self) -> None:
        other = make_user("31618.binhnv", Role.EXAMINEE, self.world.an_thanh_1)
        self.login(other)
        document = self.task.documents.first()
        assert document is not None
        for url in (
            reverse("eoffice-inbox", args=[self.task.pk]),
            reverse("eoffice-document", args=[self.task.pk, document.position]),
            reverse("eoffice-pdf", args=[self.task.pk, document.position]),
            reverse("eoffice-result", args=[self.task.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(
            self.client.post(reverse("eoffice-begin", args=[self.task.pk])).status_code, 404
        )
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Task.Status.READY)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self) -> None:
        response = self.client.get(reverse("eoffice-inbox", args=[self.task.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_staff_without_the_examinee_role_are_refused(self) -> None:
        self.login(self.world.district_admin)
        self.assertEqual(self.client.get(reverse("eoffice-my")).status_code, 403)


class ReviewViewTests(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        self.task = make_task(self.world)

    def test_the_proctor_sees_the_examinees_actions(self) -> None:
        self.login(self.world.proctor)
        page = self.client.get(reverse("eoffice-campaign", args=[self.task.campaign.pk]))
        self.assertContains(page, self.world.leader_person.full_name)
        self.assertEqual(
            self.client.get(reverse("eoffice-review", args=[self.task.pk])).status_code, 200
        )

    def test_the_review_page_tells_each_action_in_words_not_stored_keys(self) -> None:
        task = task_start(user=self.world.leader, task=self.task)
        document = task.documents.filter(kind=Kind.INCOMING).select_related("scenario").first()
        assert document is not None and document.latest_deadline is not None
        handler = self.servants[document.scenario.main_handler]
        document_forward(
            user=self.world.leader,
            document=document,
            main_handler_id=handler.pk,
            instruction="Giao đồng chí chủ trì tham mưu",
            deadline=document.latest_deadline,
        )
        self.login(self.world.proctor)
        page = self.client.get(reverse("eoffice-review", args=[task.pk]))
        self.assertContains(page, f"xử lý chính: {handler.full_name}")
        self.assertContains(page, f"hạn xử lý {document.latest_deadline:%d/%m/%Y}")
        self.assertNotContains(page, "main_handler")
        self.assertNotContains(page, "instruction:")

    def test_the_district_admin_draws_documents(self) -> None:
        self.login(self.world.district_admin)
        response = self.client.post(
            reverse("eoffice-campaign", args=[self.task.campaign.pk]), {"action": "prepare"}
        )
        self.assertEqual(response.status_code, 302)

    def test_an_outsider_and_an_examinee_see_nothing(self) -> None:
        self.login(self.world.outsider)
        self.assertEqual(
            self.client.get(reverse("eoffice-review", args=[self.task.pk])).status_code, 404
        )
        self.login(self.world.leader)
        self.assertEqual(
            self.client.get(reverse("eoffice-review", args=[self.task.pk])).status_code, 403
        )
