"""The question bank's editor of practical tasks (practical/views_bank.py, practical/bank.py)
and their import through the bank's Excel workbook."""

from __future__ import annotations

import io
from typing import Any

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from sathach.core.models import AuditEntry
from sathach.exams.models import AttemptItem, Question
from sathach.exams.tests.factories import make_bank, make_exam
from sathach.organization.testing import BaseTestCase, World, run_task_worker
from sathach.practical.bank import task_create, task_revise
from sathach.practical.formats import HEADERS
from sathach.practical.tests.fake_graders import fake_graders
from sathach.tests.test_crawl_vietnamese import VisibleText, problems_in

CRITERIA = [
    {"key": "margins", "weight": "2", "params": {"left": [25, 30]}},
    {"key": "font", "weight": "1", "params": {}},
]


def form_post(**changes: Any) -> dict[str, Any]:
    """The editor's fields for a document task with margins and font chosen."""
    data = {
        "title": "Công văn tập huấn",
        "module": "IU03",
        "topic": "Soạn thảo",
        "difficulty": "hard",
        "text": "Định dạng công văn.",
        "starter": "ỦY BAN NHÂN DÂN XÃ\nV/v tập huấn",
        "starter_required": "on",
        "c-margins-on": "on",
        "c-margins-weight": "2",
        "c-margins-p-left-min": "25",
        "c-margins-p-left-max": "30",
        "c-margins-p-top-min": "20",
        "c-margins-p-top-max": "25",
        "c-margins-extra": "",
        "c-font-on": "on",
        "c-font-weight": "1",
        "c-font-p-name": "Times New Roman",
        "c-page_numbers-p-from_second": "on",
        "c-spacing-p-between_min": "6",
        "c-contains_text-p-phrases": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class TaskEditorSetUp:
    """A district's bank of one question per topic, the graders standing in."""

    world: Any
    addCleanup: Any

    def setUp(self) -> None:
        self.w: Any = self.world
        self.bank = make_bank(per_topic=1)
        patcher = fake_graders()
        patcher.__enter__()
        self.addCleanup(patcher.__exit__, None, None, None)

    def add_task(self) -> Question:
        return task_create(
            actor=self.w.district_admin,
            bank=self.bank,
            kind="document",
            text="Định dạng công văn.",
            category="IU03/Soạn thảo",
            starter={"text": "ỦY BAN NHÂN DÂN XÃ"},
            starter_required=True,
            criteria=CRITERIA,
        )

    def visible(self, response: Any) -> str:
        parser = VisibleText()
        parser.feed(response.content.decode())
        return "\n".join(parser.parts)


class TaskEditorTests(TaskEditorSetUp, BaseTestCase):
    def test_a_district_admin_adds_a_document_task_from_the_bank(self) -> None:
        self.login(self.w.district_admin)
        listing = self.client.get(reverse("question-list") + f"?bank={self.bank.pk}")
        add = reverse("task-add") + f"?bank={self.bank.pk}"
        self.assertContains(listing, f'href="{add}"')
        choose = self.client.get(add)
        self.assertContains(choose, f'href="{add}&amp;kind=document"')
        page = self.client.get(add + "&kind=document")
        self.assertContains(page, 'name="c-margins-p-left-min" value="30"')
        self.assertContains(page, "Lề trái (mm)")
        response = self.client.post(add + "&kind=document", form_post())
        question = Question.objects.get(current__type="document")
        self.assertRedirects(response, reverse("question-detail", args=[question.pk]))
        assert question.current is not None
        self.assertEqual(question.category.path, "IU03/Soạn thảo")
        self.assertEqual(question.difficulty, "hard")
        self.assertEqual(
            question.current.data,
            {
                "criteria": CRITERIA,
                "starter": {"text": "ỦY BAN NHÂN DÂN XÃ\nV/v tập huấn"},
                "starter_required": True,
            },
        )
        self.assertTrue(AuditEntry.objects.filter(action="exam.questions_imported").exists())

    def test_an_edit_of_an_unused_task_keeps_its_version(self) -> None:
        question = self.add_task()
        self.login(self.w.district_admin)
        edit = reverse("question-edit", args=[question.pk])
        self.assertRedirects(self.client.get(edit), reverse("task-edit", args=[question.pk]))
        page = self.client.get(reverse("task-edit", args=[question.pk]))
        self.assertContains(page, 'name="c-margins-p-left-min" value="25"')
        self.client.post(reverse("task-edit", args=[question.pk]), form_post(**{"c-font-on": None}))
        question.refresh_from_db()
        assert question.current is not None
        self.assertEqual(question.versions.count(), 1)
        self.assertEqual(question.current.number, 1)
        self.assertEqual([c["key"] for c in question.current.data["criteria"]], ["margins"])
        self.assertTrue(AuditEntry.objects.filter(action="exam.question_revised").exists())

    def test_an_edit_of_a_task_an_attempt_used_makes_a_new_version(self) -> None:
        make_exam(self.w)
        question = self.add_task()
        first = question.current
        item = AttemptItem.objects.order_by("pk").first()
        assert item is not None and first is not None
        AttemptItem.objects.filter(pk=item.pk).update(version=first)
        version = task_revise(
            actor=self.w.district_admin,
            question=question,
            text="Đề mới.",
            category="IU03/Soạn thảo",
            criteria=CRITERIA[:1],
        )
        self.assertEqual(version.number, 2)
        first.refresh_from_db()
        self.assertEqual(first.text, "Định dạng công văn.")
        self.assertEqual(AttemptItem.objects.get(pk=item.pk).version_id, first.pk)

    def test_a_refused_parameter_shows_its_reason_beside_its_criterion_and_stores_nothing(
        self,
    ) -> None:
        self.login(self.w.district_admin)
        url = reverse("task-add") + f"?bank={self.bank.pk}&kind=document"
        response = self.client.post(
            url, form_post(**{"c-margins-p-left-min": "2", "c-font-weight": "nhiều"})
        )
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        margins = page.index('name="c-margins-on"')
        font = page.index('name="c-font-on"')
        reason = page.index("Lề trái phải từ 10 đến 60 mm.")
        self.assertLess(margins, reason)
        self.assertLess(reason, font)
        self.assertFalse(Question.objects.filter(current__type="document").exists())

    def test_the_detail_page_shows_the_task_and_gives_its_author_the_starter(self) -> None:
        question = self.add_task()
        self.login(self.w.district_admin)
        page = self.client.get(reverse("question-detail", args=[question.pk]))
        self.assertContains(page, "Lề trái (mm)")
        self.assertContains(page, "25-30")
        self.assertContains(page, "Phông chữ")
        self.assertContains(page, "ỦY BAN NHÂN DÂN XÃ")
        starter = reverse("task-starter-author", args=[question.pk])
        self.assertContains(page, f'href="{starter}"')
        document = docx.Document(io.BytesIO(self.client.get(starter).content))
        self.assertEqual(document.paragraphs[0].text, "ỦY BAN NHÂN DÂN XÃ")

    def test_a_commune_officer_and_an_examinee_cannot_reach_the_editor(self) -> None:
        question = self.add_task()
        for user in (self.w.commune_officer, self.w.leader):
            self.login(user)
            for url in (
                reverse("task-add") + f"?bank={self.bank.pk}&kind=document",
                reverse("task-edit", args=[question.pk]),
                reverse("task-starter-author", args=[question.pk]),
                reverse("question-template"),
            ):
                self.assertIn(self.client.get(url).status_code, (403, 404), (user, url))
            self.client.post(reverse("task-edit", args=[question.pk]), form_post(text="Đổi."))
        question.refresh_from_db()
        assert question.current is not None
        self.assertEqual(question.current.text, "Định dạng công văn.")

    def test_the_editor_and_detail_pages_read_vietnamese(self) -> None:
        question = self.add_task()
        self.login(self.w.district_admin)
        for url in (
            reverse("task-add") + f"?bank={self.bank.pk}",
            reverse("task-add") + f"?bank={self.bank.pk}&kind=spreadsheet",
            reverse("task-edit", args=[question.pk]),
            reverse("question-detail", args=[question.pk]),
            reverse("question-list") + f"?bank={self.bank.pk}",
        ):
            self.assertEqual(list(problems_in(self.visible(self.client.get(url)))), [], url)

    def test_a_wrong_criteria_cell_is_shown_at_its_place_and_nothing_is_stored(self) -> None:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Văn bản"
        sheet.append(list(HEADERS.values()))
        sheet.append(["IU03/Soạn thảo", "", "Một", "Đề một", "", "", "font | 1"])
        sheet.append(["IU03/Soạn thảo", "", "Hai", "Đề hai", "", "", "lề | 1"])
        output = io.BytesIO()
        book.save(output)
        self.login(self.w.district_admin)
        response = self.client.post(
            reverse("question-import"),
            {
                "file": SimpleUploadedFile("bai.xlsx", output.getvalue()),
                "format": "",
                "bank": "default",
            },
        )
        place = _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s") % {
            "sheet": "Văn bản",
            "row": 3,
            "column": "G (Tiêu chí)",
            "message": "",
        }
        self.assertContains(response, place.strip())
        self.assertNotIn("question_import", self.client.session)
        self.assertFalse(Question.objects.filter(current__type="document").exists())


