"""Unlocking a leader's signing PIN and giving extra time, from the proctor's console and
from the review page: the session's proctor and the district may, an examinee and the
proctor of another session may not."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from sathach.core.models import AuditEntry
from sathach.eoffice.models import Event, OfficeSession, Task
from sathach.eoffice.services.pins import pin_locked_until
from sathach.eoffice.services.sessions import office_session_create, office_session_open
from sathach.eoffice.services.tasks import task_start
from sathach.eoffice.tests.factories import PIN, make_servants, make_task
from sathach.organization.models import Role
from sathach.organization.testing import BaseTestCase, make_user
from sathach.signatures.models import LeaderCertificate
from sathach.signatures.services import certificate_issue, pki_init, token_set_pin

REASON = "Thí sinh quên mã PIN, đã xác minh danh tính"


class UnlockViewTestCase(BaseTestCase):
    def setUp(self) -> None:
        make_servants(self.world)
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        token = certificate_issue(actor=None, person=self.world.leader_person)
        token_set_pin(actor=self.world.leader, token=token, new_pin=PIN)
        self.task = make_task(self.world)

    def lock(self) -> None:
        LeaderCertificate.objects.filter(person=self.world.leader_person).update(
            failed_pins=5, locked_until=timezone.now() + datetime.timedelta(minutes=15)
        )

    def session(self, proctor: object, examinees: list[object]) -> OfficeSession:
        now = timezone.now()
        return office_session_create(
            actor=self.world.district_admin,
            campaign=self.task.campaign,
            name=f"Ca {OfficeSession.objects.count() + 1}",
            opens_at=now - datetime.timedelta(minutes=5),
            closes_at=now + datetime.timedelta(hours=1),
            proctor=proctor,
            examinees=examinees,  # type: ignore[arg-type]
        )

    def deadline(self) -> datetime.datetime:
        self.task.refresh_from_db()
        assert self.task.deadline is not None
        return self.task.deadline


class InSessionTests(UnlockViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.own = self.session(self.world.proctor, [self.world.leader_person])
        office_session_open(actor=self.world.proctor, session=self.own)
        self.task.refresh_from_db()
        self.task = task_start(
            user=self.world.leader, task=self.task, access_code=self.own.access_code
        )
        self.lock()
        # A proctor of the leader's own commune, named for another session.
        self.other_proctor = make_user("giamthi.daian1", Role.PROCTOR, self.world.dai_an_1)
        self.other = self.session(self.other_proctor, [])

    def console_unlock(self) -> str:
        return reverse("eoffice-task-control", args=[self.own.pk, self.task.pk, "unlock-pin"])

    def test_the_proctor_sees_the_lock_and_unlocks_it_from_the_console(self) -> None:
        self.login(self.world.proctor)
        console = self.client.get(reverse("eoffice-session", args=[self.own.pk]))
        self.assertContains(console, "Ký số bị khóa đến")
        self.assertContains(console, self.console_unlock())
        response = self.client.post(self.console_unlock(), {"reason": REASON}, follow=True)
        self.assertContains(response, "đã ký số lại được")
        self.assertIsNone(pin_locked_until(self.world.leader_person))
        event = Event.objects.get(task=self.task, kind=Event.Kind.PIN_UNLOCKED)
        self.assertEqual(event.actor, self.world.proctor)
        self.assertContains(response, "Giám thị mở khóa ký số")  # the console's incidents
        self.assertContains(response, REASON)
        self.assertTrue(AuditEntry.objects.filter(action="eoffice.pin_unlocked").exists())

    def test_an_unlock_without_a_reason_changes_nothing(self) -> None:
        self.login(self.world.proctor)
        response = self.client.post(self.console_unlock(), {"reason": ""}, follow=True)
        self.assertContains(response, "ít nhất 10 ký tự")
        self.assertIsNotNone(pin_locked_until(self.world.leader_person))

    def test_an_examinee_can_neither_unlock_nor_give_extra_time(self) -> None:
        self.login(self.world.leader)
        deadline = self.deadline()
        for url in (
            self.console_unlock(),
            reverse("eoffice-task-run", args=[self.task.pk, "unlock-pin"]),
            reverse("eoffice-task-run", args=[self.task.pk, "extra-time"]),
        ):
            response = self.client.post(url, {"reason": REASON, "minutes": "30"})
            self.assertEqual(response.status_code, 403, url)
        self.assertIsNotNone(pin_locked_until(self.world.leader_person))
        self.assertEqual(self.deadline(), deadline)
        self.assertFalse(AuditEntry.objects.filter(action__startswith="eoffice.pin").exists())

    def test_a_proctor_of_another_session_can_neither_unlock_nor_give_extra_time(self) -> None:
        self.login(self.other_proctor)
        deadline = self.deadline()
        # They read the leader's actions (the leader's commune is theirs) but act on nothing.
        review = self.client.get(reverse("eoffice-review", args=[self.task.pk]))
        self.assertEqual(review.status_code, 200)
        self.assertNotContains(review, "Xử lý của giám thị")
        for url in (
            self.console_unlock(),
            reverse("eoffice-task-control", args=[self.own.pk, self.task.pk, "extra-time"]),
            reverse("eoffice-task-run", args=[self.task.pk, "unlock-pin"]),
            reverse("eoffice-task-run", args=[self.task.pk, "extra-time"]),
            reverse("eoffice-task-control", args=[self.other.pk, self.task.pk, "unlock-pin"]),
        ):
            response = self.client.post(url, {"reason": REASON, "minutes": "30"})
            self.assertEqual(response.status_code, 404, url)
        self.assertIsNotNone(pin_locked_until(self.world.leader_person))
        self.assertEqual(self.deadline(), deadline)
        self.assertFalse(
            AuditEntry.objects.filter(
                action__in=["eoffice.pin_unlocked", "eoffice.extra_time"]
            ).exists()
        )

    def test_the_sessions_proctor_acts_from_the_review_page_too(self) -> None:
        self.login(self.world.proctor)
        review = self.client.get(reverse("eoffice-review", args=[self.task.pk]))
        self.assertContains(review, "Xử lý của giám thị")
        self.assertContains(review, "Ký số bị khóa đến")
        self.client.post(
            reverse("eoffice-task-run", args=[self.task.pk, "unlock-pin"]), {"reason": REASON}
        )
        self.assertIsNone(pin_locked_until(self.world.leader_person))


class NoSessionTests(UnlockViewTestCase):
    """A leader in no session starts whenever the campaign is testing: the district acts on
    the review page."""

    def setUp(self) -> None:
        super().setUp()
        self.task = task_start(user=self.world.leader, task=self.task)
        self.lock()

    def test_the_district_admin_unlocks_and_gives_extra_time_on_the_review_page(self) -> None:
        self.login(self.world.district_admin)
        deadline = self.deadline()
        review = self.client.get(reverse("eoffice-review", args=[self.task.pk]))
        self.assertContains(review, "Mở khóa và bù thời gian")
        self.assertContains(review, "Cộng giờ")
        response = self.client.post(
            reverse("eoffice-task-run", args=[self.task.pk, "unlock-pin"]),
            {"reason": REASON},
            follow=True,
        )
        self.assertContains(response, "đã ký số lại được")
        self.assertIsNone(pin_locked_until(self.world.leader_person))
        given_back = self.deadline() - deadline
        response = self.client.post(
            reverse("eoffice-task-run", args=[self.task.pk, "extra-time"]),
            {"reason": "Máy tính treo 10 phút", "minutes": "10"},
            follow=True,
        )
        self.assertContains(response, "Đã cộng thêm giờ")
        self.assertEqual(self.deadline() - deadline, given_back + datetime.timedelta(minutes=10))
        self.assertEqual(
            set(
                AuditEntry.objects.filter(action__startswith="eoffice.").values_list(
                    "action", flat=True
                )
            )
            & {"eoffice.pin_unlocked", "eoffice.extra_time"},
            {"eoffice.pin_unlocked", "eoffice.extra_time"},
        )
        self.assertEqual(self.task.status, Task.Status.IN_PROGRESS)

    def test_an_outsider_gets_nothing(self) -> None:
        self.login(self.world.outsider)
        response = self.client.post(
            reverse("eoffice-task-run", args=[self.task.pk, "unlock-pin"]), {"reason": REASON}
        )
        self.assertEqual(response.status_code, 404)
        self.assertIsNotNone(pin_locked_until(self.world.leader_person))
