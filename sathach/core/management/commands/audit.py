"""`sathach audit verify`: recompute the audit chain and report any tampering."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.core.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Audit log tools. 'verify' recomputes the hash chain of every entry and exits with "
        "status 1 when an entry was edited, deleted or inserted outside the services. "
        "Read-only, safe to run at any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        count, problems = audit_verify()
        if problems:
            for problem in problems:
                self.stderr.write(_("Entry #%(seq)s: %(message)s") % problem.__dict__)
            raise CommandError(
                _("The audit log was tampered with: %(n)s problem(s) in %(count)s entries.")
                % {"n": len(problems), "count": count}
            )
        self.stdout.write(
            _("The audit log is intact: %(count)s entries checked.") % {"count": count}
        )
