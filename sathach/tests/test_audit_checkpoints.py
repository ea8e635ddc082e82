"""Checkpoints kept outside the database catch what the hash chain alone cannot: the newest
entries deleted with the head moved back, and an entry edited with every later hash and the
head recomputed."""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from sathach.core.audit import AuditAction, audit_log, audit_verify
from sathach.core.audit_checkpoints import checkpoints_verify
from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase


class CheckpointTests(BaseTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.file = Path(folder.name) / "checkpoints.jsonl"
        override = override_settings(AUDIT_CHECKPOINT_FILE=str(self.file))
        override.enable()
        self.addCleanup(override.disable)
        for n in range(4):
            audit_log(
                actor=self.world.district_admin,
                action=AuditAction.UNIT_UPDATED,
                obj=self.world.dai_an_1,
                summary={"n": n},
            )
        out = StringIO()
        call_command("audit", "checkpoint", stdout=out)
        self.assertIn("#", out.getvalue())

    def verify(self) -> tuple[int, str]:
        out, err = StringIO(), StringIO()
        try:
            call_command("audit", "verify", stdout=out, stderr=err)
        except CommandError as error:
            return 1, err.getvalue() + str(error)
        return 0, out.getvalue()

    def test_an_intact_log_passes_with_its_checkpoints(self) -> None:
        self.assertEqual(self.verify()[0], 0)
        self.assertEqual(checkpoints_verify()[0], 1)

    def test_the_newest_entries_deleted_with_the_head_moved_back_are_caught(self) -> None:
        last = AuditEntry.objects.order_by("-seq")[0]
        before = AuditEntry.objects.get(seq=last.seq - 1)
        with connection.cursor() as cursor:  # as someone with the database's password would
            cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
            cursor.execute(
                "UPDATE core_audithead SET seq = %s, hash = %s WHERE id = 1",
                [before.seq, before.hash],
            )
        self.assertEqual(audit_verify()[1], [])  # the chain alone cannot tell
        status, output = self.verify()
        self.assertEqual(status, 1)
        self.assertIn(str(last.seq), output)

    def test_an_edit_with_every_later_hash_recomputed_is_caught(self) -> None:
        entries = list(AuditEntry.objects.order_by("seq"))
        target = entries[-2]
        target.summary = {"n": 99}
        previous = target.prev_hash
        for entry in entries[entries.index(target) :]:
            entry.prev_hash = previous
            entry.hash = entry.compute_hash()
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE core_auditentry SET summary = %s, prev_hash = %s, hash = %s "
                    "WHERE id = %s",
                    [json.dumps(entry.summary), entry.prev_hash, entry.hash, entry.pk],
                )
            previous = entry.hash
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_audithead SET hash = %s WHERE id = 1", [previous])
        self.assertEqual(audit_verify()[1], [])  # the chain alone cannot tell
        self.assertEqual(self.verify()[0], 1)

    def test_a_checkpoint_line_written_by_someone_else_is_reported(self) -> None:
        forged = {"seq": 1, "hash": "0" * 64, "at": "2026-12-06T00:00:00+00:00", "mac": "x"}
        with self.file.open("a", encoding="utf-8") as out:
            out.write(json.dumps(forged) + "\n")
        status, output = self.verify()
        self.assertEqual(status, 1)
        self.assertIn("2", output)  # its line number
