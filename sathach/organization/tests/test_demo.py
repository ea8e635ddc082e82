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
            user = User.objects.get(memberships__role=role)
            self.assertTrue(user.check_password(DEMO_PASSWORD))
            self.assertIn(user.username, output)
        for commune in district.children.all():
            self.assertTrue(commune.people.filter(position="chu_tich").exists(), commune.name)
            self.assertTrue(commune.people.filter(position="van_thu").exists(), commune.name)
        self.assertEqual(audit_verify()[1], [])

    def test_running_it_again_keeps_the_data_and_changed_passwords(self) -> None:
        self.run_demo()
        people = Person.objects.count()
        admin = User.objects.get(username="noivu.admin")
        admin.set_password("Another-Pass-2020")
        admin.save()
        self.run_demo()
        self.assertEqual(Person.objects.count(), people)
        admin.refresh_from_db()
        self.assertTrue(admin.check_password("Another-Pass-2020"))
        self.assertEqual(User.objects.count(), 6)
