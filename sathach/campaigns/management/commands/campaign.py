"""`sathach campaign …`: a stored campaign from the command line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sathach.campaigns.selectors import campaign_by_code, campaign_ranking, ranking_input
from sathach.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "A stored campaign. 'rank CODE [--json]' prints the ranking of its current results "
        "exactly as `sathach rank` does for a file; 'export-input CODE' prints the campaign's "
        "data as a `sathach rank` input document. Read-only. When two units issued campaigns "
        "with the same code, name the issuing unit with --unit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rank = sub.add_parser("rank", help="rank a stored campaign")
        rank.add_argument("code")
        rank.add_argument("--unit", help="official code of the issuing unit")
        rank.add_argument("--json", action="store_true")
        export = sub.add_parser("export-input", help="the campaign as a rank input document")
        export.add_argument("code")
        export.add_argument("--unit", help="official code of the issuing unit")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign = campaign_by_code(options["code"], options.get("unit"))
        except DomainError as error:
            raise CommandError(error.message) from error
        if options["action"] == "export-input":
            self.stdout.write(json.dumps(ranking_input(campaign), ensure_ascii=False, indent=1))
            return
        output = campaign_ranking(campaign)
        if options["json"]:
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=1))
        else:
            from sathach.campaigns.management.commands.rank import render_table

            self.stdout.write(render_table(output))
