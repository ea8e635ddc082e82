"""`sathach notices remind`: queue the reminders due now (run it every 10 minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sathach.notices.services import reminders_queue


class Command(BaseCommand):
    help = (
        "remind: queue the reminders of the exam sessions opening within 24 hours (the day "
        "before) and within one hour, to each examinee by e-mail and SMS; a reminder already "
        "queued is never queued again, so running it twice or every few minutes is safe. "
        "The worker (`sathach worker`) sends them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["remind"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = reminders_queue()
        self.stdout.write(f"{count} reminders queued.")
