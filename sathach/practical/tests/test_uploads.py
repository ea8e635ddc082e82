"""A leader's file for a practical task: the download carries the attempt's mark, the upload
is checked and kept with its hash and origin, re-uploads keep the history and the last one
before the deadline counts, the grading feeds the result with a reason per criterion, and the
proctor changes one criterion with a reason (issue 18, points 2 and 3)."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sathach.core.models import AuditEntry
from sathach.exams.models import Attempt, AttemptItem, QuestionVersion
from sathach.exams.services.attempts import attempt_start, attempts_regrade
from sathach.organization.testing import BaseTestCase
from sathach.practical import kinds
from sathach.practical.files import embed_mark, mark_for, read_mark
from sathach.practical.models import Grading, Override, Upload
from sathach.practical.tests.helpers import docx_bytes, fake_grader, practical_exam


class PracticalSlotTestCase(BaseTestCase):
    """An examinee in an open attempt with a document task; the grader stands in."""

    def setUp(self) -> None:
        patcher = pytest.MonkeyPatch()
        self.addCleanup(patcher.undo)
        self.grader = fake_grader({"a": "1", "b": "0.5"})
        patcher.setattr(kinds, "grader", lambda kind: self.grader)
        self.session = practical_exam(self.world)
        self.attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)
        attempt_start(
            user=self.world.leader, attempt=self.attempt, access_code=self.session.access_code
        )
        self.attempt.refresh_from_db()
        self.slot = AttemptItem.objects.get(attempt=self.attempt, version__type="document")
        self.login(self.world.leader)

    def download(self) -> bytes:
        response = self.client.get(
            reverse("task-starter", args=[self.attempt.pk, self.slot.position])
        )
        self.assertEqual(response.status_code, 200)
        return response.content

    def upload(self, data: bytes, name: str = "cong-van.docx", token: str | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("task-file", args=[self.attempt.pk, self.slot.position]),
            {"t": token or self.attempt.token, "file": SimpleUploadedFile(name, data)},
        )


class UploadTestCase(PracticalSlotTestCase):
    def test_the_download_carries_this_attempts_mark(self) -> None:
        data = self.download()
        self.assertEqual(read_mark(data), mark_for(self.attempt.pk, self.slot.position))
        self.assertIn(
            "Kính gửi", zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        )

    def test_a_file_made_from_the_download_is_kept_with_its_hash_and_graded_at_submission(
        self,
    ) -> None:
        data = self.download()
        response = self.upload(data)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["file"]["name"], "cong-van.docx")
        upload = Upload.objects.get(item=self.slot)
        self.assertEqual(upload.origin, Upload.Origin.OWN)
        self.assertEqual(len(upload.sha256), 64)
        with upload.file.open("rb") as handle:
            self.assertEqual(handle.read(), data)
        self.assertTrue(AuditEntry.objects.filter(action="exam.practical_uploaded").exists())
        self.client.post(
            reverse("attempt-finish", args=[self.attempt.pk]), {"t": self.attempt.token}
        )
        self.slot.refresh_from_db()
        # a: 2 x 1, b: 1 x 0.5 → 2.5 of 3
        self.assertEqual(self.slot.fraction, Decimal("0.8333333"))
        self.assertEqual(Grading.objects.get(upload=upload).status, Grading.Status.DONE)
        review = self.client.get(reverse("attempt-review", args=[self.attempt.pk]))
        self.assertContains(review, "Tiêu chí A")
        self.assertContains(review, "Lý do b")

    def test_a_file_made_from_another_examinees_download_is_flagged(self) -> None:
        other = Attempt.objects.exclude(pk=self.attempt.pk).get(session=self.session)
        data = embed_mark(docx_bytes("Bài của người khác"), mark_for(other.pk, self.slot.position))
        self.assertEqual(self.upload(data).status_code, 200)
        upload = Upload.objects.get(item=self.slot)
        self.assertEqual((upload.origin, upload.origin_attempt_id), (Upload.Origin.OTHER, other.pk))
        self.assertTrue(upload.flagged)

    def test_a_file_made_from_nothing_where_the_download_was_required_is_flagged(self) -> None:
        self.assertEqual(self.upload(docx_bytes("Tự làm")).status_code, 200)
        self.assertEqual(Upload.objects.get(item=self.slot).origin, Upload.Origin.NONE)

    def test_a_forged_mark_counts_as_no_mark(self) -> None:
        forged = f"sathach:{self.attempt.pk}:{self.slot.position}:0123456789abcdef"
        self.upload(embed_mark(docx_bytes("x"), forged))
        self.assertEqual(Upload.objects.get(item=self.slot).origin, Upload.Origin.NONE)

    def test_files_that_are_not_what_they_say_are_refused_and_nothing_is_kept(self) -> None:
        macro = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(docx_bytes("x"))) as source,
            zipfile.ZipFile(macro, "w") as target,
        ):
            for name in source.namelist():
                target.writestr(name, source.read(name))
            target.writestr("word/vbaProject.bin", b"\x00" * 10)
        linked = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(docx_bytes("x"))) as source,
            zipfile.ZipFile(linked, "w") as target,
        ):
            for name in source.namelist():
                content = source.read(name)
                if name == "word/_rels/document.xml.rels":
                    content = content.replace(
                        b"</Relationships>",
                        b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="http://example.com/a.png" TargetMode="External"/></Relationships>',
                    )
                target.writestr(name, content)
        cases = [
            (b"ma,ten\n1,2\n", "bai.docx", "không phải"),
            (b"ma,ten\n1,2\n", "bai.csv", ".docx"),
            (b"", "bai.docx", "trống"),
            (macro.getvalue(), "bai.docx", "macro"),
            (linked.getvalue(), "bai.docx", "liên kết"),
        ]
        for data, name, words in cases:
            with self.subTest(name=name, words=words):
                response = self.upload(data, name)
                self.assertIn(response.status_code, (400, 409))
                self.assertIn(words, response.json()["error"])
        self.assertFalse(Upload.objects.exists())
        self.slot.refresh_from_db()
        self.assertIsNone(self.slot.response)

    def test_uploads_keep_their_history_and_the_last_one_before_the_deadline_counts(self) -> None:
        self.upload(docx_bytes("lần một"), "lan-1.docx")
        self.upload(docx_bytes("lần hai"), "lan-2.docx")
        self.assertEqual(
            list(Upload.objects.filter(item=self.slot).values_list("name", flat=True)),
            ["lan-1.docx", "lan-2.docx"],
        )
        deadline = self.attempt.deadline
        assert deadline is not None
        with time_machine.travel(deadline + datetime.timedelta(minutes=2)):
            late = self.upload(docx_bytes("muộn"), "muon.docx")
        self.assertEqual(late.status_code, 409)
        self.assertIn("hết giờ", late.json()["error"])
        state = self.client.get(reverse("task-file", args=[self.attempt.pk, self.slot.position]))
        self.assertEqual(state.json()["file"]["name"], "lan-2.docx")

    def test_nobody_else_reaches_the_slot_or_its_download(self) -> None:
        other = self.world.an_thanh_1_chairman.user
        assert other is not None
        self.login(other)
        self.assertEqual(self.upload(docx_bytes("x")).status_code, 404)
        starter = self.client.get(
            reverse("task-starter", args=[self.attempt.pk, self.slot.position])
        )
        self.assertEqual(starter.status_code, 404)
        self.assertFalse(Upload.objects.exists())

    def test_a_browser_that_lost_the_test_to_another_cannot_send_a_file(self) -> None:
        response = self.upload(docx_bytes("x"), token="stale")
        self.assertEqual(response.status_code, 409)
        self.assertIn("máy khác", response.json()["error"])

    def test_the_exam_page_offers_the_download_and_the_upload(self) -> None:
        page = self.client.get(reverse("attempt", args=[self.attempt.pk])).content.decode()
        self.assertIn("data-upload", page)
        self.assertIn("practical/tasks.js", page)
        self.assertIn(reverse("attempt-files", args=[self.attempt.pk]), page)


class OverrideTestCase(PracticalSlotTestCase):
    def submitted(self) -> None:
        self.upload(self.download())
        self.client.post(
            reverse("attempt-finish", args=[self.attempt.pk]), {"t": self.attempt.token}
        )
        self.attempt.refresh_from_db()

    def override(self, **data: str):  # type: ignore[no-untyped-def]
        self.login(self.world.proctor)
        return self.client.post(
            reverse(
                "practical-override", args=[self.session.pk, self.attempt.pk, self.slot.position]
            ),
            {"key": "b", "points": "1", "reason": "Phông chữ đúng, máy chấm đọc sai kiểu", **data},
            follow=True,
        )

    def test_the_proctor_sees_the_files_and_the_grading(self) -> None:
        self.submitted()
        self.login(self.world.proctor)
        page = self.client.get(
            reverse("practical-attempt", args=[self.session.pk, self.attempt.pk])
        )
        self.assertContains(page, "cong-van.docx")
        self.assertContains(page, "Lý do a")

    def test_the_proctor_changes_one_criterion_with_a_reason_and_the_result_follows(self) -> None:
        self.submitted()
        before = self.attempt.score
        response = self.override()
        self.assertEqual(response.status_code, 200)
        override = Override.objects.get(item=self.slot)
        self.assertEqual((override.key, override.points), ("b", Decimal(1)))
        self.attempt.refresh_from_db()
        assert before is not None and self.attempt.score is not None
        self.assertEqual(self.attempt.score - before, Decimal("0.5"))
        self.assertTrue(AuditEntry.objects.filter(action="exam.practical_overridden").exists())
        self.login(self.world.leader)
        review = self.client.get(reverse("attempt-review", args=[self.attempt.pk]))
        self.assertContains(review, "Phông chữ đúng, máy chấm đọc sai kiểu")

    def test_a_change_without_a_reason_or_beyond_the_weight_is_refused(self) -> None:
        self.submitted()
        self.override(reason="  ")
        self.override(points="5")
        self.assertFalse(Override.objects.exists())

    def test_an_examinee_cannot_change_a_criterion(self) -> None:
        self.submitted()
        self.login(self.world.leader)
        response = self.client.post(
            reverse(
                "practical-override", args=[self.session.pk, self.attempt.pk, self.slot.position]
            ),
            {"key": "b", "points": "1", "reason": "tự chấm"},
        )
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(Override.objects.exists())

    def test_regrading_after_a_criterion_was_fixed_grades_the_kept_file_again(self) -> None:
        self.submitted()
        version = self.slot.version
        fixed = QuestionVersion.objects.create(
            question=version.question,
            number=2,
            type=version.type,
            text=version.text,
            data={
                **version.data,
                "criteria": [{"key": "a", "weight": "1"}, {"key": "b", "weight": "3"}],
            },
        )
        version.question.current = fixed
        version.question.save(update_fields=["current"])
        attempts_regrade(actor=self.world.district_admin, session=self.session)
        self.slot.refresh_from_db()
        self.assertEqual(self.slot.version_id, fixed.pk)
        # a: 1 x 1, b: 3 x 0.5 → 2.5 of 4
        self.assertEqual(self.slot.fraction, Decimal("0.6250000"))
        self.assertEqual(Grading.objects.filter(upload__item=self.slot).count(), 2)


class TypingAutosaveTestCase(BaseTestCase):
    def test_a_typing_answer_keeps_whether_it_arrived_decomposed(self) -> None:
        from sathach.exams.services.answers import parse_answers

        typed = "Vie\u0302\u0323t Nam"  # "Việt Nam" in Unicode tổ hợp
        parsed = parse_answers([{"p": 1, "s": 1, "r": {"text": typed, "ms": 5000, "pastes": 0}}])
        self.assertEqual(parsed[1].response["text"], "Việt Nam")
        self.assertTrue(parsed[1].response["decomposed"])
        plain = parse_answers(
            [{"p": 1, "s": 1, "r": {"text": "Việt Nam", "ms": 5000, "pastes": 0}}]
        )
        self.assertNotIn("decomposed", plain[1].response)
        self.assertEqual(json.loads(json.dumps(plain[1].response))["ms"], 5000)


class BlueprintTestCase(PracticalSlotTestCase):
    def test_the_blueprint_page_saves_a_line_of_practical_tasks(self) -> None:
        campaign = self.session.campaign
        self.login(self.world.district_admin)
        page = self.client.get(reverse("blueprint-edit", args=[campaign.pk]))
        self.assertContains(page, "Thực hành: văn bản")

    def test_a_line_of_tasks_the_bank_lacks_is_refused_with_the_kind(self) -> None:
        from sathach.core.errors import DomainError
        from sathach.exams.services.sessions import RuleSpec, blueprint_save

        campaign = self.session.campaign
        ExamSession = type(self.session)
        ExamSession.objects.filter(campaign=campaign).update(prepared_at=None)
        with self.assertRaisesMessage(DomainError, "Thực hành: bảng tính"):
            blueprint_save(
                actor=self.world.district_admin,
                campaign=campaign,
                bank=campaign.blueprint.bank,
                rules=[RuleSpec("IU04", 1, kind="spreadsheet")],
            )
