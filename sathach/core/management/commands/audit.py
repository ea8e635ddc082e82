"""`sathach audit verify` and `sathach audit checkpoint`: check the audit chain, and keep
its head outside the database (sathach/core/audit_checkpoints.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.core.audit import audit_verify
from sathach.core.audit_checkpoints import checkpoint_write, checkpoints_verify


class Command(BaseCommand):
    help = (
        "Audit log tools. 'verify' recomputes the hash chain of every entry and checks it "
        "against the checkpoints, and exits with status 1 when an entry was edited, deleted "
        "or inserted outside the services (read-only, safe to run at any time). "
        "'checkpoint' appends the chain's head, signed, to AUDIT_CHECKPOINT_FILE (or --file): "
        "run it from cron and keep the file off the database's machine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument("--file", help="the checkpoint file (default AUDIT_CHECKPOINT_FILE)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options.get("file") else None
        if options["action"] == "checkpoint":
            record = checkpoint_write(path)
            self.stdout.write(
                _("Checkpoint written: entry #%(seq)s at %(at)s.")
                % {"seq": record["seq"], "at": record["at"]}
            )
            return
        count, problems = audit_verify()
        checkpoints, late = checkpoints_verify(path)
        problems += late
        if problems:
            for problem in problems:
                self.stderr.write(_("Entry #%(seq)s: %(message)s") % problem.__dict__)
            raise CommandError(
                _("The audit log was tampered with: %(n)s problem(s) in %(count)s entries.")
                % {"n": len(problems), "count": count}
            )
        self.stdout.write(
            _("The audit log is intact: %(count)s entries and %(checkpoints)s checkpoints checked.")
            % {"count": count, "checkpoints": checkpoints}
        )