class TaskImportJobTests(TaskEditorSetUp, TransactionTestCase):
    """The import runs on the background worker, which needs transactions of its own."""

    def setUp(self) -> None:
        self.world = World()
        super().setUp()

    def test_an_exported_bank_imports_its_tasks_back_through_the_preview(self) -> None:
        question = self.add_task()
        self.client.force_login(self.w.district_admin)
        listing = self.client.get(reverse("question-list") + f"?bank={self.bank.pk}")
        self.assertContains(listing, "GIFT")
        exported = self.client.get(
            reverse("question-export") + f"?bank={self.bank.pk}&format=xlsx"
        ).content
        self.assertEqual(
            load_workbook(io.BytesIO(exported))["Văn bản"]["D2"].value, "Định dạng công văn."
        )
        gift = self.client.get(reverse("question-export") + f"?bank={self.bank.pk}&format=gift")
        self.assertNotIn("Định dạng công văn", gift.content.decode())
        response = self.client.post(
            reverse("question-import"),
            {"file": SimpleUploadedFile("nh.xlsx", exported), "format": "", "bank": "Bản sao"},
        )
        self.assertEqual(response.status_code, 200)
        self.client.post(reverse("question-import-confirm"))
        run_task_worker()
        copy = Question.objects.get(bank__name="Bản sao", current__type="document")
        assert copy.current is not None and question.current is not None
        self.assertEqual(copy.current.data, question.current.data)
        self.assertEqual(Question.objects.filter(bank__name="Bản sao").count(), 13)
