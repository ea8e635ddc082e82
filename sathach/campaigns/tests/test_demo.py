from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from sathach.campaigns.demo_day import DEMO_PIN
from sathach.core.audit import audit_verify
from sathach.organization.demo import DEMO_PASSWORD
from sathach.organization.models import AdministrativeUnit, Person, Role, User


class LoadDemoTestCase(TestCase):
    """`load_demo` (what `make run` calls): the organization, an account per role and the
    demo campaign with its test day played; loaded once for the class, since playing the day
    signs every leader's draft."""

    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        out = StringIO()
        call_command("load_demo", stdout=out)
        cls.output = out.getvalue()

    def test_it_loads_cu_lao_dung_with_an_account_per_role(self) -> None:
        district = AdministrativeUnit.objects.get(code="945", level=2)
        self.assertEqual(district.children.count(), 8)
        # A commune's own admin exists from 1/7/2025 only: the demo of today has one.
        for role in set(Role.values) - {Role.COMMUNE_ADMIN}:
            users = User.objects.filter(memberships__role=role)
            self.assertTrue(any(user.username in self.output for user in users), role)
            self.assertTrue(all(user.check_password(DEMO_PASSWORD) for user in users), role)
        # Every leader can take the demo test: each has an examinee account.
        leaders = Person.objects.filter(
            unit__parent=district, position__in=["chu_tich", "pho_chu_tich"]
        )
        self.assertFalse(leaders.filter(user__isnull=True).exists())
        for commune in district.children.all():
            self.assertTrue(commune.people.filter(position="chu_tich").exists(), commune.name)
            self.assertTrue(commune.people.filter(position="van_thu").exists(), commune.name)
        self.assertIn(DEMO_PIN, self.output)
        self.assertEqual(audit_verify()[1], [])

    def test_every_leader_can_take_both_contents_of_the_practice_round_in_the_browser(
        self,
    ) -> None:
        from django.urls import reverse

        from sathach.campaigns.demo import TRIAL_CODE, TRIAL_PLAYED
        from sathach.eoffice.models import Task
        from sathach.exams.models import Attempt, ExamSession

        session = ExamSession.objects.get(campaign__code=TRIAL_CODE)
        self.assertEqual(session.status, ExamSession.Status.OPEN)
        self.assertIn(session.access_code, self.output)
        leaders = Person.objects.filter(
            unit__parent__code="945", position__in=["chu_tich", "pho_chu_tich"]
        )
        # Two leaders took it already, with practical files, for the proctor's page to show.
        ready = Attempt.objects.filter(session=session, status=Attempt.Status.READY)
        self.assertEqual(ready.count(), leaders.count() - TRIAL_PLAYED)
        tasks = Task.objects.filter(campaign__code=TRIAL_CODE)
        self.assertEqual(tasks.count(), leaders.count())
        examinee = User.objects.get(username="31627.ngantt")
        self.client.force_login(examinee)
        attempt = ready.get(user=examinee)
        response = self.client.post(
            reverse("attempt-begin", args=[attempt.pk]), {"code": session.access_code}
        )
        self.assertContains(response, f'data-page-url="{reverse("attempt", args=[attempt.pk])}"')
        self.assertContains(self.client.get(reverse("eoffice-my")), TRIAL_CODE)

    def test_running_it_again_keeps_the_data_and_changed_passwords(self) -> None:
        from sathach.campaigns.models import Campaign, Result

        people = Person.objects.count()
        accounts = User.objects.count()
        results = list(Result.objects.order_by("pk").values_list("pk", "outcome", "updated_at"))
        admin = User.objects.get(username="noivu.admin")
        admin.set_password("Another-Pass-2020")
        admin.save()
        call_command("load_demo", stdout=StringIO())
        self.assertEqual(Person.objects.count(), people)
        admin.refresh_from_db()
        self.assertTrue(admin.check_password("Another-Pass-2020"))
        self.assertEqual(User.objects.count(), accounts)
        self.assertEqual(Campaign.objects.count(), 2)  # the played campaign and the practice
        # The played day is kept as it is, not played again.
        self.assertEqual(
            list(Result.objects.order_by("pk").values_list("pk", "outcome", "updated_at")),
            results,
        )

    def test_the_demo_campaign_has_the_plans_values_and_its_day_played(self) -> None:
        from decimal import Decimal

        from sathach.campaigns.models import Campaign, Result, SigningDevice
        from sathach.campaigns.selectors import campaign_ranking, readiness

        campaign = Campaign.objects.get(code="75/KH-UBND")
        self.assertEqual(campaign.status, Campaign.Status.AWARDED)
        self.assertEqual(campaign.participants.count(), 8)
        self.assertEqual(
            (campaign.participation_target, campaign.pass_target, campaign.awards),
            (Decimal(100), Decimal(85), 3),
        )
        self.assertEqual(campaign.tie_breakers, ["participants", "facilities"])
        self.assertEqual(campaign.facility_items.count(), 6)
        # On the test day every leader signs with an exam certificate, a test credential
        # that covers nobody: the three leaders the demo leaves without a device stay
        # uncovered.
        rows = readiness(campaign, campaign.participants.all())
        self.assertEqual(
            (sum(row.covered for row in rows), sum(len(row.leaders) for row in rows)), (15, 18)
        )
        self.assertTrue(SigningDevice.objects.filter(source=SigningDevice.Source.UPLOADED).exists())
        self.assertTrue(Result.objects.filter(outcome=Result.Outcome.FAILED).exists())
        self.assertTrue(campaign.decisions.get().awards.exists())
        # The same data as `sathach demo` with the same seed.
        self.assertTrue(any(unit["award"] == "yes" for unit in campaign_ranking(campaign)["units"]))

    def test_the_demo_has_the_shipped_bank_a_blueprint_and_a_played_session(self) -> None:
        from collections import Counter

        from sathach.exams.models import PRACTICAL, Attempt, ExamSession, Question

        objective = Question.objects.exclude(current__type__in=PRACTICAL)
        modules = Counter(objective.values_list("category__module", flat=True))
        self.assertEqual(modules, {f"IU0{n}": 30 for n in range(1, 7)})
        # Beside them, the shipped practical tasks (sathach/practical/data/demo-tasks.json).
        practical = Question.objects.filter(current__type__in=PRACTICAL)
        self.assertEqual(
            Counter(practical.values_list("category__module", flat=True)),
            {"IU01": 2, "IU03": 4, "IU04": 4, "IU05": 2},
        )
        session = ExamSession.objects.get(campaign__code="75/KH-UBND")
        self.assertEqual(session.proctor.username, "giamthi")
        self.assertEqual(session.status, ExamSession.Status.CLOSED)
        attempts = Attempt.objects.filter(session=session)
        self.assertEqual(attempts.count(), session.examinees.count())
        self.assertEqual({a.items.count() for a in attempts}, {30})
        self.assertEqual(set(attempts.values_list("status", flat=True)), {"submitted"})
