"""`sathach notices remind`: queue the reminders due now (run it every 10 minutes).
`sathach notices send --session N | --office-session N`: queue the schedule notices of one
session, as the session's page does (for scripts and the operator's shell)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sathach.core.errors import DomainError
from sathach.eoffice.models import OfficeSession
from sathach.exams.models import ExamSession
from sathach.notices.models import Message
from sathach.notices.services import notices_for_session, reminders_queue


class Command(BaseCommand):
    help = (
        "remind: queue the reminders of the IT-skills and e-office sessions opening within "
        "24 hours (the day before) and within one hour, to each examinee by e-mail and SMS; "
        "a reminder already queued is never queued again, so running it twice or every few "
        "minutes is safe. send --session N (or --office-session N): queue the schedule "
        "notices of that session to its leaders and the commune officers' lists. The worker "
        "(`sathach worker`) sends them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["remind", "send"])
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--session", type=int, help="an IT-skills session's number")
        which.add_argument("--office-session", type=int, help="an e-office session's number")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            count = reminders_queue()
            self.stdout.write(f"{count} reminders queued.")
            return
        sitting: Any
        if options["session"]:
            sitting = ExamSession.objects.filter(pk=options["session"]).first()
        elif options["office_session"]:
            sitting = OfficeSession.objects.filter(pk=options["office_session"]).first()
        else:
            raise CommandError("send needs --session N or --office-session N.")
        if sitting is None:
            raise CommandError("No such session.")
        try:
            created = notices_for_session(
                actor=None, session=sitting, kind=Message.Kind.SESSION_SCHEDULED
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{len(created)} notices queued for “{sitting.name}”.")
