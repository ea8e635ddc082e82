from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from sathach.core.audit import audit_verify
from sathach.organization.demo import DEMO_PASSWORD
from sathach.organization.models import AdministrativeUnit, Person, Role, User


class LoadDemoTestCase(TestCase):
    def run_demo(self) -> str:
        out = StringIO()
        call_command("load_demo", stdout=out)
        return out.getvalue()

    def test_it_loads_cu_lao_dung_with_an_account_per_role(self) -> None:
        output = self.run_demo()
        district = AdministrativeUnit.objects.get(code="945", level=2)
        self.assertEqual(district.children.count(), 8)
        for role in Role.values:
            users = User.objects.filter(memberships__role=role)
            self.assertTrue(any(user.username in output for user in users), role)
            self.assertTrue(all(user.check_password(DEMO_PASSWORD) for user in users), role)
        # Every leader can take the demo test: each has an examinee account.
        leaders = Person.objects.filter(
            unit__parent=district, position__in=["chu_tich", "pho_chu_tich"]
        )
        self.assertFalse(leaders.filter(user__isnull=True).exists())
        for commune in district.children.all():
            self.assertTrue(commune.people.filter(position="chu_tich").exists(), commune.name)
            self.assertTrue(commune.people.filter(position="van_thu").exists(), commune.name)
        self.assertEqual(audit_verify()[1], [])

    def test_running_it_again_keeps_the_data_and_changed_passwords(self) -> None:
        self.run_demo()
        people = Person.objects.count()
        accounts = User.objects.count()
        admin = User.objects.get(username="noivu.admin")
        admin.set_password("Another-Pass-2020")
        admin.save()
        self.run_demo()
        self.assertEqual(Person.objects.count(), people)
        admin.refresh_from_db()
        self.assertTrue(admin.check_password("Another-Pass-2020"))
        self.assertEqual(User.objects.count(), accounts)


class DemoCampaignTestCase(TestCase):
    def test_the_demo_campaign_has_the_plans_values_and_a_half_done_readiness(self) -> None:
        from decimal import Decimal

        from sathach.campaigns.models import Campaign, SigningDevice
        from sathach.campaigns.selectors import readiness

        call_command("load_demo", stdout=StringIO())
        campaign = Campaign.objects.get(code="75/KH-UBND")
        self.assertEqual(campaign.status, Campaign.Status.PREPARING)
        self.assertEqual(campaign.participants.count(), 8)
        self.assertEqual(
            (campaign.participation_target, campaign.pass_target, campaign.awards),
            (Decimal(100), Decimal(85), 3),
        )
        self.assertEqual(campaign.tie_breakers, ["participants", "facilities"])
        self.assertEqual(campaign.facility_items.count(), 6)
        rows = readiness(campaign, campaign.participants.all())
        covered = sum(row.covered for row in rows)
        leaders = sum(len(row.leaders) for row in rows)
        self.assertTrue(0 < covered < leaders)
        self.assertTrue(SigningDevice.objects.exists())
        call_command("load_demo", stdout=StringIO())
        self.assertEqual(Campaign.objects.count(), 1)


class DemoCommandTestCase(TestCase):
    def run_demo(self, out: str, seed: int = 7) -> str:
        stdout = StringIO()
        call_command("demo", "--out", out, "--seed", str(seed), stdout=stdout)
        return stdout.getvalue()

    def test_it_resets_the_demo_campaign_and_writes_the_same_ranking_for_the_same_seed(
        self,
    ) -> None:
        import json
        from pathlib import Path
        from tempfile import TemporaryDirectory

        from sathach.campaigns.models import Campaign, SigningDevice
        from sathach.campaigns.services import campaign_transition

        with TemporaryDirectory() as out:
            printed = self.run_demo(out)
            first = Path(out, "ranking.json").read_text("utf-8")
            devices = SigningDevice.objects.count()
            campaign = Campaign.objects.get(code="75/KH-UBND")
            admin = User.objects.get(username="noivu.admin")
            campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.TESTING)
            self.run_demo(out)
            second = Path(out, "ranking.json").read_text("utf-8")
        self.assertEqual(first, second)
        self.assertEqual(json.loads(first)["units"][0]["name"], "Thị trấn Cù Lao Dung")
        self.assertIn("Xã An Thạnh Nam", printed)
        self.assertEqual(Campaign.objects.get().status, Campaign.Status.PREPARING)
        self.assertEqual(SigningDevice.objects.count(), devices)
        self.assertEqual(audit_verify()[1], [])


class DemoExamTestCase(TestCase):
    def test_the_demo_has_the_shipped_bank_a_blueprint_and_a_prepared_session(self) -> None:
        from collections import Counter

        from sathach.exams.models import Attempt, ExamSession, Question

        call_command("load_demo", stdout=StringIO())
        modules = Counter(Question.objects.values_list("category__module", flat=True))
        self.assertEqual(modules, {f"IU0{n}": 30 for n in range(1, 7)})
        session = ExamSession.objects.get()
        self.assertEqual(session.proctor.username, "giamthi")
        attempts = Attempt.objects.filter(session=session)
        self.assertEqual(attempts.count(), session.examinees.count())
        self.assertEqual({a.items.count() for a in attempts}, {30})
