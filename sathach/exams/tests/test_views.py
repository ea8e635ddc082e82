from __future__ import annotations

import json
from typing import Any

from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from sathach.campaigns.models import Result
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry, Job
from sathach.exams.models import Attempt, ExamSession, Incident
from sathach.exams.services.attempts import attempt_start
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase, World


class ExamineeFlowTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.session = make_exam(self.world, review_answers="immediately", review_key="after_close")
        self.attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)
        self.login(self.world.leader)

    def begin(self) -> None:
        response = self.client.post(
            reverse("attempt-begin", args=[self.attempt.pk]),
            {"code": self.session.access_code.lower()},
        )
        # The code's answer is the test page itself, which this browser holds.
        self.assertEqual(response.status_code, 200)
        self.attempt.refresh_from_db()
        self.assertContains(response, f'data-token="{self.attempt.token}"')
        self.assertContains(
            response, f'data-page-url="{reverse("attempt", args=[self.attempt.pk])}"'
        )

    def save(self, token: str, answers: list[dict[str, object]]) -> dict[str, object]:
        response = self.client.post(
            reverse("attempt-save", args=[self.attempt.pk]),
            json.dumps({"t": token, "a": answers}),
            content_type="application/json",
        )
        return response.json()

    def test_the_waiting_room_refreshes_until_the_session_opens(self) -> None:
        ExamSession.objects.filter(pk=self.session.pk).update(status="scheduled")
        response = self.client.get(reverse("my-tests"))
        self.assertContains(response, 'data-live-seconds="60"')
        # The code box waits already: the code is typed as soon as the proctor reads it.
        self.assertContains(response, 'name="code"')
        self.assertEqual(response["Cache-Control"].split(", ")[0], "max-age=0")

    def test_the_refreshed_list_is_the_list_alone(self) -> None:
        # live.js swaps this reply into the page's box: a whole page there would nest the
        # header and menu inside the list.
        ExamSession.objects.filter(pk=self.session.pk).update(status="scheduled")
        waiting = self.client.get(reverse("my-tests"), {"part": "list"})
        self.assertContains(waiting, "Đang chờ giám thị mở ca thi")
        self.assertNotContains(waiting, "<html")
        self.assertNotContains(waiting, "data-live-url")
        ExamSession.objects.filter(pk=self.session.pk).update(status="open")
        opened = self.client.get(reverse("my-tests"), {"part": "list"})
        self.assertContains(opened, 'name="code"')
        self.assertContains(opened, 'name="csrfmiddlewaretoken"')
        self.assertNotContains(opened, "<header")

    def test_the_exam_page_carries_no_key_and_stays_light(self) -> None:
        self.begin()
        response = self.client.get(reverse("attempt", args=[self.attempt.pk]))
        page = response.content.decode()
        self.assertIn("Phương án A", page)
        self.assertNotIn("fraction", page)
        self.assertNotIn("feedback", page)
        self.assertLess(len(response.content), 100_000)
        self.assertEqual(page.count('class="q"'), 12)

    def test_an_examinee_answers_submits_and_reads_the_result(self) -> None:
        self.begin()
        self.client.get(reverse("attempt", args=[self.attempt.pk]))
        self.attempt.refresh_from_db()
        token = self.attempt.token
        answers = [{"p": p, "s": p, "r": {"choice": 0}} for p in range(1, 8)]
        reply = self.save(token, answers)
        self.assertEqual(reply["state"], "open")
        self.assertEqual(reply["ack"], {str(p): p for p in range(1, 8)})
        response = self.client.post(
            reverse("attempt-finish", args=[self.attempt.pk]), {"t": token}, follow=True
        )
        self.assertContains(response, "58,33")
        self.assertContains(response, "Đạt")
        self.assertNotContains(response, "Đáp án đúng")
        result = Result.objects.get(person=self.world.leader_person, content=1)
        self.assertEqual(result.outcome, "passed")

    def test_a_page_opened_elsewhere_takes_the_attempt_over(self) -> None:
        self.begin()
        self.client.get(reverse("attempt", args=[self.attempt.pk]))
        self.attempt.refresh_from_db()
        first = self.attempt.token
        self.client.get(reverse("attempt", args=[self.attempt.pk]))
        self.assertEqual(
            self.save(first, [{"p": 1, "s": 1, "r": {"choice": 0}}])["state"], "unknown"
        )

    def test_a_foreign_token_is_answered_as_an_attempt_that_does_not_exist(self) -> None:
        self.begin()
        answers = [{"p": 1, "s": 1, "r": {"choice": 0}}]
        url = reverse("attempt-save", args=[987654321])
        missing = self.client.post(url, json.dumps({"t": "x", "a": answers}), "application/json")
        self.assertEqual(missing.json(), {"state": "unknown", "left": 0, "ack": {}})
        for token in ["forged", "giả mạo", ""]:
            reply = self.client.post(
                reverse("attempt-save", args=[self.attempt.pk]),
                json.dumps({"t": token, "a": answers}),
                content_type="application/json",
            )
            self.assertEqual(
                (reply.status_code, reply.content), (missing.status_code, missing.content)
            )
        self.assertIsNone(self.attempt.items.get(position=1).response)

    def test_malformed_saves_get_a_clear_status_not_a_crash(self) -> None:
        url = reverse("attempt-save", args=[self.attempt.pk])
        self.assertEqual(
            self.client.post(url, "nope", content_type="application/json").status_code, 400
        )
        self.assertEqual(
            self.client.post(url, "{}", content_type="application/json").status_code, 400
        )

    def test_another_examinee_cannot_open_this_attempt(self) -> None:
        other = Attempt.objects.get(session=self.session, person=self.world.an_thanh_1_chairman)
        for name in ("attempt", "attempt-review"):
            self.assertEqual(self.client.get(reverse(name, args=[other.pk])).status_code, 404)
        response = self.client.post(
            reverse("attempt-begin", args=[other.pk]), {"code": self.session.access_code}
        )
        self.assertEqual(response.status_code, 404)


class ProctorConsoleTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.session = make_exam(self.world, session_status="scheduled")

    def test_the_proctor_opens_pauses_resumes_and_closes_the_session(self) -> None:
        from sathach.campaigns.models import Campaign  # noqa: F401

        self.login(self.world.proctor)
        console = reverse("session-console", args=[self.session.pk])
        response = self.client.get(console)
        self.assertContains(response, self.session.access_code)
        self.assertContains(response, "Trần Thị Ngân")
        for action, data, status in (
            ("open", {}, "open"),
            ("pause", {"reason": "Mất điện"}, "paused"),
            ("resume", {}, "open"),
            ("close", {}, "closed"),
        ):
            self.client.post(reverse("session-control", args=[self.session.pk, action]), data)
            self.session.refresh_from_db()
            self.assertEqual(self.session.status, status, action)
        part = self.client.get(console, {"part": "table"})
        self.assertNotContains(part, "<html")
        self.assertEqual(
            Result.objects.filter(campaign=self.session.campaign, outcome="absent").count(), 2
        )

    def test_the_proctor_sees_and_unlocks_an_examinee_locked_by_wrong_codes(self) -> None:
        ExamSession.objects.filter(pk=self.session.pk).update(status="open")
        attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)
        for _try in range(5):
            attempt.refresh_from_db()
            with self.assertRaises(DomainError):
                attempt_start(user=self.world.leader, attempt=attempt, access_code="SAI")
        self.login(self.world.proctor)
        console = reverse("session-console", args=[self.session.pk])
        table = self.client.get(console, {"part": "table"})
        self.assertContains(table, "Nhập sai mã vào thi: bị khóa đến")
        unlock = reverse("attempt-control", args=[self.session.pk, attempt.pk, "unlock-code"])
        self.assertContains(table, f'action="{unlock}"')

        refused = self.client.post(unlock, {"reason": ""}, follow=True)
        self.assertContains(refused, "Hãy ghi lý do mở khóa.")
        done = self.client.post(unlock, {"reason": "Gõ nhầm bàn phím"}, follow=True)
        self.assertContains(done, "có thể nhập lại mã vào thi")
        self.assertNotContains(done, "bị khóa đến")
        attempt.refresh_from_db()
        self.assertIsNone(attempt.codes_locked_until)
        self.assertEqual(attempt.wrong_codes, 0)
        incident = Incident.objects.get(attempt=attempt)
        self.assertEqual(incident.kind, Incident.Kind.CODE_UNLOCK)
        self.assertEqual(incident.by, self.world.proctor)
        self.assertTrue(AuditEntry.objects.filter(action="exam.code_unlocked").exists())
        again = self.client.post(unlock, {"reason": "Lần nữa"}, follow=True)
        self.assertContains(again, "Thí sinh này không bị khóa nhập mã vào thi.")
        started = attempt_start(
            user=self.world.leader, attempt=attempt, access_code=self.session.access_code
        )
        self.assertEqual(started.status, Attempt.Status.IN_PROGRESS)

    def test_a_proctor_of_another_district_sees_nothing(self) -> None:
        self.login(self.world.outsider)
        response = self.client.get(reverse("session-console", args=[self.session.pk]))
        self.assertEqual(response.status_code, 404)


