from __future__ import annotations

import datetime
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from sathach.core.audit import AuditAction, audit_log, audit_verify
from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase


class AuditChainTestCase(BaseTestCase):
    def write_three(self) -> list[AuditEntry]:
        return [
            audit_log(
                actor=self.world.district_admin,
                action=AuditAction.UNIT_UPDATED,
                obj=self.world.dai_an_1,
                summary={"n": n, "tên": "Đại Ân 1"},
            )
            for n in range(3)
        ]

    def verify(self) -> tuple[int, str]:
        out, err = StringIO(), StringIO()
        try:
            call_command("audit", "verify", stdout=out, stderr=err)
        except CommandError as error:
            return 1, err.getvalue() + str(error)
        return 0, out.getvalue()

    def test_it_chains_each_entry_to_the_one_before(self) -> None:
        first, second, third = self.write_three()
        self.assertEqual(second.prev_hash, first.hash)
        self.assertEqual(third.prev_hash, second.hash)
        self.assertEqual(third.seq, second.seq + 1)
        self.assertEqual(audit_verify()[1], [])
        self.assertEqual(self.verify()[0], 0)

    def test_verify_detects_an_entry_edited_directly_in_the_database(self) -> None:
        _first, second, _third = self.write_three()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditentry SET actor_label = %s WHERE id = %s",
                ["someone.else", second.pk],
            )
        status, output = self.verify()
        self.assertEqual(status, 1)
        self.assertIn(str(second.seq), output)

    def test_verify_detects_an_edited_summary(self) -> None:
        entries = self.write_three()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditentry SET summary = %s WHERE id = %s",
                ['{"n": 99}', entries[0].pk],
            )
        self.assertEqual(self.verify()[0], 1)

    def test_verify_detects_a_deleted_entry_in_the_middle(self) -> None:
        _first, second, _third = self.write_three()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [second.pk])
        status, output = self.verify()
        self.assertEqual(status, 1)
        self.assertIn(str(second.seq), output)

    def test_verify_detects_the_newest_entry_deleted(self) -> None:
        *_rest, third = self.write_three()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [third.pk])
        self.assertEqual(self.verify()[0], 1)

    def test_the_model_refuses_updates_and_deletes(self) -> None:
        entry = self.write_three()[0]
        entry.actor_label = "x"
        with self.assertRaises(PermissionError):
            entry.save()
        with self.assertRaises(PermissionError):
            entry.delete()
        with self.assertRaises(PermissionError):
            AuditEntry.objects.filter(pk=entry.pk).update(actor_label="x")
        with self.assertRaises(PermissionError):
            AuditEntry.objects.all().delete()


class AuditPageTestCase(BaseTestCase):
    def test_a_district_admin_sees_entries_of_the_district_only(self) -> None:
        audit_log(actor="demo", action=AuditAction.UNIT_UPDATED, obj=self.world.dai_an_1)
        audit_log(actor="demo", action=AuditAction.UNIT_UPDATED, obj=self.world.other_commune)
        self.login(self.world.district_admin)
        response = self.client.get(reverse("audit-list"))
        self.assertContains(response, "Xã Đại Ân 1")
        self.assertNotContains(response, "Thị trấn Long Phú")

    def test_it_filters_by_action_and_date(self) -> None:
        audit_log(actor="demo", action=AuditAction.UNIT_UPDATED, obj=self.world.dai_an_1)
        audit_log(actor="demo", action=AuditAction.PERSON_UPDATED, obj=self.world.leader_person)
        self.login(self.world.district_admin)
        response = self.client.get(reverse("audit-list"), {"action": "person.updated"})
        self.assertContains(response, "Trần Thị Ngân")
        self.assertNotContains(response, "Xã Đại Ân 1</td>")
        tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).strftime("%d/%m/%Y")
        response = self.client.get(reverse("audit-list"), {"date_from": tomorrow})
        self.assertNotContains(response, "Trần Thị Ngân")

    def test_a_commune_officer_cannot_read_the_audit_log(self) -> None:
        self.login(self.world.commune_officer)
        self.assertEqual(self.client.get(reverse("audit-list")).status_code, 403)
