"""`sathach demo`: the demo campaign from scratch, its ranking printed and written out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sathach.campaigns.demo import demo_campaign_load, demo_campaign_reset
from sathach.campaigns.management.commands.rank import render_table
from sathach.campaigns.selectors import campaign_ranking
from sathach.organization.demo import demo_organization_load


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo campaign 75/KH-UBND of Cù Lao Dung: its 8 units, their "
        "leaders and civil servants, signing devices and facility checklists; compute the "
        "ranking of the results recorded, write it to DIR/ranking.json in the `sathach rank "
        "--json` format and print the ranking table. The same seed gives the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, default=None, help="output folder (default var/demo-out/)"
        )
        parser.add_argument("--seed", type=int, default=2020)

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"] or Path(settings.VAR_DIR) / "demo-out"
        out.mkdir(parents=True, exist_ok=True)
        demo_organization_load(seed=options["seed"])
        demo_campaign_reset()
        campaign = demo_campaign_load(seed=options["seed"])
        output = campaign_ranking(campaign)
        target = out / "ranking.json"
        target.write_text(json.dumps(output, ensure_ascii=False, indent=1) + "\n", "utf-8")
        self.stdout.write(
            _("Demo campaign %(campaign)s (%(status)s).")
            % {"campaign": campaign, "status": campaign.get_status_display()}
        )
        self.stdout.write(render_table(output))
        self.stdout.write(_("Written: %(path)s") % {"path": target})
