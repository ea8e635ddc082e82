"""Scheduling: a session of chosen communes or leaders, a leader moved before starting, a
make-up session for the absentees of a closed session, and a retake under the campaign's
retake policy (which result counts)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.pass_rules import campaign_set_pass_rules
from sathach.core.errors import DomainError
from sathach.exams.models import Attempt, ExamSession
from sathach.exams.services.attempts import attempt_save_answers, attempt_start, attempt_submit
from sathach.exams.services.scheduling import (
    chosen_examinees,
    session_move_examinee,
    special_session_create,
)
from sathach.exams.services.sessions import (
    session_close,
    session_create,
    session_open,
    session_prepare,
)
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase


def later(minutes: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


class SchedulingTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.session = make_exam(self.world)
        self.campaign = self.session.campaign

    def take(self, session: ExamSession, right: int) -> Attempt:
        """The leader of Đại Ân 1 answers `right` questions right and the rest wrong."""
        session.refresh_from_db()
        attempt = Attempt.objects.get(session=session, person=self.w.leader_person)
        attempt = attempt_start(
            user=self.w.leader, attempt=attempt, access_code=session.access_code
        )
        answers = [
            {"p": item.position, "s": 1, "r": {"choice": 0 if index < right else 1}}
            for index, item in enumerate(attempt.items.order_by("position"))
        ]
        attempt_save_answers(attempt_id=attempt.pk, token=attempt.token, answers=answers)
        return attempt_submit(actor=self.w.leader, attempt=attempt, by="examinee")

    def new_session(self, purpose: str, **extra: Any) -> ExamSession:
        session = special_session_create(
            actor=self.w.district_admin,
            campaign=self.campaign,
            purpose=purpose,
            name="Ca bổ sung",
            opens_at=later(-5),
            closes_at=later(30),
            **extra,
        )
        session_prepare(actor=self.w.district_admin, session=session, seed=2)
        session_open(actor=self.w.proctor, session=session)
        return session

    def result(self) -> Result:
        return Result.objects.get(campaign=self.campaign, person=self.w.leader_person, content=1)


class ChoosingTests(SchedulingTestCase):
    def test_a_session_takes_the_communes_and_leaders_the_district_chooses(self) -> None:
        self.session.examinees.clear()
        Attempt.objects.filter(session=self.session).delete()
        chosen = chosen_examinees(self.campaign, units=[self.w.dai_an_1])
        self.assertEqual([p.pk for p in chosen], [self.w.leader_person.pk])
        session = session_create(
            actor=self.w.district_admin,
            campaign=self.campaign,
            name="Cụm Đại Ân",
            opens_at=later(60),
            closes_at=later(90),
            examinees=chosen,
        )
        self.assertEqual(list(session.examinees.all()), [self.w.leader_person])
        with self.assertRaises(DomainError):  # already waiting in "Cụm Đại Ân"
            chosen_examinees(self.campaign, people=[self.w.leader_person])

    def test_the_session_form_takes_the_chosen_commune(self) -> None:
        self.session.examinees.remove(self.w.an_thanh_1_chairman)
        Attempt.objects.filter(session=self.session, person=self.w.an_thanh_1_chairman).delete()
        self.client.force_login(self.w.district_admin)
        response = self.client.post(
            reverse("session-add", args=[self.campaign.pk]),
            {
                "name": "Cụm An Thạnh",
                "room": "Phòng máy xã",
                "opens_at": later(120).strftime("%d/%m/%Y %H:%M"),
                "closes_at": later(150).strftime("%d/%m/%Y %H:%M"),
                "purpose": "regular",
                "units": [self.w.an_thanh_1.pk],
            },
        )
        session = ExamSession.objects.get(name="Cụm An Thạnh")
        self.assertRedirects(response, reverse("session-console", args=[session.pk]))
        self.assertEqual(list(session.examinees.all()), [self.w.an_thanh_1_chairman])

    def test_a_leader_who_has_not_started_moves_to_another_session(self) -> None:
        other = session_create(
            actor=self.w.district_admin,
            campaign=self.campaign,
            name="Ca 2",
            opens_at=later(60),
            closes_at=later(90),
            examinees=[],
        )
        session_move_examinee(
            actor=self.w.district_admin,
            person=self.w.leader_person,
            source=self.session,
            target=other,
        )
        self.assertFalse(self.session.examinees.filter(pk=self.w.leader_person.pk).exists())
        self.assertFalse(
            Attempt.objects.filter(session=self.session, person=self.w.leader_person).exists()
        )
        self.assertTrue(other.examinees.filter(pk=self.w.leader_person.pk).exists())
        chairman = self.w.an_thanh_1_chairman
        attempt = Attempt.objects.get(session=self.session, person=chairman)
        attempt_start(user=chairman.user, attempt=attempt, access_code=self.session.access_code)
        with self.assertRaises(DomainError):
            session_move_examinee(
                actor=self.w.district_admin, person=chairman, source=self.session, target=other
            )


class MakeUpTests(SchedulingTestCase):
    def test_an_absentee_sits_a_make_up_session_and_the_result_replaces_absent(self) -> None:
        session_close(actor=self.w.proctor, session=self.session)
        self.assertEqual(self.result().outcome, Result.Outcome.ABSENT)
        with self.assertRaises(DomainError):  # no retake in this campaign
            self.new_session(ExamSession.Purpose.RETAKE)
        makeup = self.new_session(ExamSession.Purpose.MAKEUP)
        self.assertEqual(
            set(makeup.examinees.all()), {self.w.leader_person, self.w.an_thanh_1_chairman}
        )
        self.assertTrue(self.take(makeup, right=12).passed)
        self.assertEqual(self.result().outcome, Result.Outcome.PASSED)


class RetakeTests(SchedulingTestCase):
    def fail_first(self, policy: str) -> None:
        self.campaign = campaign_set_pass_rules(
            actor="test",
            campaign=self.campaign,
            content1_pass_mark=Decimal(50),
            content1_module_minimum=None,
            content2_rule="all_tasks",
            content2_min_tasks=None,
            retake_policy=policy,
        )
        first = self.take(self.session, right=4)
        self.assertFalse(first.passed)
        session_close(actor=self.w.proctor, session=self.session)
        self.assertEqual(self.result().outcome, Result.Outcome.FAILED)

    def test_the_retake_counts_under_the_last_policy(self) -> None:
        self.fail_first(Campaign.RetakePolicy.LAST)
        retake = self.new_session(ExamSession.Purpose.RETAKE)
        self.assertEqual(list(retake.examinees.all()), [self.w.leader_person])
        self.assertTrue(self.take(retake, right=10).passed)
        self.assertEqual((self.result().outcome, self.result().score), ("passed", Decimal("83.33")))
        with self.assertRaises(DomainError):  # one retake only
            self.new_session(ExamSession.Purpose.RETAKE)

    def test_the_better_result_counts_under_the_best_policy(self) -> None:
        self.fail_first(Campaign.RetakePolicy.BEST)
        retake = self.new_session(ExamSession.Purpose.RETAKE)
        self.take(retake, right=2)
        self.assertEqual((self.result().outcome, self.result().score), ("failed", Decimal("33.33")))

    def test_absent_from_the_retake_keeps_the_first_result(self) -> None:
        self.fail_first(Campaign.RetakePolicy.LAST)
        retake = self.new_session(ExamSession.Purpose.RETAKE)
        session_close(actor=self.w.proctor, session=retake)
        self.assertEqual(self.result().outcome, Result.Outcome.FAILED)


class EssayTests(BaseTestCase):
    """Essays are refused by the blueprint, never drawn and graded 0."""

    def test_a_blueprint_needing_essays_is_refused_with_the_reason(self) -> None:
        from sathach.campaigns.tests.factories import make_campaign
        from sathach.exams.formats.base import ParsedQuestion, ParseResult
        from sathach.exams.models import MODULE_CODES, QuestionBank
        from sathach.exams.services.bank import questions_import
        from sathach.exams.services.sessions import RuleSpec, blueprint_save

        session = make_exam(self.world)
        bank = QuestionBank.objects.get(name="default")
        essays = [
            ParsedQuestion(
                type="essay",
                text=f"Trình bày cách gửi thư điện tử {n}.",
                category="IU06/Thư điện tử",
            )
            for n in range(5)
        ]
        questions_import(
            actor="test",
            result=ParseResult(questions=essays),
            bank_name=bank.name,
            unit=bank.unit,
        )
        drawn = {
            item.version.type
            for item in Attempt.objects.get(
                session=session, person=self.world.leader_person
            ).items.all()
        }
        self.assertNotIn("essay", drawn)
        campaign = make_campaign(self.world, code="76/KH-UBND")
        with self.assertRaisesMessage(DomainError, "tự luận"):
            blueprint_save(
                actor=self.world.district_admin,
                campaign=campaign,
                bank=bank,
                rules=[RuleSpec(module, 2) for module in MODULE_CODES[:5]] + [RuleSpec("IU06", 9)],
            )
