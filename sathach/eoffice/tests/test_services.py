from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone

from sathach.campaigns.models import Result
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice import grading
from sathach.eoffice.models import Event, Kind, Scenario, Task, TaskDocument
from sathach.eoffice.services.tasks import (
    GRACE,
    document_forward,
    document_sign_draft,
    document_upload_signed,
    task_override,
    task_start,
    task_submit,
    tasks_submit_overdue,
)
from sathach.eoffice.tests.factories import PIN, make_servants, make_task
from sathach.organization.models import Position
from sathach.organization.testing import BaseTestCase, make_person
from sathach.signatures.services import (
    certificate_issue,
    document_sign,
    pki_init,
    token_set_pin,
)
from sathach.signatures.tests.pdfs import overlay_page_content

INSTRUCTION = "Giao đồng chí chủ trì tham mưu, báo cáo kết quả đúng thời hạn."


class EofficeTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        self.task = make_task(self.world)
        task_start(user=self.world.leader, task=self.task)
        self.task.refresh_from_db()

    def incoming(self) -> list[TaskDocument]:
        return list(self.task.documents.filter(kind=Kind.INCOMING).select_related("scenario"))

    def outgoing(self) -> TaskDocument:
        return self.task.documents.get(kind=Kind.OUTGOING)

    def forward_right(self, document: TaskDocument, **changes: object) -> None:
        values: dict[str, object] = {
            "main_handler_id": self.servants[document.scenario.main_handler].pk,
            "coordinator_ids": [],
            "instruction": INSTRUCTION,
            "deadline": document.latest_deadline,
        }
        values.update(changes)
        document_forward(user=self.world.leader, document=document, **values)  # type: ignore[arg-type]

    def submit(self) -> Task:
        return task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)


class DrawTests(EofficeTestCase):
    def test_the_bank_ships_30_incoming_and_6_outgoing_documents(self) -> None:
        self.assertGreaterEqual(Scenario.objects.filter(kind=Kind.INCOMING).count(), 30)
        self.assertGreaterEqual(Scenario.objects.filter(kind=Kind.OUTGOING).count(), 6)
        for scenario in Scenario.objects.filter(kind=Kind.OUTGOING):
            self.assertEqual(len(scenario.signer_box), 4)

    def test_each_examinee_draws_4_incoming_documents_for_4_handlers_and_1_draft(self) -> None:
        incoming = self.incoming()
        self.assertEqual(len(incoming), 4)
        self.assertEqual(len({d.scenario.main_handler for d in incoming}), 4)
        self.assertEqual(self.task.documents.filter(kind=Kind.OUTGOING).count(), 1)
        for document in self.task.documents.all():
            self.assertTrue(bytes(document.pdf).startswith(b"%PDF"))
        numbers = [d.arrival_number for d in incoming]
        self.assertEqual(len(set(numbers)), 4)

    def test_the_deadline_is_set_by_the_server_at_the_start(self) -> None:
        self.assertEqual(self.task.status, Task.Status.IN_PROGRESS)
        assert self.task.deadline and self.task.started_at
        self.assertEqual(self.task.deadline - self.task.started_at, datetime.timedelta(minutes=30))


