"""One page per session (issue 19, point 5): its time and place, changed there with every
leader told; its notices; its papers, the cards with one-time passwords among them."""

from __future__ import annotations

import datetime
import re
from typing import Any
from unittest import mock

from django.urls import reverse

from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice.models import OfficeSession
from sathach.exams.models import ExamSession
from sathach.exams.tests.factories import make_exam
from sathach.exams.tests.test_cards import pdf_text
from sathach.notices.models import Message
from sathach.organization.models import Position, User
from sathach.organization.testing import BaseTestCase, make_person

NEW_OPENING = "09/12/2026 14:00"


class SessionPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.session = make_exam(self.world, session_status=ExamSession.Status.SCHEDULED)
        self.session.proctor = self.w.proctor
        self.session.save()
        self.w.leader_person.email = "ngan.tt@daian1.example"
        self.w.leader_person.save()
        self.page = reverse("session-papers", args=[self.session.pk])

    def reschedule(self, **data: str) -> Any:
        form = {"opens_at": NEW_OPENING, "closes_at": "09/12/2026 14:30", "room": "Hội trường"}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                reverse("session-reschedule", args=[self.session.pk]), {**form, **data}
            )

    def test_the_district_sees_everything_of_the_session_on_one_page(self) -> None:
        self.client.force_login(self.w.district_admin)
        page = self.client.get(self.page)
        self.assertEqual(page.status_code, 200)
        for url in (
            reverse("session-cards", args=[self.session.pk]),
            reverse("session-cards-issue", args=[self.session.pk]),
            reverse("session-attendance", args=[self.session.pk, "docx"]),
            reverse("session-minutes", args=[self.session.pk, "pdf"]),
            reverse("report-download", args=[self.session.campaign.pk, "invitation", "docx"]),
            reverse("session-reschedule", args=[self.session.pk]),
            reverse("notice-session-send", args=[self.session.campaign.pk, self.session.pk]),
        ):
            self.assertContains(page, f'"{url}')
        self.assertContains(page, "Giấy tờ và thông báo")
        self.assertContains(page, "ngan.tt@daian1.example")
        self.assertContains(page, self.w.an_thanh_1_chairman.full_name)
        console = self.client.get(reverse("session-console", args=[self.session.pk]))
        self.assertContains(console, self.page)

    def test_the_proctor_prints_the_papers_but_changes_and_sends_nothing(self) -> None:
        self.client.force_login(self.w.proctor)
        page = self.client.get(self.page)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, reverse("session-attendance", args=[self.session.pk, "pdf"]))
        self.assertNotContains(page, reverse("session-cards-issue", args=[self.session.pk]))
        self.assertNotContains(page, reverse("session-reschedule", args=[self.session.pk]))
        self.assertNotContains(page, "invitation")
        issue = self.client.post(reverse("session-cards-issue", args=[self.session.pk]))
        self.assertEqual(issue.status_code, 403)

    def test_a_commune_officer_or_another_district_cannot_open_it(self) -> None:
        for user in (self.w.commune_officer, self.w.outsider):
            self.client.force_login(user)
            self.assertIn(self.client.get(self.page).status_code, (403, 404))

    def test_a_new_time_and_room_are_saved_and_every_leader_told(self) -> None:
        self.client.force_login(self.w.district_admin)
        answer = self.reschedule()
        self.assertRedirects(answer, self.page)
        self.session.refresh_from_db()
        self.assertEqual(self.session.room, "Hội trường")
        told = Message.objects.filter(session=self.session, kind=Message.Kind.SESSION_MOVED)
        self.assertEqual([m.person for m in told], [self.w.leader_person])
        self.assertIn("09/12/2026", told[0].body)
        self.assertIn("14:00", told[0].body)
        self.assertIn("Hội trường", told[0].body)
        self.assertTrue(AuditEntry.objects.filter(action="exam.session_rescheduled").exists())
        page = self.client.get(self.page)
        self.assertContains(page, "ngan.tt@daian1.example")
        self.assertContains(page, "Đổi ca, giờ hoặc phòng thi")

    def test_the_same_time_again_tells_nobody(self) -> None:
        self.client.force_login(self.w.district_admin)
        self.reschedule()
        self.reschedule()
        self.assertEqual(Message.objects.filter(kind=Message.Kind.SESSION_MOVED).count(), 1)

    def test_a_bad_date_is_refused_in_vietnamese_and_changes_nothing(self) -> None:
        self.client.force_login(self.w.district_admin)
        answer = self.reschedule(opens_at="31/02/2026 08:00")
        self.assertEqual(answer.status_code, 400)
        self.assertContains(answer, "Nhập một ngày/thời gian hợp lệ", status_code=400)
        answer = self.reschedule(closes_at="09/12/2026 13:00")
        self.assertRedirects(answer, self.page, fetch_redirect_response=False)
        page = self.client.get(self.page)
        self.assertContains(page, "Giờ bắt đầu muộn nhất phải sau giờ mở ca")
        self.session.refresh_from_db()
        self.assertNotEqual(self.session.room, "Hội trường")
        self.assertFalse(Message.objects.exists())

    def test_an_open_session_keeps_its_time(self) -> None:
        self.session.status = ExamSession.Status.OPEN
        self.session.save()
        self.client.force_login(self.w.district_admin)
        self.assertNotContains(self.client.get(self.page), "Lưu và báo cho lãnh đạo")
        self.reschedule()
        self.session.refresh_from_db()
        self.assertNotEqual(self.session.room, "Hội trường")
        self.assertFalse(Message.objects.exists())

    def test_sending_the_schedule_from_the_page_comes_back_to_it(self) -> None:
        self.client.force_login(self.w.district_admin)
        answer = self.client.post(
            reverse("notice-session-send", args=[self.session.campaign.pk, self.session.pk]),
            {"next": self.page + "#notices"},
        )
        self.assertRedirects(answer, self.page + "#notices")
        self.assertTrue(Message.objects.filter(session=self.session).exists())
        elsewhere = self.client.post(
            reverse("notice-session-send", args=[self.session.campaign.pk, self.session.pk]),
            {"next": "https://evil.example/"},
        )
        self.assertRedirects(elsewhere, reverse("notice-list", args=[self.session.campaign.pk]))


class CardsWithPasswordsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.session = make_exam(self.world, session_status=ExamSession.Status.SCHEDULED)
        self.newcomer = make_person(
            "Trần Thị Ánh", self.w.dai_an_1, Position.VICE_CHAIRMAN, gender="nu"
        )
        self.session.examinees.add(self.newcomer)
        self.url = reverse("session-cards-issue", args=[self.session.pk])
        self.client.force_login(self.w.district_admin)

    def passwords(self, text: str) -> list[str]:
        return re.findall(r"Mật khẩu:\s+(\S{8,})", text)

    def test_a_leader_without_an_account_gets_one_and_a_password_on_their_card(self) -> None:
        answer = self.client.post(self.url)
        self.assertEqual(answer["Content-Type"], "application/pdf")
        self.assertIn("attachment", answer["Content-Disposition"])
        self.assertEqual(answer["Cache-Control"], "no-store")
        text = pdf_text(answer.content)
        self.newcomer.refresh_from_db()
        user = User.objects.get(person=self.newcomer)
        self.assertTrue(user.must_change_password)
        self.assertIn(user.username, text)
        (password,) = self.passwords(text)
        self.assertTrue(user.check_password(password))
        # The others keep theirs: their cards say it was given separately.
        self.assertEqual(text.count("Mật khẩu đã cấp riêng"), 2)
        entry = AuditEntry.objects.get(action="user.examinee_credentials")
        self.assertEqual(entry.summary["accounts"], [user.username])

    def test_printing_again_without_new_passwords_is_refused_with_a_reason(self) -> None:
        self.client.post(self.url)
        again = self.client.post(self.url)
        self.assertRedirects(again, reverse("session-papers", args=[self.session.pk]))
        page = self.client.get(reverse("session-papers", args=[self.session.pk]))
        self.assertContains(page, "đã có tài khoản")

    def test_new_passwords_replace_the_examinee_only_accounts_passwords(self) -> None:
        answer = self.client.post(self.url, {"reset": "1"})
        text = pdf_text(answer.content)
        self.assertEqual(len(self.passwords(text)), 3)
        self.w.leader.refresh_from_db()
        self.assertTrue(self.w.leader.must_change_password)

    def test_cards_that_cannot_be_drawn_leave_no_account_nobody_saw(self) -> None:
        with mock.patch(
            "sathach.exams.cards.session_cards_pdf", side_effect=DomainError("Không in được.")
        ):
            answer = self.client.post(self.url)
        self.assertEqual(answer.status_code, 302)
        self.newcomer.refresh_from_db()
        self.assertIsNone(self.newcomer.user_id)
        self.assertFalse(AuditEntry.objects.filter(action="user.examinee_credentials").exists())

    def test_a_closed_session_prints_no_passwords(self) -> None:
        self.session.status = ExamSession.Status.CLOSED
        self.session.save()
        answer = self.client.post(self.url)
        self.assertEqual(answer.status_code, 302)
        self.newcomer.refresh_from_db()
        self.assertIsNone(self.newcomer.user_id)


class OfficeSessionPageTestCase(BaseTestCase):
    def test_an_e_office_session_has_its_page_of_notices_and_its_new_window(self) -> None:
        w: Any = self.world
        exam = make_exam(self.world, session_status=ExamSession.Status.SCHEDULED)
        opening = datetime.datetime(2026, 12, 10, 1, 0, tzinfo=datetime.UTC)
        session = OfficeSession.objects.create(
            campaign=exam.campaign,
            name="Ca văn phòng điện tử 1",
            opens_at=opening,
            closes_at=opening + datetime.timedelta(hours=2),
            access_code="VPDT42",
        )
        w.leader_person.phone = "0912345678"
        w.leader_person.save()
        session.examinees.set([w.leader_person])
        page_url = reverse("eoffice-session-papers", args=[session.pk])
        self.client.force_login(w.district_admin)
        page = self.client.get(page_url)
        self.assertContains(page, "Ca văn phòng điện tử 1")
        self.assertContains(
            page, reverse("notice-office-session-send", args=[exam.campaign.pk, session.pk])
        )
        self.assertNotContains(page, "session-cards")
        console = self.client.get(reverse("eoffice-session", args=[session.pk]))
        self.assertContains(console, page_url)
        with self.captureOnCommitCallbacks(execute=True):
            answer = self.client.post(
                reverse("eoffice-session-reschedule", args=[session.pk]),
                {"opens_at": "10/12/2026 13:30", "closes_at": "10/12/2026 15:30", "room": ""},
            )
        self.assertRedirects(answer, page_url)
        (told,) = Message.objects.filter(office_session=session)
        self.assertEqual(told.channel, Message.Channel.SMS)
        self.assertIn("13:30", told.body)
        self.assertIn("15:30", told.body)
