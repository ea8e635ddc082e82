"""The demo bank's twelve practical tasks (issue 18, point 5): shipped as data, each valid for
its grader, each starter a real file, loaded once into a bank; each document and spreadsheet
task can be earned (its right answer, made with python-docx or openpyxl, earns 90 % or
more, and the answer with a leader's usual mistakes less); and the demo's practice round
puts them on the leaders' forms, two of whom have taken it with real files."""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import TestCase
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation

from sathach.campaigns.models import Campaign
from sathach.core.audit import AuditAction, AuditEntry
from sathach.core.errors import DomainError
from sathach.exams.models import QuestionBank, QuestionVersion
from sathach.practical import kinds, office
from sathach.practical.demo import FILE_MARK, TYPING_MARK, demo_tasks, demo_tasks_load, task_data
from sathach.practical.demo_answers import answer_file, typed_answer
from sathach.practical.scoring import weight_of

TASKS = demo_tasks()
MODULES = {
    "document": {"IU03"},
    "spreadsheet": {"IU04"},
    "presentation": {"IU05"},
    "typing": {"IU01", "IU03"},
}
OPENERS: dict[str, Callable[[Any], Any]] = {
    "document": Document,
    "spreadsheet": load_workbook,
    "presentation": Presentation,
}
EXTENSIONS = {"document": ".docx", "spreadsheet": ".xlsx"}
needs_office = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice not installed")


def _of(kind: str) -> list[dict[str, Any]]:
    return [task for task in TASKS if task["kind"] == kind]


def _ids(tasks: list[dict[str, Any]]) -> list[str]:
    return [task["key"] for task in tasks]


def share_earned(task: dict[str, Any], data: bytes) -> Decimal:
    """The share of the task's points the file earns."""
    specs = task["criteria"]
    verdicts = kinds.grader(task["kind"]).grade(
        data, EXTENSIONS[task["kind"]], specs, starter=task["starter"]
    )
    total = sum((weight_of(spec) for spec in specs), Decimal(0))
    got = sum((weight_of(s) * v.earned for s, v in zip(specs, verdicts, strict=True)), Decimal(0))
    return got / total


def test_the_demo_ships_twelve_tasks_four_documents_four_spreadsheets_two_and_two() -> None:
    assert len(TASKS) == 12
    assert Counter(task["kind"] for task in TASKS) == {
        "document": 4,
        "spreadsheet": 4,
        "presentation": 2,
        "typing": 2,
    }
    for task in TASKS:
        assert task["module"] in MODULES[task["kind"]], task["key"]
        assert task["category"].startswith(task["module"] + "/"), task["key"]
    assert len({task["title"] for task in TASKS}) == 12


@pytest.mark.parametrize("task", TASKS, ids=_ids(TASKS))
def test_each_task_validates_for_its_grader_and_is_written_in_nfc(task: dict[str, Any]) -> None:
    assert kinds.validate(task["kind"], task_data(task)) == []
    for text in (task["title"], task["statement"], repr(task["starter"]), repr(task["criteria"])):
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    "task",
    [t for t in TASKS if t["kind"] in OPENERS],
    ids=_ids([t for t in TASKS if t["kind"] in OPENERS]),
)
def test_each_file_tasks_starter_opens_with_its_library(task: dict[str, Any]) -> None:
    made = kinds.starter_file(task["kind"], task_data(task))
    assert made
    assert OPENERS[task["kind"]](io.BytesIO(made)) is not None
    assert kinds.starter_wanted(task["kind"], task_data(task))


def test_the_typing_passages_are_about_300_and_500_characters() -> None:
    lengths = sorted(len(task["starter"]["passage"]) for task in _of("typing"))
    assert 250 <= lengths[0] <= 350
    assert 450 <= lengths[1] <= 600


@pytest.mark.django_db
def test_loading_the_tasks_twice_adds_them_once_with_one_audit_entry() -> None:
    bank = QuestionBank.objects.create(name="Ngân hàng thử")
    assert demo_tasks_load(bank) == 12
    assert demo_tasks_load(bank) == 0
    versions = QuestionVersion.objects.filter(question__bank=bank)
    assert versions.count() == 12
    for version in versions.select_related("question__category"):
        task = next(t for t in TASKS if t["title"] == version.title)
        assert version.number == 1
        assert version.question.current_id == version.pk
        assert version.type == task["kind"]
        assert version.text == task["statement"]
        assert version.question.category.path == task["category"]
        assert version.question.category.module == task["module"]
        assert version.data == task_data(task)
        assert version.default_mark == (TYPING_MARK if task["kind"] == "typing" else FILE_MARK)
    entries = AuditEntry.objects.filter(action=AuditAction.QUESTIONS_IMPORTED)
    assert entries.count() == 1
    assert entries.get().summary["imported"] == 12