class ForwardTests(EofficeTestCase):
    def test_a_forward_is_stored_with_its_history_and_audit(self) -> None:
        document = self.incoming()[0]
        coordinator = self.servants[Position.OFFICE_STATISTICS]
        main = self.servants[document.scenario.main_handler]
        if main == coordinator:
            coordinator = self.servants[Position.CLERK]
        self.forward_right(document, coordinator_ids=[coordinator.pk])
        document.refresh_from_db()
        self.assertEqual(document.state, TaskDocument.State.DONE)
        self.assertEqual(list(document.coordinators.all()), [coordinator])
        self.assertTrue(document.events.filter(kind=Event.Kind.FORWARDED).exists())
        self.assertTrue(AuditEntry.objects.filter(action="eoffice.forwarded").exists())

    def test_the_main_handler_must_be_a_civil_servant_of_the_commune(self) -> None:
        document = self.incoming()[0]
        stranger = make_person(
            "Người Xã Khác", self.world.an_thanh_1, Position.JUSTICE_CIVIL_STATUS
        )
        for person in (stranger, self.world.leader_person):
            with self.assertRaises(DomainError):
                self.forward_right(document, main_handler_id=person.pk)

    def test_exactly_one_main_handler_is_required(self) -> None:
        with self.assertRaises(DomainError):
            self.forward_right(self.incoming()[0], main_handler_id=None)

    def test_a_coordinator_cannot_be_the_main_handler(self) -> None:
        document = self.incoming()[0]
        main = self.servants[document.scenario.main_handler]
        with self.assertRaises(DomainError):
            self.forward_right(document, coordinator_ids=[main.pk])

    def test_another_examinee_cannot_act_on_the_task(self) -> None:
        with self.assertRaisesMessage(DomainError, "không phải bài"):
            document_forward(
                user=self.world.district_admin,
                document=self.incoming()[0],
                main_handler_id=self.servants[Position.CLERK].pk,
            )

    def test_it_refuses_an_action_after_the_deadline_and_submits_the_task(self) -> None:
        assert self.task.deadline
        late = self.task.deadline + GRACE + datetime.timedelta(seconds=1)
        with time_machine.travel(late), self.assertRaises(DomainError):
            self.forward_right(self.incoming()[0])
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Task.Status.SUBMITTED)
        self.assertEqual(self.task.submitted_by, Task.SubmittedBy.DEADLINE)
        self.assertEqual(self.task.submitted_at, self.task.deadline)

    def test_an_action_within_the_grace_window_is_kept(self) -> None:
        assert self.task.deadline
        with time_machine.travel(self.task.deadline + datetime.timedelta(seconds=10)):
            self.forward_right(self.incoming()[0])
        self.assertEqual(self.task.documents.filter(state=TaskDocument.State.DONE).count(), 1)

    def test_overdue_tasks_are_submitted_by_the_job(self) -> None:
        assert self.task.deadline
        self.assertEqual(tasks_submit_overdue(), 0)
        self.assertEqual(tasks_submit_overdue(self.task.deadline + GRACE * 2), 1)
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, Task.Status.SUBMITTED)
        self.assertFalse(self.task.passed)


class SigningTestCase(EofficeTestCase):
    def setUp(self) -> None:
        super().setUp()
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        self.token = certificate_issue(actor=None, person=self.world.leader_person)
        token_set_pin(actor=self.world.leader, token=self.token, new_pin=PIN)
        self.token.refresh_from_db()

    def grade_outgoing(self) -> list[str]:
        for document in self.incoming():
            self.forward_right(document)
        task = self.submit()
        self.assertGreaterEqual(task.passed_count, 4)
        return list(self.outgoing().reasons)


