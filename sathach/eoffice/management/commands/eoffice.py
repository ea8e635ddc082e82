"""`sathach eoffice …`: jobs of the e-office test."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign
from sathach.core.errors import DomainError
from sathach.eoffice.services.bank import ERAS, scenarios_load
from sathach.eoffice.services.draw import tasks_prepare, tasks_prepare_retakes
from sathach.eoffice.services.tasks import tasks_submit_overdue


class Command(BaseCommand):
    help = (
        "Jobs of the e-office test. 'load-scenarios [--era 2020|2025]' creates or updates the "
        "shipped scenario sets by code, both or the era's (safe to run again); 'prepare "
        "CODE' draws the documents of every leader with an account in the campaign "
        "(existing draws are kept); 'prepare-retakes CODE' "
        "draws a second test for every leader who failed the first, when the campaign's "
        "retake policy allows it (safe to run again); 'submit-overdue' submits and grades "
        "every task whose time and grace have run out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-scenarios", help="load the shipped scenario sets")
        load.add_argument(
            "--era", choices=ERAS, default=None, help="only the set of 2020 or of 2025"
        )
        prepare = sub.add_parser("prepare", help="draw documents for a campaign's leaders")
        prepare.add_argument("campaign", help="the campaign's code, e.g. 75/KH-UBND")
        prepare.add_argument("--seed", type=int, default=None)
        retakes = sub.add_parser("prepare-retakes", help="draw retakes for those who failed")
        retakes.add_argument("campaign", help="the campaign's code, e.g. 75/KH-UBND")
        sub.add_parser("submit-overdue", help="submit tasks whose time has run out")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "load-scenarios":
                created, updated = scenarios_load(actor="command", era=options["era"])
                self.stdout.write(
                    _("Scenarios loaded: %(created)s new, %(updated)s updated.")
                    % {"created": created, "updated": updated}
                )
            elif options["action"] == "prepare":
                campaign = self._campaign(options["campaign"])
                count = tasks_prepare(actor="command", campaign=campaign, seed=options["seed"])
                self.stdout.write(_("Documents drawn for %(count)s leaders.") % {"count": count})
            elif options["action"] == "prepare-retakes":
                campaign = self._campaign(options["campaign"])
                count = tasks_prepare_retakes(actor="command", campaign=campaign)
                self.stdout.write(
                    _("A retake was drawn for %(count)s leaders who failed.") % {"count": count}
                )
            else:
                count = tasks_submit_overdue()
                self.stdout.write(_("Overdue tasks submitted: %(count)s") % {"count": count})
        except DomainError as error:
            raise CommandError(error.message) from error

    def _campaign(self, code: str) -> Campaign:
        campaign = Campaign.objects.filter(code=code).first()
        if campaign is None:
            raise CommandError(_("No campaign with this code."))
        return campaign
