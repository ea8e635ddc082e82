"""E-office sessions: a room, a window and an access code; the proctor's console pauses
(clocks stop and actions wait), gives extra time and reopens a submitted test with a
reason; closing submits what is in progress and records absentees."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone

from sathach.campaigns.models import Result
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice.models import Event, Kind, OfficeSession, Task
from sathach.eoffice.services.sessions import (
    office_session_close,
    office_session_create,
    office_session_move,
    office_session_open,
    office_session_pause,
    office_session_resume,
    task_extra_time,
    task_reopen,
)
from sathach.eoffice.services.tasks import document_forward, task_start, task_submit
from sathach.eoffice.tests.factories import make_servants, make_task
from sathach.organization.testing import BaseTestCase

INSTRUCTION = "Giao đồng chí chủ trì tham mưu, báo cáo kết quả đúng thời hạn."


class OfficeSessionTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.servants = make_servants(self.world)
        self.task = make_task(self.world)
        self.campaign = self.task.campaign
        now = timezone.now()
        self.session = office_session_create(
            actor=self.w.district_admin,
            campaign=self.campaign,
            name="Ca 1 văn phòng điện tử",
            room="Phòng họp UBND xã",
            opens_at=now - datetime.timedelta(minutes=5),
            closes_at=now + datetime.timedelta(minutes=30),
            proctor=self.w.proctor,
            examinees=[self.w.leader_person],
        )
        self.task.refresh_from_db()

    def start(self, code: str | None = None) -> Task:
        return task_start(
            user=self.w.leader,
            task=self.task,
            access_code=self.session.access_code if code is None else code,
        )

    def test_a_leader_of_a_session_starts_only_there_with_its_code(self) -> None:
        self.assertEqual(self.task.session, self.session)
        with self.assertRaisesMessage(DomainError, "chưa mở"):
            self.start()
        office_session_open(actor=self.w.proctor, session=self.session)
        with self.assertRaisesMessage(DomainError, "Mã vào thi"):
            self.start("ZZZZZZ")
        self.assertEqual(self.start().status, Task.Status.IN_PROGRESS)

    def test_a_pause_stops_the_clock_and_actions_wait(self) -> None:
        office_session_open(actor=self.w.proctor, session=self.session)
        task = self.start()
        assert task.deadline is not None
        deadline = task.deadline
        office_session_pause(actor=self.w.proctor, session=self.session, reason="Mất điện")
        document = task.documents.filter(kind=Kind.INCOMING).order_by("position")[0]
        with self.assertRaisesMessage(DomainError, "tạm dừng"):
            document_forward(
                user=self.w.leader,
                document=document,
                main_handler_id=self.servants[document.scenario.main_handler].pk,
                instruction=INSTRUCTION,
            )
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
            office_session_resume(actor=self.w.proctor, session=self.session)
        task.refresh_from_db()
        assert task.deadline is not None
        self.assertGreaterEqual(task.deadline - deadline, datetime.timedelta(minutes=10))
        self.assertTrue(task.events.filter(kind=Event.Kind.PAUSED).exists())

    def test_extra_time_and_reopen_need_a_reason_and_are_on_the_timeline(self) -> None:
        office_session_open(actor=self.w.proctor, session=self.session)
        task = self.start()
        with self.assertRaises(DomainError):
            task_extra_time(actor=self.w.proctor, task=task, minutes=5, reason="")
        task_extra_time(actor=self.w.proctor, task=task, minutes=5, reason="Máy treo")
        task_submit(actor=self.w.leader, task=task, by=Task.SubmittedBy.EXAMINEE)
        with self.assertRaises(DomainError):
            task_reopen(actor=self.w.proctor, task=task, minutes=10, reason="ngắn")
        task = task_reopen(
            actor=self.w.proctor, task=task, minutes=10, reason="Nộp nhầm khi chưa ký số xong"
        )
        self.assertEqual(task.status, Task.Status.IN_PROGRESS)
        kinds = set(task.events.values_list("kind", flat=True))
        self.assertTrue({Event.Kind.EXTRA_TIME, Event.Kind.REOPENED} <= kinds)
        self.assertEqual(
            AuditEntry.objects.filter(
                action__in=["eoffice.extra_time", "eoffice.reopened"]
            ).count(),
            2,
        )

    def test_closing_submits_what_is_in_progress_and_records_absentees(self) -> None:
        chairman = self.w.an_thanh_1_chairman
        self.session.examinees.add(chairman)
        office_session_open(actor=self.w.proctor, session=self.session)
        self.start()
        office_session_close(actor=self.w.proctor, session=self.session)
        self.task.refresh_from_db()
        self.assertEqual(
            (self.task.status, self.task.submitted_by),
            (Task.Status.SUBMITTED, Task.SubmittedBy.PROCTOR),
        )
        absent = Result.objects.get(campaign=self.campaign, person=chairman, content=2)
        self.assertEqual(absent.outcome, Result.Outcome.ABSENT)

    def test_the_console_and_the_start_page_in_a_browser_session(self) -> None:
        self.client.force_login(self.w.proctor)
        url = reverse("eoffice-session", args=[self.session.pk])
        page = self.client.get(url)
        self.assertContains(page, self.session.access_code)
        self.client.post(reverse("eoffice-session-control", args=[self.session.pk, "open"]))
        self.session.refresh_from_db()
        self.assertEqual(self.session.status, OfficeSession.Status.OPEN)
        self.client.force_login(self.w.leader)
        page = self.client.get(reverse("eoffice-my"))
        self.assertContains(page, "Phòng họp UBND xã")
        self.assertContains(page, 'name="access_code"')
        response = self.client.post(
            reverse("eoffice-begin", args=[self.task.pk]),
            {"access_code": self.session.access_code.lower()},
        )
        self.assertRedirects(response, reverse("eoffice-inbox", args=[self.task.pk]))
        self.client.force_login(self.w.commune_officer)
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_five_wrong_codes_lock_the_start_for_five_minutes(self) -> None:
        office_session_open(actor=self.w.proctor, session=self.session)
        for _try in range(5):
            with self.assertRaises(DomainError):
                self.start("ZZZZZZ")
        with self.assertRaisesMessage(DomainError, "5 phút"):
            self.start()  # even the right code waits
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
            self.assertEqual(self.start().status, Task.Status.IN_PROGRESS)

    def test_a_leader_who_has_not_started_moves_to_another_session(self) -> None:
        now = timezone.now()
        other = office_session_create(
            actor=self.w.district_admin,
            campaign=self.campaign,
            name="Ca 2 văn phòng điện tử",
            opens_at=now,
            closes_at=now + datetime.timedelta(hours=1),
            examinees=[],
        )
        self.client.force_login(self.w.district_admin)
        self.client.post(
            reverse("eoffice-session-move", args=[self.session.pk]),
            {"person": self.w.leader_person.pk, "target": other.pk},
        )
        self.task.refresh_from_db()
        self.assertEqual(self.task.session, other)
        self.assertEqual(list(other.examinees.all()), [self.w.leader_person])
        office_session_open(actor=self.w.proctor, session=other)
        task_start(user=self.w.leader, task=self.task, access_code=other.access_code)
        with self.assertRaises(DomainError):
            office_session_move(
                actor=self.w.district_admin,
                person=self.w.leader_person,
                source=other,
                target=self.session,
            )

    def test_a_session_takes_only_leaders_of_the_campaign_who_wait_nowhere_else(self) -> None:
        now = timezone.now()
        later = now + datetime.timedelta(hours=1)
        with self.assertRaisesMessage(DomainError, self.w.outside_person.full_name):
            office_session_create(
                actor=self.w.district_admin,
                campaign=self.campaign,
                name="Ca ngoài",
                examinees=[self.w.outside_person],
                opens_at=now,
                closes_at=later,
            )
        with self.assertRaisesMessage(DomainError, self.w.leader_person.full_name):
            office_session_create(
                actor=self.w.district_admin,
                campaign=self.campaign,
                name="Ca trùng",
                examinees=[self.w.leader_person],
                opens_at=now,
                closes_at=later,
            )