@pytest.mark.django_db
def test_a_task_that_does_not_validate_is_refused_naming_it_and_nothing_is_added() -> None:
    bank = QuestionBank.objects.create(name="Ngân hàng thử")
    broken = {**TASKS[0], "title": "Công văn hỏng", "criteria": [{"key": "margins", "weight": "0"}]}
    with pytest.raises(DomainError, match="Công văn hỏng"):
        demo_tasks_load(bank, tasks=[TASKS[1], broken])
    assert not QuestionVersion.objects.filter(question__bank=bank).exists()


@pytest.mark.parametrize("task", _of("document"), ids=_ids(_of("document")))
def test_each_document_task_can_be_earned_and_a_leaders_usual_mistakes_lose_points(
    task: dict[str, Any],
) -> None:
    data = task_data(task)
    assert share_earned(task, answer_file("document", data)) >= Decimal("0.9")
    assert share_earned(task, answer_file("document", data, right=False)) < Decimal("0.7")


@needs_office
@pytest.mark.parametrize("task", _of("spreadsheet"), ids=_ids(_of("spreadsheet")))
def test_each_spreadsheet_task_can_be_earned_and_a_leaders_usual_mistakes_lose_points(
    task: dict[str, Any],
) -> None:
    data = task_data(task)
    assert share_earned(task, answer_file("spreadsheet", data)) >= Decimal("0.9")
    assert share_earned(task, answer_file("spreadsheet", data, right=False)) < Decimal("0.7")


@pytest.mark.parametrize("task", _of("typing"), ids=_ids(_of("typing")))
def test_each_passage_typed_right_earns_every_criterion(task: dict[str, Any]) -> None:
    data = task_data(task)
    verdicts = kinds.grader("typing").grade_typed(
        typed_answer(data), data["criteria"], starter=data["starter"]
    )
    assert [v.earned for v in verdicts] == [Decimal(1)] * len(data["criteria"])
    mistaken = kinds.grader("typing").grade_typed(
        typed_answer(data, right=False), data["criteria"], starter=data["starter"]
    )
    assert all(v.earned < 1 for v in mistaken if v.key != "unicode")


class PracticeRoundTestCase(TestCase):
    """The demo's practice round 76/KH-UBND, as `make run` loads it (without the played
    campaign, which does not change)."""

    campaign: Campaign

    @classmethod
    def setUpTestData(cls) -> None:
        from sathach.campaigns.demo import demo_trial_load
        from sathach.organization.demo import demo_organization_load

        demo_organization_load()
        cls.campaign = demo_trial_load()

    def test_a_demo_leader_finds_a_document_a_spreadsheet_and_typing_on_their_form(self) -> None:
        from sathach.exams.models import Attempt

        attempt = Attempt.objects.get(
            session__campaign=self.campaign, user__username="31627.ngantt"
        )
        self.assertEqual(attempt.status, Attempt.Status.READY)
        kinds_drawn = Counter(attempt.items.values_list("version__type", flat=True))
        self.assertEqual(
            {k: kinds_drawn[k] for k in kinds.KINDS},
            {"document": 1, "spreadsheet": 1, "presentation": 0, "typing": 1},
        )
        self.assertEqual(sum(kinds_drawn.values()), 33)
        self.assertEqual(self.campaign.blueprint.duration_minutes, 75)

    def test_two_leaders_took_it_with_real_files_graded_one_right_one_with_mistakes(
        self,
    ) -> None:
        from sathach.campaigns.demo import trial_played_attempts
        from sathach.exams.models import Attempt, ExamSession
        from sathach.organization.models import User
        from sathach.practical.models import Grading, Upload

        session = ExamSession.objects.get(campaign=self.campaign)
        played = trial_played_attempts(session)
        self.assertEqual([a.status for a in played], [Attempt.Status.SUBMITTED] * 2)
        for attempt in played:
            uploads = Upload.objects.filter(item__attempt=attempt)
            self.assertEqual(
                sorted(uploads.values_list("item__version__type", flat=True)),
                ["document", "spreadsheet"],
            )
            self.assertEqual(set(uploads.values_list("origin", flat=True)), {Upload.Origin.OWN})
            gradings = Grading.objects.filter(upload__in=uploads)
            self.assertEqual(set(gradings.values_list("status", flat=True)), {"done"})
        right, mistaken = played
        self.assertGreater(right.score or 0, mistaken.score or 0)
        self.client.force_login(User.objects.get(username="giamthi"))
        page = self.client.get(reverse("practical-attempt", args=[session.pk, mistaken.pk]))
        self.assertContains(page, "bai-lam.docx")
        self.assertContains(page, "bai-lam.xlsx")
        self.assertContains(page, "Times New Roman")
