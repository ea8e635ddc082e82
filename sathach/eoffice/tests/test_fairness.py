"""The e-office test judges what the leader did, never the calendar, and follows Nghị định
30/2020 as written: the draw/test-day matrix, the start refused outside testing, a result
kept when testing pauses, short instructions that name the handler, optional deadlines,
the per-scenario rule for other coordinators, and a draw fitted to the commune's roster."""

from __future__ import annotations

import datetime

import time_machine
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.services import campaign_transition
from sathach.campaigns.tests.factories import make_campaign
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice import grading
from sathach.eoffice.models import ExtraCoordinators, Kind, Scenario, Task, TaskDocument
from sathach.eoffice.services.draw import task_prepare
from sathach.eoffice.services.tasks import document_forward, task_start, task_submit
from sathach.eoffice.tests.factories import load_bank, make_servants, make_task
from sathach.organization.models import HANDLER_POSITIONS_2020, Person, Position
from sathach.organization.testing import BaseTestCase
from sathach.reports.tests.helpers import pdf_text

INSTRUCTION = "Giao đồng chí chủ trì tham mưu, báo cáo kết quả đúng thời hạn."
NOON = datetime.time(10, 0)


def local(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, NOON))


class CalendarTests(BaseTestCase):
    """A leader who sets the same deadlines, counted from the day they take the test, gets
    the same verdicts whatever day the documents were drawn and the test taken."""

    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        load_bank()
        self.campaign = make_campaign(self.world, status=Campaign.Status.TESTING)

    def draw(self) -> Task:
        return task_prepare(
            actor=self.world.district_admin,
            campaign=self.campaign,
            person=self.world.leader_person,
            seed=1,
        )

    def play(self, drawn_on: datetime.date, taken_on: datetime.date) -> list[tuple[str, ...]]:
        """Draw on one day, take the test on another, and forward the four incoming
        documents with deadlines on the last allowed day, the test day, the day before it
        and the day after the last allowed one."""
        with time_machine.travel(local(drawn_on), tick=False):
            task = self.draw()
        with time_machine.travel(local(taken_on), tick=False):
            task_start(user=self.world.leader, task=task)
            documents = list(task.documents.filter(kind=Kind.INCOMING).select_related("scenario"))
            offsets = [None, 0, -1, 1]
            for document, offset in zip(documents, offsets, strict=True):
                days = document.scenario.deadline_days or 0
                if offset is None:
                    deadline = taken_on + datetime.timedelta(days=days)
                elif offset == 1:
                    deadline = taken_on + datetime.timedelta(days=days + 1)
                else:
                    deadline = taken_on + datetime.timedelta(days=offset)
                document_forward(
                    user=self.world.leader,
                    document=document,
                    main_handler_id=self.servants[document.scenario.main_handler].pk,
                    instruction=INSTRUCTION,
                    deadline=deadline,
                )
            task = task_submit(actor=self.world.leader, task=task, by=Task.SubmittedBy.EXAMINEE)
        verdicts = [
            tuple(d.reasons) for d in task.documents.filter(kind=Kind.INCOMING).order_by("position")
        ]
        Task.objects.filter(pk=task.pk).delete()
        Result.objects.all().delete()
        return verdicts

    def test_the_same_actions_get_the_same_verdicts_whatever_the_draw_and_test_days(
        self,
    ) -> None:
        expected = [(), (), (grading.DEADLINE_PAST,), (grading.DEADLINE_LATE,)]
        for drawn_on, taken_on in (
            (datetime.date(2026, 12, 1), datetime.date(2026, 12, 1)),
            (datetime.date(2026, 12, 1), datetime.date(2026, 12, 4)),
            (datetime.date(2026, 12, 1), datetime.date(2026, 12, 11)),
            (datetime.date(2026, 12, 5), datetime.date(2026, 12, 31)),
        ):
            with self.subTest(drawn_on=drawn_on, taken_on=taken_on):
                self.assertEqual(self.play(drawn_on, taken_on), expected)

    def test_the_documents_are_dated_for_the_day_the_test_starts(self) -> None:
        drawn_on, taken_on = datetime.date(2026, 12, 1), datetime.date(2026, 12, 11)
        with time_machine.travel(local(drawn_on), tick=False):
            task = self.draw()
        before = {d.pk: bytes(d.pdf) for d in task.documents.all()}
        with time_machine.travel(local(taken_on), tick=False):
            task = task_start(user=self.world.leader, task=task)
        self.assertEqual(task.test_day, taken_on)
        for document in task.documents.select_related("scenario"):
            scenario = document.scenario
            self.assertNotEqual(bytes(document.pdf), before[document.pk])
            if document.kind == Kind.OUTGOING:
                self.assertEqual(document.issued_on, taken_on)
                continue
            self.assertEqual(document.arrival_date, taken_on)
            issued = taken_on - datetime.timedelta(days=scenario.issued_days_before)
            self.assertEqual(document.issued_on, issued)
            self.assertEqual(
                document.latest_deadline,
                taken_on + datetime.timedelta(days=scenario.deadline_days or 0),
            )
            text = pdf_text(bytes(document.pdf))
            self.assertIn(f"ngày {issued.day:02d} tháng {issued.month}", text)
            if any("{han}" in p for p in scenario.body):
                self.assertIn(document.latest_deadline.strftime("%d/%m/%Y"), text)

    def test_a_task_drawn_and_started_the_same_day_keeps_its_files(self) -> None:
        task = self.draw()
        before = {d.pk: bytes(d.pdf) for d in task.documents.all()}
        task_start(user=self.world.leader, task=task)
        after = {d.pk: bytes(d.pdf) for d in task.documents.all()}
        self.assertEqual(before, after)


