"""`sathach demo`: the demo campaign from scratch, its test day played, every output written."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.campaigns.demo import demo_campaign_load, demo_campaign_reset, demo_trial_load
from sathach.campaigns.demo_day import DEMO_PIN, demo_day_play, demo_outputs_write
from sathach.campaigns.management.commands.rank import render_table
from sathach.campaigns.selectors import campaign_ranking
from sathach.core.errors import DomainError
from sathach.organization.demo import demo_organization_load


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo campaign 75/KH-UBND of Cù Lao Dung: its 8 units, their "
        "leaders and civil servants, signing devices, facility checklists, the question bank "
        "and the e-office scenarios; play the test day through the real services (every leader "
        "takes both contents with seeded behaviour, some fail), approve the ranking, grant the "
        "awards, write the results workbook, the report and the draft decision, the Giấy khen "
        "and the ranking (ranking.json, in the `sathach rank --json` format) into DIR, and "
        "print the ranking table. The same seed gives the same results and ranking."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, default=None, help="output folder (default var/demo-out/)"
        )
        parser.add_argument("--seed", type=int, default=2020)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        out: Path = options["out"] or Path(settings.VAR_DIR) / "demo-out"
        seed: int = options["seed"]
        try:
            demo_organization_load(seed=seed)
            demo_campaign_reset()
            campaign = demo_campaign_load(seed=seed)
            self.stdout.write(
                _("Demo campaign %(campaign)s prepared (seed %(seed)s).")
                % {"campaign": campaign, "seed": seed}
            )
            outcome = demo_day_play(campaign=campaign, seed=seed, progress=self.stdout.write)
            demo_outputs_write(campaign=outcome.campaign, out=out, progress=self.stdout.write)
            demo_trial_load(seed=seed)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            _(
                "%(leaders)s leaders tested: %(exam)s failed the IT-skills test, %(eoffice)s "
                "the e-office test. Demo PIN of every signing certificate: %(pin)s."
            )
            % {
                "leaders": outcome.leaders,
                "exam": len(outcome.failed_exam),
                "eoffice": len(outcome.failed_eoffice),
                "pin": DEMO_PIN,
            }
        )
        self.stdout.write(render_table(campaign_ranking(outcome.campaign)))
        self.stdout.write(
            _("Demo campaign %(campaign)s (%(status)s), played in %(seconds).1f s.")
            % {
                "campaign": outcome.campaign,
                "status": outcome.campaign.get_status_display(),
                "seconds": time.monotonic() - started,
            }
        )