class GradingTests(SigningTestCase):
    def test_everything_right_passes_and_feeds_the_campaign(self) -> None:
        document_sign_draft(user=self.world.leader, document=self.outgoing(), pin=PIN)
        self.assertEqual(self.grade_outgoing(), [])
        self.task.refresh_from_db()
        self.assertTrue(self.task.passed)
        self.assertEqual(self.task.passed_count, 5)
        result = Result.objects.get(campaign=self.task.campaign, person=self.world.leader_person)
        self.assertEqual(result.content, Result.Content.EOFFICE)
        self.assertEqual(result.outcome, Result.Outcome.PASSED)
        self.assertEqual(result.source, Result.Source.EOFFICE)

    def test_a_wrong_main_handler_fails_the_document_and_the_content(self) -> None:
        first, *rest = self.incoming()
        wrong = next(
            p for position, p in self.servants.items() if position != first.scenario.main_handler
        )
        self.forward_right(first, main_handler_id=wrong.pk)
        for document in rest:
            self.forward_right(document)
        document_sign_draft(user=self.world.leader, document=self.outgoing(), pin=PIN)
        task = self.submit()
        first.refresh_from_db()
        self.assertEqual(first.reasons, [grading.WRONG_HANDLER])
        self.assertFalse(task.passed)
        self.assertEqual(task.passed_count, 4)
        result = Result.objects.get(campaign=task.campaign, person=self.world.leader_person)
        self.assertEqual(result.outcome, Result.Outcome.FAILED)

    def test_empty_placeholder_late_and_past_forwards_fail_with_their_reasons(self) -> None:
        documents = self.incoming()
        today = timezone.localdate()
        self.forward_right(documents[0], instruction="")
        self.forward_right(documents[1], instruction="Chuyển")
        latest = documents[2].latest_deadline
        assert latest is not None
        self.forward_right(documents[2], deadline=latest + datetime.timedelta(days=1))
        self.forward_right(documents[3], deadline=today - datetime.timedelta(days=1))
        self.submit()
        reasons = [d.reasons for d in self.task.documents.filter(kind=Kind.INCOMING)]
        self.assertEqual(
            reasons,
            [
                [grading.INSTRUCTION_EMPTY],
                [grading.INSTRUCTION_PLACEHOLDER],
                [grading.DEADLINE_LATE],
                [grading.DEADLINE_PAST],
            ],
        )

    def test_a_signature_with_another_leaders_certificate_fails(self) -> None:
        other = certificate_issue(actor=None, person=self.world.an_thanh_1_chairman)
        token_set_pin(actor=None, token=other, new_pin=PIN)
        other.refresh_from_db()
        draft = self.outgoing()
        signed = document_sign(
            actor=None,
            token=other,
            pin=PIN,
            data=bytes(draft.pdf),
            box=tuple(draft.sign_box),  # type: ignore[arg-type]
            page=draft.sign_page,
        )
        document_upload_signed(user=self.world.leader, document=draft, data=signed)
        self.assertEqual(self.grade_outgoing(), [grading.NOT_OWN_CERTIFICATE])

    def test_a_signed_file_modified_afterwards_fails(self) -> None:
        draft = document_sign_draft(user=self.world.leader, document=self.outgoing(), pin=PIN)
        modified = overlay_page_content(bytes(draft.signed_pdf))  # type: ignore[arg-type]
        document_upload_signed(user=self.world.leader, document=draft, data=modified)
        self.assertIn("MODIFIED_AFTER_SIGNING", self.grade_outgoing())

    def test_an_unsigned_upload_fails(self) -> None:
        draft = self.outgoing()
        document_upload_signed(user=self.world.leader, document=draft, data=bytes(draft.pdf))
        self.assertEqual(self.grade_outgoing(), ["NO_SIGNATURE"])

    def test_a_signature_away_from_the_signers_place_fails(self) -> None:
        draft = self.outgoing()
        signed = document_sign(
            actor=None,
            token=self.token,
            pin=PIN,
            data=bytes(draft.pdf),
            box=(60.0, 60.0, 200.0, 120.0),
            page=draft.sign_page,
        )
        document_upload_signed(user=self.world.leader, document=draft, data=signed)
        self.assertEqual(self.grade_outgoing(), [grading.NOT_AT_SIGNER_PLACE])

    def test_a_signature_on_another_document_fails(self) -> None:
        other = self.incoming()[0]
        signed = document_sign(
            actor=None,
            token=self.token,
            pin=PIN,
            data=bytes(other.pdf),
            box=tuple(self.outgoing().sign_box),  # type: ignore[arg-type]
            page=0,
        )
        document_upload_signed(user=self.world.leader, document=self.outgoing(), data=signed)
        self.assertIn(grading.DRAFT_CHANGED, self.grade_outgoing())

    def test_a_draft_left_unsigned_fails(self) -> None:
        self.assertEqual(self.grade_outgoing(), [grading.NOT_SIGNED])

    def test_a_wrong_pin_signs_nothing_and_is_kept_in_the_history(self) -> None:
        with self.assertRaises(DomainError):
            document_sign_draft(user=self.world.leader, document=self.outgoing(), pin="000000")
        draft = self.outgoing()
        self.assertIsNone(draft.signed_pdf)
        self.assertTrue(draft.events.filter(kind=Event.Kind.REFUSED).exists())

    def test_the_district_overrides_a_result_with_a_reason(self) -> None:
        task = self.submit()
        self.assertFalse(task.passed)
        with self.assertRaises(DomainError):
            task_override(actor=self.world.district_admin, task=task, passed=True, reason="ngắn")
        task_override(
            actor=self.world.district_admin,
            task=task,
            passed=True,
            reason="Mất điện trong lúc làm bài, đã kiểm tra lại trên giấy",
        )
        task.refresh_from_db()
        self.assertTrue(task.final_passed)
        result = Result.objects.get(campaign=task.campaign, person=self.world.leader_person)
        self.assertEqual(result.outcome, Result.Outcome.PASSED)
        self.assertTrue(AuditEntry.objects.filter(action="eoffice.task_overridden").exists())
