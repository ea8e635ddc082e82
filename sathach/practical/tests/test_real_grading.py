"""The practical tasks end to end with the real graders: a Công văn made by LibreOffice sent
through the page and graded by the background worker, the review in Vietnamese, the
proctor's page pictures; a typed passage graded from the autosave (issue 18, points 2, 3, 5)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TransactionTestCase
from django.urls import reverse

from sathach.exams.models import Attempt, AttemptItem
from sathach.exams.services.attempts import attempt_start
from sathach.organization.testing import BaseTestCase, World, run_task_worker
from sathach.practical.models import Grading, Upload
from sathach.practical.tests.helpers import practical_exam

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOCUMENT_TASK = {
    "criteria": [
        {"key": "paper", "weight": "1"},
        {"key": "margins", "weight": "2"},
        {"key": "font", "weight": "1"},
        {"key": "national_title", "weight": "2"},
        {"key": "first_line_indent", "weight": "1"},
        {"key": "page_numbers", "weight": "1"},
    ],
    "starter": {"text": "Kính gửi: Ủy ban nhân dân các xã\nNội dung công văn."},
    "starter_required": False,
}
PASSAGE = "Ủy ban nhân dân xã thông báo lịch tiêm chủng mở rộng tháng 12 năm 2026."
TYPING_TASK = {
    "criteria": [
        {"key": "accuracy", "weight": "2"},
        {"key": "unicode", "weight": "1"},
        {"key": "no_paste", "weight": "1"},
    ],
    "starter": {"passage": PASSAGE},
}


class RealGradingSetUp:
    world: Any
    client: Any

    def start(self, kind: str, data: dict[str, Any]) -> None:
        self.session = practical_exam(self.world, kind=kind, data=data)
        self.attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)
        attempt_start(
            user=self.world.leader, attempt=self.attempt, access_code=self.session.access_code
        )
        self.attempt.refresh_from_db()
        self.slot = AttemptItem.objects.get(attempt=self.attempt, version__type=kind)
        self.client.force_login(self.world.leader)

    def submit(self) -> str:
        self.client.post(
            reverse("attempt-finish", args=[self.attempt.pk]), {"t": self.attempt.token}
        )
        self.slot.refresh_from_db()
        return self.client.get(reverse("attempt-review", args=[self.attempt.pk])).content.decode()


class RealGradingTestCase(RealGradingSetUp, BaseTestCase):
    def test_the_proctor_sees_the_file_as_pictures_of_its_pages(self) -> None:
        self.start("document", DOCUMENT_TASK)
        good = (FIXTURES / "document" / "cong_van.odt").read_bytes()
        self.client.post(
            reverse("task-file", args=[self.attempt.pk, self.slot.position]),
            {"t": self.attempt.token, "file": SimpleUploadedFile("cong-van.odt", good)},
        )
        upload = Upload.objects.get(item=self.slot)
        self.client.force_login(self.world.proctor)
        args = [self.session.pk, self.attempt.pk, upload.pk]
        pages = self.client.get(reverse("practical-upload-pages", args=args))
        self.assertContains(pages, reverse("practical-upload-page", args=[*args, 1]))
        picture = self.client.get(reverse("practical-upload-page", args=[*args, 1]))
        self.assertEqual(picture["Content-Type"], "image/png")
        self.assertTrue(picture.content.startswith(b"\x89PNG"))
        self.assertEqual(
            self.client.get(reverse("practical-upload-page", args=[*args, 99])).status_code, 404
        )

    def test_a_passage_typed_in_unicode_to_hop_loses_the_unicode_criterion(self) -> None:
        self.start("typing", TYPING_TASK)
        decomposed = PASSAGE.replace("Ủy", "U\u0309y").replace("thông", "tho\u0302ng")
        saved = self.client.post(
            reverse("attempt-save", args=[self.attempt.pk]),
            json.dumps(
                {
                    "t": self.attempt.token,
                    "a": [
                        {
                            "p": self.slot.position,
                            "s": 1,
                            "r": {"text": decomposed, "ms": 40000, "pastes": 0},
                        }
                    ],
                }
            ),
            content_type="application/json",
        )
        self.assertEqual(saved.status_code, 200)
        review = self.submit()
        # Accuracy (the text is the passage once in NFC) and no paste: 3 of 4 points.
        self.assertEqual(self.slot.fraction, Decimal("0.75"))
        self.assertIn("Unicode dựng sẵn", review)


class BackgroundGradingTestCase(RealGradingSetUp, TransactionTestCase):
    """The grading queued by the upload, run by the background worker (which needs
    transactions of its own)."""

    def setUp(self) -> None:
        self.world = World()

    def test_a_cong_van_made_by_libreoffice_is_graded_in_the_background_and_reviewed(self) -> None:
        self.start("document", DOCUMENT_TASK)
        wrong = (FIXTURES / "document" / "wrong_margins.docx").read_bytes()
        sent = self.client.post(
            reverse("task-file", args=[self.attempt.pk, self.slot.position]),
            {"t": self.attempt.token, "file": SimpleUploadedFile("cong-van.docx", wrong)},
        )
        self.assertEqual(sent.status_code, 200)
        self.assertFalse(sent.json()["file"]["graded"])
        run_task_worker()  # the worker grades it while the leader goes on
        grading = Grading.objects.get(upload__item=self.slot)
        self.assertEqual(grading.status, Grading.Status.DONE)
        state = self.client.get(reverse("task-file", args=[self.attempt.pk, self.slot.position]))
        self.assertTrue(state.json()["file"]["graded"])
        review = self.submit()
        # Everything right but the margins (2 of 8 points).
        assert self.slot.fraction is not None
        self.assertLess(self.slot.fraction, Decimal(1))
        self.assertGreater(self.slot.fraction, Decimal("0.5"))
        self.assertIn("Lề", review)
        self.assertIn("mm", review)