class StartTests(BaseTestCase):
    def setUp(self) -> None:
        make_servants(self.world)

    def test_a_task_cannot_start_while_the_campaign_is_preparing(self) -> None:
        task = make_task(self.world, status=Campaign.Status.PREPARING)
        with self.assertRaises(DomainError):
            task_start(user=self.world.leader, task=task)
        task.refresh_from_db()
        self.assertEqual(task.status, Task.Status.READY)
        self.assertFalse(AuditEntry.objects.filter(action="eoffice.task_started").exists())

    def test_the_start_button_says_why_it_is_not_open_and_nothing_breaks(self) -> None:
        task = make_task(self.world, status=Campaign.Status.PREPARING)
        self.client.force_login(self.world.leader)
        page = self.client.get(reverse("eoffice-my"))
        self.assertContains(page, "Chưa mở")
        self.assertNotContains(page, reverse("eoffice-begin", args=[task.pk]))
        response = self.client.post(reverse("eoffice-begin", args=[task.pk]), follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "chưa bắt đầu gì")
        task.refresh_from_db()
        self.assertEqual(task.status, Task.Status.READY)

    def test_a_task_submitted_while_testing_is_paused_is_recorded_when_it_resumes(
        self,
    ) -> None:
        task = make_task(self.world)
        campaign = task.campaign
        campaign.participants.add(self.world.dai_an_1)
        task_start(user=self.world.leader, task=task)
        campaign_transition(
            actor=self.world.district_admin, campaign=campaign, to=Campaign.Status.PREPARING
        )
        task_submit(actor=self.world.leader, task=task, by=Task.SubmittedBy.EXAMINEE)
        self.assertFalse(Result.objects.filter(campaign=campaign).exists())
        campaign_transition(
            actor=self.world.district_admin, campaign=campaign, to=Campaign.Status.TESTING
        )
        result = Result.objects.get(campaign=campaign, person=self.world.leader_person)
        self.assertEqual(result.content, Result.Content.EOFFICE)


def grade(**changes: object) -> list[str]:
    values: dict[str, object] = {
        "forwarded": True,
        "handler_position": "tu_phap_ho_tich",
        "expected_position": "tu_phap_ho_tich",
        "instruction": INSTRUCTION,
        "deadline": datetime.date(2020, 8, 25),
        "given_on": datetime.date(2020, 8, 20),
        "latest": datetime.date(2020, 8, 27),
        "names": grading.handler_names(
            [
                ("Nguyễn Văn Nam", "tu_phap_ho_tich"),
                ("Lê Thị Hoa", "van_phong_thong_ke"),
            ]
        ),
    }
    values.update(changes)
    return grading.grade_incoming(**values)  # type: ignore[arg-type]


class DecreeGradingTests(SimpleTestCase):
    def test_short_instructions_that_name_the_handler_are_accepted(self) -> None:
        for text in (
            "Giao Tư pháp",
            "Giao TP-HT",
            "Đ/c Nam tham mưu",
            "đ/c nam",
            "Chuyển VP-TK",
            "Chuyển Văn phòng",
            "Chị Hoa",
            "Nguyễn Văn Nam",
        ):
            with self.subTest(text=text):
                self.assertEqual(grade(instruction=text), [])

    def test_instructions_that_name_nobody_and_say_nothing_still_fail(self) -> None:
        for text in ("chuyển", "Xem", "Đồng ý.", "chuyển xử lý", "Chuyển anh", "abc xyz"):
            with self.subTest(text=text):
                self.assertEqual(grade(instruction=text), [grading.INSTRUCTION_PLACEHOLDER])

    def test_a_deadline_is_required_only_where_the_document_sets_one(self) -> None:
        self.assertEqual(grade(deadline=None, latest=None), [])
        self.assertEqual(grade(deadline=None), [grading.DEADLINE_MISSING])
        self.assertEqual(grade(deadline=datetime.date(2020, 12, 31), latest=None), [])
        self.assertEqual(
            grade(deadline=datetime.date(2020, 8, 19), latest=None), [grading.DEADLINE_PAST]
        )

    def test_a_coordinator_beyond_the_list_is_judged_by_the_scenarios_rule(self) -> None:
        chosen = {"coordinator_positions": ["van_hoa_xa_hoi"], "acceptable_coordinators": []}
        self.assertEqual(grade(**chosen, beyond="wrong"), [grading.WRONG_COORDINATOR])
        self.assertEqual(grade(**chosen, beyond="warned"), [])
        self.assertEqual(grade(**chosen, beyond="allowed"), [])
        for beyond, remarks in (
            ("warned", [grading.EXTRA_COORDINATOR]),
            ("allowed", []),
            ("wrong", []),
        ):
            found = grading.incoming_remarks(
                forwarded=True,
                coordinator_positions=["van_hoa_xa_hoi"],
                acceptable_coordinators=[],
                beyond=beyond,
            )
            self.assertEqual(found, remarks, beyond)


