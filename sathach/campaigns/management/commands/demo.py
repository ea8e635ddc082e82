"""`sathach demo`: the demo campaign from scratch, its test day played, every output written."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.campaigns.demo import demo_campaign_load, demo_campaign_reset, demo_trial_load
from sathach.campaigns.demo_day import DEMO_PIN, DayOutcome, demo_day_play, demo_outputs_write
from sathach.campaigns.management.commands.rank import render_table
from sathach.campaigns.selectors import campaign_ranking
from sathach.core.errors import DomainError
from sathach.organization.demo import demo_organization_load
from sathach.organization.demo2025 import DEMO_COMMUNES


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo campaign 75/KH-UBND of Cù Lao Dung: its 8 units, their "
        "leaders and civil servants, signing devices, facility checklists, the question bank "
        "and the e-office scenarios; play the test day through the real services (every leader "
        "takes both contents with seeded behaviour, some fail), approve the ranking, grant the "
        "awards, write the results workbook, the report and the draft decision, the Giấy khen "
        "and the ranking (ranking.json, in the `sathach rank --json` format) into DIR, and "
        "print the ranking table. The same seed gives the same results and ranking. "
        "With --era 2025: the campaign 35/KH-UBND of 2026 of Thành phố Cần Thơ over 12 of "
        "its communes and wards of today (or the first N with --communes), with the 2025 "
        "positions and scenario set and a Bằng khen of the city Chairman, written by default "
        "into var/demo-out-2025/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, default=None, help="output folder (default var/demo-out/)"
        )
        parser.add_argument("--seed", type=int, default=None, help="2020, or 2026 with --era 2025")
        parser.add_argument("--era", choices=["2020", "2025"], default="2020")
        parser.add_argument(
            "--communes",
            type=int,
            choices=range(1, len(DEMO_COMMUNES) + 1),
            metavar=f"1-{len(DEMO_COMMUNES)}",
            default=None,
            help="with --era 2025: play only the first N of the demo's 12 communes",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["era"] == "2025":
            self._handle_2025(options)
            return
        if options["communes"] is not None:
            raise CommandError(_("--communes goes with --era 2025."))
        started = time.monotonic()
        out: Path = options["out"] or Path(settings.VAR_DIR) / "demo-out"
        seed: int = 2020 if options["seed"] is None else options["seed"]
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
        self._summary(outcome, started)

    def _handle_2025(self, options: dict[str, Any]) -> None:
        from sathach.campaigns.demo2025 import (
            CAST,
            demo2025_campaign_load,
            demo2025_campaign_reset,
        )
        from sathach.organization.demo2025 import demo2025_organization_load

        started = time.monotonic()
        out: Path = options["out"] or Path(settings.VAR_DIR) / "demo-out-2025"
        seed: int = 2026 if options["seed"] is None else options["seed"]
        try:
            demo2025_organization_load(seed=seed)
            demo2025_campaign_reset()
            campaign = demo2025_campaign_load(seed=seed, communes=options["communes"])
            self.stdout.write(
                _("Demo campaign %(campaign)s prepared (seed %(seed)s).")
                % {"campaign": campaign, "seed": seed}
            )
            outcome = demo_day_play(
                campaign=campaign, seed=seed, progress=self.stdout.write, cast=CAST
            )
            demo_outputs_write(
                campaign=outcome.campaign, out=out, progress=self.stdout.write, cast=CAST
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self._summary(outcome, started)

    def _summary(self, outcome: DayOutcome, started: float) -> None:
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
