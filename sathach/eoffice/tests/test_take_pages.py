"""The examinee's pages without traps: "Nộp bài" asks on a page of its own that lists what is
not done, far from the inbox link; the document comes before the PIN form in the page; the
pages of a document are drawn as pictures for a browser without a PDF viewer."""

from __future__ import annotations

import io
import re

from django.urls import reverse
from PIL import Image

from sathach.eoffice.models import Kind, Task
from sathach.eoffice.services.tasks import document_forward, task_start
from sathach.eoffice.tests.factories import make_servants, make_task
from sathach.organization.models import Role
from sathach.organization.testing import BaseTestCase, make_user

INSTRUCTION = "Giao đồng chí chủ trì tham mưu, báo cáo kết quả đúng thời hạn."


class TakePagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        self.task = task_start(user=self.world.leader, task=make_task(self.world))
        self.login(self.world.leader)

    def document_url(self, kind: str) -> str:
        document = self.task.documents.filter(kind=kind).first()
        assert document is not None
        return reverse("eoffice-document", args=[self.task.pk, document.position])


class SubmitConfirmationTests(TakePagesTestCase):
    def test_the_submit_page_lists_each_document_not_forwarded_and_the_draft_not_signed(
        self,
    ) -> None:
        first, *rest = self.task.documents.filter(kind=Kind.INCOMING).select_related("scenario")
        document_forward(
            user=self.world.leader,
            document=first,
            main_handler_id=self.servants[first.scenario.main_handler].pk,
            instruction=INSTRUCTION,
            deadline=first.latest_deadline,
        )
        page = self.client.get(reverse("eoffice-finish", args=[self.task.pk]))
        self.assertContains(page, "Còn 4 văn bản chưa xử lý xong")
        for document in rest:
            self.assertContains(page, document.scenario.number)
        self.assertContains(page, "chưa chuyển xử lý", count=3)
        draft = self.task.documents.get(kind=Kind.OUTGOING)
        self.assertContains(page, f"Dự thảo văn bản đi {draft.scenario.number}")
        self.assertContains(page, "chưa ký số", count=1)
        self.assertNotContains(page, f"Văn bản đến {first.scenario.number}")
        self.assertContains(page, 'id="finish-form"')
        # Asking submits nothing.
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Task.Status.IN_PROGRESS)
        response = self.client.post(reverse("eoffice-finish", args=[self.task.pk]))
        self.assertRedirects(response, reverse("eoffice-result", args=[self.task.pk]))
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Task.Status.SUBMITTED)

    def test_the_bar_leads_to_the_submit_page_at_its_far_end_not_to_a_submission(self) -> None:
        page = self.client.get(reverse("eoffice-inbox", args=[self.task.pk]))
        bar = re.search(r'<div class="exam-bar">(.*?)</div>', page.content.decode(), re.S)
        assert bar is not None
        finish = reverse("eoffice-finish", args=[self.task.pk])
        self.assertIn(f'<a class="button finish" href="{finish}">Nộp bài…</a>', bar.group(1))
        self.assertNotIn("<form", bar.group(1))
        # The inbox link comes right after the title; "Nộp bài" is the bar's last item.
        inbox = bar.group(1).index(reverse("eoffice-inbox", args=[self.task.pk]))
        self.assertLess(inbox, bar.group(1).index("clock"))
        self.assertGreater(bar.group(1).index(finish), bar.group(1).index("clock"))

    def test_another_examinee_gets_no_submit_page(self) -> None:
        other = make_user("31618.binhnv", Role.EXAMINEE, self.world.an_thanh_1)
        self.login(other)
        url = reverse("eoffice-finish", args=[self.task.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Task.Status.IN_PROGRESS)


class DocumentViewerTests(TakePagesTestCase):
    def test_the_document_comes_before_the_pin_form_in_the_page(self) -> None:
        html = self.client.get(self.document_url(Kind.OUTGOING)).content.decode()
        self.assertLess(html.index('class="document-viewer"'), html.index('name="pin"'))
        self.assertLess(html.index("<iframe"), html.index('name="pin"'))
        self.assertIn("Xem dạng ảnh", html)

    def test_the_pages_are_shown_as_images_on_request(self) -> None:
        url = self.document_url(Kind.INCOMING)
        html = self.client.get(url, {"xem": "anh"}).content.decode()
        self.assertNotIn("<iframe", html)
        self.assertIn("Xem dạng PDF", html)
        sources = re.findall(r'<img src="([^"]+)"', html)
        self.assertGreaterEqual(len(sources), 1)
        image = self.client.get(sources[0].replace("&amp;", "&"))
        self.assertEqual(image["Content-Type"], "image/png")
        self.assertIn("max-age", image["Cache-Control"])
        picture = Image.open(io.BytesIO(image.content))
        self.assertGreater(picture.height, picture.width)  # an A4 page, upright
        self.assertGreaterEqual(picture.width, 800)

    def test_the_pdf_page_carries_the_pictures_for_a_browser_without_a_pdf_viewer(self) -> None:
        html = self.client.get(self.document_url(Kind.INCOMING)).content.decode()
        self.assertIn('<div class="page-images" hidden>', html)
        self.assertRegex(html, r'<img data-src="[^"]+/trang/1/\?v=[0-9a-f]{16}"')
        self.assertIn("eoffice/viewer.js", html)

    def test_a_page_that_does_not_exist_and_another_examinees_page_are_not_found(self) -> None:
        document = self.task.documents.first()
        assert document is not None
        url = reverse("eoffice-page-image", args=[self.task.pk, document.position, 99])
        self.assertEqual(self.client.get(url).status_code, 404)
        other = make_user("31618.binhnv", Role.EXAMINEE, self.world.an_thanh_1)
        self.login(other)
        url = reverse("eoffice-page-image", args=[self.task.pk, document.position, 1])
        self.assertEqual(self.client.get(url).status_code, 404)
