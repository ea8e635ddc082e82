"""The attendance list and the minutes of an exam session, opened back as the district
prints them: the .docx with python-docx, the .pdf with pdftotext."""

from __future__ import annotations

import datetime
import unittest
from typing import Any

import time_machine
from django.urls import reverse

from sathach.exams.models import ExamSession
from sathach.exams.services.attempts import attempt_start
from sathach.exams.services.sessions import (
    attempt_extra_time,
    session_close,
    session_open,
    session_pause,
    session_resume,
)
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase
from sathach.reports.exporters.session_papers import (
    attendance_document,
    minutes_document,
    render,
)
from sathach.reports.tests.helpers import PDFTOTEXT, open_docx, pdf_text, texts

NOON = datetime.datetime(2026, 12, 5, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Hồ Chí Minh


class SessionPapersTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        with time_machine.travel(NOON, tick=False):
            self.session = make_exam(self.world, session_status=ExamSession.Status.SCHEDULED)

    def run_session(self) -> None:
        """08:00 opened; 08:05 Ngân starts; 08:10 pause, 08:15 resumed; 08:20 ten more
        minutes for Ngân; 08:50 closed. Bình never comes."""
        w = self.w
        session = self.session
        minute = datetime.timedelta(minutes=1)
        with time_machine.travel(NOON, tick=False):
            session_open(actor=w.proctor, session=session)
        attempt = session.attempts.get(person=w.leader_person)
        with time_machine.travel(NOON + 5 * minute, tick=False):
            attempt_start(user=w.leader, attempt=attempt, access_code=session.access_code)
        with time_machine.travel(NOON + 10 * minute, tick=False):
            session_pause(actor=w.proctor, session=session, reason="Mất điện phòng máy")
        with time_machine.travel(NOON + 15 * minute, tick=False):
            session_resume(actor=w.proctor, session=session)
        with time_machine.travel(NOON + 20 * minute, tick=False):
            attempt_extra_time(
                actor=w.proctor, attempt=attempt, minutes=10, reason="Máy tính bị treo"
            )
        with time_machine.travel(NOON + 50 * minute, tick=False):
            session_close(actor=w.proctor, session=session)
        self.session.refresh_from_db()


class AttendanceListTestCase(SessionPapersTestCase):
    def test_the_list_has_a_row_per_examinee_by_commune_then_given_name_with_an_empty_sign_column(
        self,
    ) -> None:
        self.session.examinees.add(self.w.officer_person)  # Huỳnh Thanh Long, An Thạnh 1
        word = open_docx(render(attendance_document(self.session), "docx"))
        table = word.tables[1]
        header = [cell.text for cell in table.rows[0].cells]
        self.assertEqual(
            header, ["STT", "Họ và tên", "Chức vụ", "Đơn vị (xã)", "Ký nhận", "Ghi chú"]
        )
        rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
        # An Thạnh 1 before Đại Ân 1; Bình before Long although Huỳnh comes before Nguyễn.
        self.assertEqual(
            [row[1] for row in rows], ["Nguyễn Văn Bình", "Huỳnh Thanh Long", "Trần Thị Ngân"]
        )
        self.assertEqual([row[0] for row in rows], ["1", "2", "3"])
        self.assertEqual(
            [row[3] for row in rows], ["Xã An Thạnh 1", "Xã An Thạnh 1", "Xã Đại Ân 1"]
        )
        self.assertEqual({row[4] for row in rows}, {""})
        lines = texts(word)
        self.assertIn("DANH SÁCH KÝ NHẬN", lines)
        self.assertIn("Ngày 05/12/2026, từ 07:55 (bắt đầu làm bài chậm nhất 08:30)", lines)
        self.assertIn("GIÁM THỊ", lines)
        self.assertIn("NGƯỜI LẬP DANH SÁCH", lines)

    @unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
    def test_the_pdf_names_the_leaders_with_their_diacritics(self) -> None:
        content = render(attendance_document(self.session), "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        text = pdf_text(content)
        self.assertIn("DANH SÁCH KÝ NHẬN", text)
        self.assertIn("Trần Thị Ngân", text)
        self.assertIn("Nguyễn Văn Bình", text)


class MinutesTestCase(SessionPapersTestCase):
    def test_the_minutes_give_the_times_the_figures_the_absent_and_every_incident(self) -> None:
        self.run_session()
        lines = texts(open_docx(render(minutes_document(self.session), "docx")))
        self.assertIn("BIÊN BẢN", lines)
        self.assertIn("Ca thi được mở lúc 05/12/2026 08:00; đóng lúc 05/12/2026 08:50.", lines)
        self.assertIn(
            "Số người phải dự kiểm tra: 2; số người dự kiểm tra: 1; số bài đã nộp: 1; "
            "số người vắng: 1.",
            lines,
        )
        self.assertIn("1. Nguyễn Văn Bình - Chủ tịch Xã An Thạnh 1", lines)
        self.assertIn("05/12/2026 08:10 - Tạm dừng ca thi. Lý do: Mất điện phòng máy", lines)
        self.assertIn("05/12/2026 08:15 - Tiếp tục ca thi", lines)
        self.assertIn(
            "05/12/2026 08:20 - Cộng thêm thời gian (10 phút) - Trần Thị Ngân. "
            "Lý do: Máy tính bị treo",
            lines,
        )
        self.assertIn("GIÁM THỊ", lines)
        self.assertIn("ĐẠI DIỆN ỦY BAN NHÂN DÂN HUYỆN CÙ LAO DUNG", lines)

    def test_a_session_without_incidents_says_so(self) -> None:
        lines = texts(open_docx(render(minutes_document(self.session), "docx")))
        self.assertIn("Không có tình huống phát sinh.", lines)
        self.assertIn("Ca thi được mở lúc chưa mở; đóng lúc chưa đóng.", lines)

    @unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
    def test_the_minutes_pdf_reads_back_with_the_absent_leader(self) -> None:
        self.run_session()
        content = render(minutes_document(self.session), "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertIn("Nguyễn Văn Bình", pdf_text(content))


class SessionPapersViewsTestCase(SessionPapersTestCase):
    def test_the_proctor_downloads_both_papers_in_both_formats_with_an_ascii_name(self) -> None:
        self.client.force_login(self.w.proctor)
        for name in ("session-attendance", "session-minutes"):
            for fmt in ("docx", "pdf"):
                response = self.client.get(reverse(name, args=[self.session.pk, fmt]))
                self.assertEqual(response.status_code, 200)
                disposition = response["Content-Disposition"]
                self.assertTrue(disposition.isascii())
                self.assertIn(f".{fmt}", disposition)
        response = self.client.get(reverse("session-minutes", args=[self.session.pk, "xlsx"]))
        self.assertEqual(response.status_code, 404)

    def test_the_console_links_the_papers(self) -> None:
        self.client.force_login(self.w.proctor)
        page = self.client.get(reverse("session-console", args=[self.session.pk])).content.decode()
        self.assertIn(reverse("session-attendance", args=[self.session.pk, "pdf"]), page)
        self.assertIn(reverse("session-minutes", args=[self.session.pk, "docx"]), page)

    def test_a_commune_officer_and_another_districts_admin_are_refused(self) -> None:
        url = reverse("session-minutes", args=[self.session.pk, "pdf"])
        self.client.force_login(self.w.commune_officer)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.w.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