class ReviewOptionsTestCase(BaseTestCase):
    def test_the_key_is_shown_only_when_the_review_options_allow(self) -> None:
        from sathach.exams.services.attempts import attempt_start, attempt_submit
        from sathach.exams.services.sessions import session_close

        session = make_exam(self.world, review_answers="after_close", review_key="after_close")
        attempt = Attempt.objects.get(session=session, person=self.world.leader_person)
        attempt = attempt_start(
            user=self.world.leader, attempt=attempt, access_code=session.access_code
        )
        attempt_submit(actor=self.world.leader, attempt=attempt, by="examinee")
        self.login(self.world.leader)
        review = reverse("attempt-review", args=[attempt.pk])
        response = self.client.get(review)
        self.assertContains(response, "Điểm")
        self.assertNotContains(response, "Đáp án đúng")
        self.assertNotContains(response, "Phương án A")
        session_close(actor=self.world.proctor, session=session)
        response = self.client.get(review)
        self.assertContains(response, "Đáp án đúng: Phương án A")


class QuestionBankViewTestCase(BaseTestCase):
    def test_search_finds_questions_with_or_without_diacritics(self) -> None:
        from sathach.exams.tests.factories import make_bank

        make_bank(per_topic=1)
        self.login(self.world.district_admin)
        for query in ("chủ đề hai", "chu de hai", "CHU DE HAI"):
            response = self.client.get(reverse("question-list"), {"q": query, "module": "IU03"})
            self.assertContains(response, "IU03/Chủ đề hai câu 1")
            self.assertNotContains(response, "IU03/Chủ đề một")


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class QuestionImportPageTestCase(TransactionTestCase):
    """The confirmation runs in the real database worker: TransactionTestCase, because the
    worker commits and closes its connection."""

    def setUp(self) -> None:
        self.world = World()

    def login(self, user: Any) -> None:
        self.client.force_login(user)

    def upload(self, name: str) -> Any:
        from pathlib import Path

        from django.core.files.uploadedfile import SimpleUploadedFile

        data = (Path(__file__).parent / "data" / name).read_bytes()
        return self.client.post(
            reverse("question-import"),
            {"file": SimpleUploadedFile(name, data), "format": "", "bank": "default"},
        )

    def test_an_import_is_previewed_then_stored(self) -> None:
        from sathach.exams.models import Question

        self.login(self.world.district_admin)
        response = self.upload("sample.gift")
        self.assertContains(response, "Lưu các câu hỏi này")
        self.assertFalse(Question.objects.exists())
        response = self.client.post(reverse("question-import-confirm"))
        job = Job.objects.get(kind=Job.Kind.QUESTION_IMPORT)
        self.assertRedirects(response, reverse("job-detail", args=[job.pk]))
        self.assertFalse(Question.objects.exists())  # stored by the worker

        call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)

        page = self.client.get(reverse("job-detail", args=[job.pk]))
        self.assertContains(page, "Đã nhập")
        self.assertContains(page, f'href="{reverse("question-list")}"')
        self.assertTrue(Question.objects.exists())
        self.assertTrue(AuditEntry.objects.filter(action="exam.questions_imported").exists())

    def test_the_import_preview_names_each_question_s_type_and_difficulty(self) -> None:
        self.login(self.world.district_admin)
        response = self.upload("sample.gift")
        page = response.content.decode()
        self.assertIn("(Một đáp án đúng, trung bình)", page)
        self.assertNotIn(", medium)", page)

    def test_an_import_whose_file_is_gone_fails_on_the_job_page_and_stores_nothing(
        self,
    ) -> None:
        from sathach.core.jobs import job_files_dir
        from sathach.exams.models import Question

        self.login(self.world.district_admin)
        self.upload("sample.gift")
        key = self.client.session["question_import"]["key"]
        self.client.post(reverse("question-import-confirm"))
        (job_files_dir() / key).unlink()  # e.g. cleaned away while the job waited
        call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)
        job = Job.objects.get(kind=Job.Kind.QUESTION_IMPORT)
        self.assertEqual(job.status, Job.Status.FAILED)
        page = self.client.get(reverse("job-detail", args=[job.pk]))
        self.assertContains(page, "Không có gì để nhập")
        self.assertContains(page, f'href="{reverse("question-import")}"')
        self.assertFalse(Question.objects.exists())

    def test_a_file_with_errors_shows_each_line_and_stores_nothing(self) -> None:
        from sathach.exams.models import Question

        self.login(self.world.district_admin)
        response = self.upload("errors.gift")
        self.assertContains(response, "Dòng")
        self.assertNotContains(response, "Lưu các câu hỏi này")
        response = self.client.post(reverse("question-import-confirm"), follow=True)
        self.assertContains(response, "Không có gì để nhập")
        self.assertFalse(Question.objects.exists())