class DecreeServiceTests(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        self.task = make_task(self.world)
        task_start(user=self.world.leader, task=self.task)

    def first_incoming(self) -> TaskDocument:
        return self.task.documents.filter(kind=Kind.INCOMING).order_by("position").first()  # type: ignore[return-value]

    def test_a_document_without_a_deadline_passes_without_one_and_says_so(self) -> None:
        document = self.first_incoming()
        Scenario.objects.filter(pk=document.scenario_id).update(deadline_days=None)
        TaskDocument.objects.filter(pk=document.pk).update(latest_deadline=None)
        document.refresh_from_db()
        handler = self.servants[document.scenario.main_handler]
        document_forward(
            user=self.world.leader,
            document=document,
            main_handler_id=handler.pk,
            instruction=f"Giao đ/c {handler.full_name.split()[-1]}",
        )
        task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)
        document.refresh_from_db()
        self.assertEqual(document.reasons, [])
        self.client.force_login(self.world.leader)
        page = self.client.get(reverse("eoffice-result", args=[self.task.pk]))
        self.assertContains(page, "văn bản không ấn định")

    def test_a_warned_coordinator_passes_with_a_remark_in_vietnamese(self) -> None:
        document = self.first_incoming()
        scenario = document.scenario
        Scenario.objects.filter(pk=scenario.pk).update(coordinators_beyond=ExtraCoordinators.WARNED)
        other = next(
            p
            for p in HANDLER_POSITIONS_2020
            if p not in scenario.coordinators and p != scenario.main_handler
        )
        document_forward(
            user=self.world.leader,
            document=document,
            main_handler_id=self.servants[scenario.main_handler].pk,
            coordinator_ids=[self.servants[other].pk],
            instruction=INSTRUCTION,
            deadline=document.latest_deadline,
        )
        task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)
        document.refresh_from_db()
        self.assertEqual((document.passed, document.remarks), (True, [grading.EXTRA_COORDINATOR]))
        self.client.force_login(self.world.leader)
        page = self.client.get(reverse("eoffice-result", args=[self.task.pk]))
        self.assertContains(page, "Chấp nhận, có lưu ý")
        self.assertContains(page, self.servants[other].full_name)


class RosterDrawTests(BaseTestCase):
    def setUp(self) -> None:
        load_bank()

    def test_a_commune_without_a_police_chief_never_draws_a_police_document(self) -> None:
        servants = make_servants(self.world)
        servants[Position.POLICE_CHIEF].delete()
        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        police = {
            s.pk
            for s in Scenario.objects.filter(kind=Kind.INCOMING, coordinating=False)
            if s.main_handler == Position.POLICE_CHIEF
        }
        self.assertTrue(police)
        for seed in range(12):
            Task.objects.filter(campaign=campaign).delete()
            task = task_prepare(
                actor=self.world.district_admin,
                campaign=campaign,
                person=self.world.leader_person,
                seed=seed,
            )
            drawn = set(task.documents.values_list("scenario_id", flat=True))
            self.assertFalse(drawn & police, seed)

    def test_a_commune_with_too_few_civil_servants_is_told_whom_to_add(self) -> None:
        Person.objects.filter(
            unit=self.world.dai_an_1, position__in=HANDLER_POSITIONS_2020
        ).delete()
        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        with self.assertRaisesMessage(DomainError, "Tư pháp"):
            task_prepare(
                actor=self.world.district_admin,
                campaign=campaign,
                person=self.world.leader_person,
            )
        self.assertFalse(Task.objects.exists())

    def test_the_scenario_editor_warns_about_a_post_that_no_longer_exists(self) -> None:
        scenario = Scenario.objects.get(code="den-21-cong-an-an-ninh")
        self.client.force_login(self.world.district_admin)
        page = self.client.get(reverse("eoffice-scenario-edit", args=[scenario.pk]))
        self.assertContains(page, "Nghị định 33/2023/NĐ-CP")
        self.assertContains(page, "không còn là công chức cấp xã")
        self.assertContains(page, "Chấp nhận, có lưu ý")
