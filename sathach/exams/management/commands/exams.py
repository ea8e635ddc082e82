"""`sathach exams …`: jobs of the IT-skills test."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sathach.exams.services.attempts import attempts_submit_overdue


class Command(BaseCommand):
    help = (
        "Jobs of the IT-skills test. 'submit-overdue' submits and grades every attempt whose "
        "time and grace window have run out (at its deadline) and records the results; safe "
        "to run again, e.g. every minute from cron or a systemd timer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("submit-overdue", help="submit attempts whose time has run out")

    def handle(self, *args: Any, **options: Any) -> None:
        count = attempts_submit_overdue()
        self.stdout.write(_("Overdue attempts submitted: %(count)s") % {"count": count})