class OpeningTestCase(BaseTestCase):
    """The opening of a big session asks as little as it can of the server (issue 17,
    point 8): the code box waits on "My tests" before the opening, and the code's answer
    is the test page itself."""

    def setUp(self) -> None:
        from sathach.exams.models import ExamSession
        from sathach.exams.tests.factories import make_exam

        self.session = make_exam(self.world, session_status=ExamSession.Status.SCHEDULED)
        self.attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)
        self.login(self.world.leader)

    def test_the_code_box_waits_before_the_opening_and_a_code_sent_early_changes_nothing(
        self,
    ) -> None:
        page = self.client.get(reverse("my-tests"))
        self.assertContains(page, 'name="code"')
        self.assertContains(page, "đọc mã vào thi")
        early = self.client.post(
            reverse("attempt-begin", args=[self.attempt.pk]),
            {"code": self.session.access_code},
            follow=True,
        )
        self.assertContains(early, "chưa mở")
        self.attempt.refresh_from_db()
        self.assertEqual(self.attempt.status, Attempt.Status.READY)

    def test_the_codes_answer_after_the_opening_is_the_test_page(self) -> None:
        from sathach.exams.services.sessions import session_open

        session_open(actor=self.world.proctor, session=self.session)
        response = self.client.post(
            reverse("attempt-begin", args=[self.attempt.pk]), {"code": self.session.access_code}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="exam"')
        self.attempt.refresh_from_db()
        self.assertEqual(self.attempt.status, Attempt.Status.IN_PROGRESS)
        # Sent again (a reload of the answer): the attempt is not started twice.
        again = self.client.post(
            reverse("attempt-begin", args=[self.attempt.pk]), {"code": self.session.access_code}
        )
        self.assertEqual(again.status_code, 200)
        started = self.attempt.started_at
        self.attempt.refresh_from_db()
        self.assertEqual(self.attempt.started_at, started)
