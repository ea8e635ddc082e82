"""Editing the scenario bank and a campaign's scenario set, and the coordination rules."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice import grading
from sathach.eoffice.models import Kind, Scenario, Task, TaskDocument
from sathach.eoffice.services.bank import (
    FieldError,
    scenario_save,
    scenario_set_active,
    scenario_set_save,
)
from sathach.eoffice.services.draw import scenario_set_of
from sathach.eoffice.services.tasks import (
    document_forward,
    document_give_opinion,
    task_start,
    task_submit,
)
from sathach.eoffice.tests.factories import load_bank, make_servants, make_task
from sathach.organization.testing import BaseTestCase

INSTRUCTION = "Giao đồng chí chủ trì tham mưu, báo cáo kết quả đúng thời hạn."
OPINION = "Thống nhất; bộ phận văn hóa sẽ cử hai đoàn viên mỗi ấp tham gia tổ công nghệ số."


def incoming_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": "den-99-thu-nghiem",
        "doc_type": "cong_van",
        "number": "99/UBND-VP",
        "issuer_parent": "",
        "issuer": "Ủy ban nhân dân huyện Cù Lao Dung",
        "place": "Cù Lao Dung",
        "issued_days_before": 2,
        "subject": "báo cáo số liệu thống kê quý",
        "urgency": "khan",
        "recipient_line": "",
        "body": "Đề nghị xã {xa} báo cáo.\n\nTrước ngày {han}.",
        "recipients": "- Như trên;\n- Lưu: VT.",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Nguyễn Văn A",
        "coordinating": False,
        "lead": "",
        "lead_request": "",
        "main_handler": "van_phong_thong_ke",
        "coordinators": ["tai_chinh_ke_toan"],
        "coordinator_required": False,
        "deadline_days": 5,
    }
    values.update(changes)
    return values


class ScenarioServiceTests(BaseTestCase):
    def save(self, scenario: Scenario | None = None, **changes: Any) -> Scenario:
        return scenario_save(
            actor=self.world.district_admin,
            scenario=scenario,
            kind=Kind.INCOMING,
            values=incoming_values(**changes),
        )

    def test_an_incoming_scenario_is_created_with_its_paragraphs_and_audited(self) -> None:
        scenario = self.save()
        self.assertEqual(scenario.body, ["Đề nghị xã {xa} báo cáo.", "Trước ngày {han}."])
        self.assertEqual(scenario.coordinators, ["tai_chinh_ke_toan"])
        entry = AuditEntry.objects.get(action="eoffice.scenario_saved")
        self.assertTrue(entry.summary["created"])

    def test_each_bad_field_is_refused_with_its_own_vietnamese_message(self) -> None:
        cases: dict[str, dict[str, Any]] = {
            "code": {"code": "Sai Mã"},
            "number": {"number": ""},
            "subject": {"subject": ""},
            "body": {"body": "Trước ngày {hạn}."},
            "main_handler": {"main_handler": "chu_tich"},
            "coordinators": {"coordinators": ["van_phong_thong_ke"]},
            "coordinator_required": {"coordinators": [], "coordinator_required": True},
            "lead": {"coordinating": True},
        }
        for field, changes in cases.items():
            with self.subTest(field), self.assertRaises(FieldError) as caught:
                self.save(**changes)
            self.assertEqual(caught.exception.field, field)
        with self.assertRaises(FieldError) as caught:
            self.save(number="")
        self.assertIn("số", caught.exception.message.lower())
        self.assertFalse(Scenario.objects.exists())

    def test_a_code_is_used_once(self) -> None:
        self.save()
        with self.assertRaises(FieldError) as caught:
            self.save()
        self.assertEqual(caught.exception.field, "code")

    def test_an_outgoing_draft_gets_its_signers_place_measured(self) -> None:
        scenario = scenario_save(
            actor=self.world.district_admin,
            scenario=None,
            kind=Kind.OUTGOING,
            values={
                "code": "di-99-bao-cao",
                "doc_type": "bao_cao",
                "number": "/BC-UBND",
                "subject": "kết quả thực hiện",
                "urgency": "thuong",
                "body": "Ủy ban nhân dân xã báo cáo như sau.",
                "recipients": "",
                "recipient_line": "",
            },
        )
        self.assertEqual(len(scenario.signer_box), 4)
        self.assertEqual(scenario.main_handler, "")

    def test_what_a_drawn_scenario_is_graded_against_cannot_change(self) -> None:
        make_servants(self.world)
        task = make_task(self.world)
        scenario = task.documents.filter(kind=Kind.INCOMING).first().scenario  # type: ignore[union-attr]
        values = incoming_values(main_handler=scenario.main_handler)
        values.update(
            {name: getattr(scenario, name) for name in ("coordinators", "coordinator_required")}
        )
        values["subject"] = "trích yếu đã sửa"
        scenario_save(actor="test", scenario=scenario, kind=Kind.INCOMING, values=values)
        other = next(p for p in ("van_hoa_xa_hoi", "tu_phap_ho_tich") if p != scenario.main_handler)
        values["main_handler"] = other
        values["coordinators"] = []
        with self.assertRaises(FieldError) as caught:
            scenario_save(actor="test", scenario=scenario, kind=Kind.INCOMING, values=values)
        self.assertEqual(caught.exception.field, "main_handler")

    def test_a_scenario_out_of_use_is_not_drawn(self) -> None:
        scenario = self.save()
        scenario_set_active(actor=self.world.district_admin, scenario=scenario, active=False)
        self.assertNotIn(scenario, Scenario.objects.filter(is_active=True))
        self.assertTrue(AuditEntry.objects.filter(action="eoffice.scenario_toggled").exists())


class ScenarioSetServiceTests(BaseTestCase):
    def setUp(self) -> None:
        make_servants(self.world)
        self.task = make_task(self.world)
        self.campaign = self.task.campaign

    def save(self, **changes: Any) -> Any:
        values: dict[str, Any] = {
            "scenarios": [],
            "incoming_count": 4,
            "outgoing_count": 1,
            "coordinating_count": 1,
            "duration_minutes": 30,
        }
        values.update(changes)
        return scenario_set_save(actor=self.world.district_admin, campaign=self.campaign, **values)

    def test_the_set_is_saved_with_its_counts(self) -> None:
        rules = self.save()
        self.assertEqual((rules.coordinating_count, rules.duration_minutes), (1, 30))
        self.assertTrue(AuditEntry.objects.filter(action="eoffice.set_saved").exists())

    def test_a_set_without_enough_scenarios_of_a_kind_is_refused(self) -> None:
        few = list(Scenario.objects.filter(kind=Kind.INCOMING, coordinating=False, era="2020")[:2])
        with self.assertRaises(FieldError) as caught:
            self.save(scenarios=few)
        self.assertEqual(caught.exception.field, "incoming_count")
        self.assertEqual(scenario_set_of(self.campaign).coordinating_count, 0)

    def test_the_rules_are_fixed_once_a_leader_has_submitted(self) -> None:
        task_start(user=self.world.leader, task=self.task)
        task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)
        with self.assertRaises(DomainError):
            self.save()


class CoordinationTests(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        load_bank()
        from sathach.campaigns.models import Campaign
        from sathach.campaigns.tests.factories import make_campaign
        from sathach.eoffice.services.draw import task_prepare

        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        scenario_set_save(
            actor="test",
            campaign=campaign,
            scenarios=[],
            incoming_count=4,
            outgoing_count=1,
            coordinating_count=2,
            duration_minutes=30,
        )
        self.task = task_prepare(
            actor="test", campaign=campaign, person=self.world.leader_person, seed=3
        )
        task_start(user=self.world.leader, task=self.task)

    def coordinating(self) -> list[TaskDocument]:
        return list(self.task.documents.filter(state=TaskDocument.State.COORDINATING))

    def test_the_bank_ships_coordinating_scenarios(self) -> None:
        self.assertGreaterEqual(Scenario.objects.filter(coordinating=True).count(), 4)

    def test_documents_to_coordinate_on_are_drawn_into_the_coordinating_list(self) -> None:
        documents = self.coordinating()
        self.assertEqual(len(documents), 2)
        self.assertTrue(all(d.scenario.coordinating for d in documents))
        self.assertEqual(self.task.documents.count(), 7)

    def test_an_opinion_that_says_something_passes_and_a_bare_one_fails(self) -> None:
        first, second = self.coordinating()
        document_give_opinion(user=self.world.leader, document=first, opinion=OPINION)
        document_give_opinion(user=self.world.leader, document=second, opinion="đồng ý")
        self.assertTrue(AuditEntry.objects.filter(action="eoffice.opinion").exists())
        task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual(first.reasons, [])
        self.assertEqual(second.reasons, [grading.OPINION_PLACEHOLDER])

    def test_no_opinion_fails_with_its_reason(self) -> None:
        task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)
        for document in self.coordinating():
            self.assertEqual(document.reasons, [grading.NO_OPINION])

    def test_a_document_to_coordinate_on_is_not_forwarded(self) -> None:
        document = self.coordinating()[0]
        with self.assertRaises(DomainError):
            document_forward(
                user=self.world.leader,
                document=document,
                main_handler_id=self.servants["van_phong_thong_ke"].pk,
                instruction=INSTRUCTION,
            )

    def test_an_opinion_is_refused_on_a_document_the_leader_is_in_charge_of(self) -> None:
        document = self.task.documents.filter(state=TaskDocument.State.PENDING).first()
        assert document is not None
        with self.assertRaises(DomainError):
            document_give_opinion(user=self.world.leader, document=document, opinion=OPINION)

    def test_another_examinee_cannot_give_an_opinion(self) -> None:
        with self.assertRaises(DomainError):
            document_give_opinion(
                user=self.world.district_admin, document=self.coordinating()[0], opinion=OPINION
            )


class CoordinatorGradingTests(BaseTestCase):
    def grade(self, chosen: list[str], acceptable: list[str], required: bool = False) -> list[str]:
        import datetime

        day = datetime.date(2026, 11, 28)
        return grading.grade_incoming(
            forwarded=True,
            handler_position="van_phong_thong_ke",
            expected_position="van_phong_thong_ke",
            instruction=INSTRUCTION,
            deadline=day,
            given_on=day,
            latest=day,
            coordinator_positions=chosen,
            acceptable_coordinators=acceptable,
            coordinator_required=required,
        )

    def test_acceptable_coordinators_or_none_pass(self) -> None:
        self.assertEqual(self.grade(["tai_chinh_ke_toan"], ["tai_chinh_ke_toan", "van_thu"]), [])
        self.assertEqual(self.grade([], ["tai_chinh_ke_toan"]), [])

    def test_a_coordinator_outside_the_acceptable_ones_fails(self) -> None:
        self.assertEqual(
            self.grade(["truong_cong_an"], ["tai_chinh_ke_toan"]), [grading.WRONG_COORDINATOR]
        )
        self.assertEqual(self.grade(["truong_cong_an"], []), [grading.WRONG_COORDINATOR])

    def test_none_fails_when_the_scenario_requires_a_coordinator(self) -> None:
        self.assertEqual(
            self.grade([], ["tai_chinh_ke_toan"], required=True), [grading.COORDINATOR_MISSING]
        )


class BankViewTests(BaseTestCase):
    def setUp(self) -> None:
        make_servants(self.world)
        self.task = make_task(self.world)
        self.scenario = self.task.documents.filter(kind=Kind.INCOMING).first().scenario  # type: ignore[union-attr]

    def test_the_district_admin_searches_and_previews_a_scenario(self) -> None:
        self.login(self.world.district_admin)
        page = self.client.get(reverse("eoffice-scenarios"), {"q": self.scenario.number})
        self.assertContains(page, self.scenario.code)
        pdf = self.client.get(reverse("eoffice-scenario-preview", args=[self.scenario.pk]))
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_a_bad_field_is_shown_next_to_the_field(self) -> None:
        self.login(self.world.district_admin)
        data = incoming_values(number="")
        data["body"] = "Trước ngày {hạn}."
        response = self.client.post(
            reverse("eoffice-scenario-create") + "?kind=incoming", {**data, "number": "1/UB"}
        )
        self.assertContains(response, "Không rõ chỗ thay thế {hạn}")
        self.assertFalse(Scenario.objects.filter(code=data["code"]).exists())

    def test_the_district_admin_disables_a_scenario_of_the_district(self) -> None:
        Scenario.objects.filter(pk=self.scenario.pk).update(owner=self.world.district)
        self.login(self.world.district_admin)
        self.client.post(
            reverse("eoffice-scenario-toggle", args=[self.scenario.pk]), {"active": "0"}
        )
        self.scenario.refresh_from_db()
        self.assertFalse(self.scenario.is_active)

    def test_a_commune_officer_and_an_examinee_cannot_edit_the_bank(self) -> None:
        for user in (self.world.commune_officer, self.world.leader, self.world.proctor):
            self.login(user)
            response = self.client.post(
                reverse("eoffice-scenario-toggle", args=[self.scenario.pk]), {"active": "0"}
            )
            self.assertEqual(response.status_code, 403)
        self.scenario.refresh_from_db()
        self.assertTrue(self.scenario.is_active)

    def test_another_districts_admin_cannot_edit_the_campaigns_set(self) -> None:
        self.login(self.world.outsider)
        url = reverse("eoffice-set", args=[self.task.campaign.pk])
        self.assertEqual(self.client.post(url, {"incoming_count": 1}).status_code, 404)

    def test_the_district_admin_saves_the_campaigns_set(self) -> None:
        self.login(self.world.district_admin)
        url = reverse("eoffice-set", args=[self.task.campaign.pk])
        response = self.client.post(
            url,
            {
                "incoming_count": 4,
                "coordinating_count": 1,
                "outgoing_count": 1,
                "duration_minutes": 40,
            },
        )
        self.assertRedirects(response, reverse("eoffice-campaign", args=[self.task.campaign.pk]))
        self.assertEqual(scenario_set_of(self.task.campaign).duration_minutes, 40)
