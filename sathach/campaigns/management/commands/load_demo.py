"""`sathach load_demo`: the demo organization and one account per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sathach.campaigns.demo import demo_campaign_get, demo_campaign_load, demo_trial_load
from sathach.campaigns.demo_day import DEMO_PIN, demo_day_play
from sathach.organization.demo import DEMO_PASSWORD, DemoAccount, demo_organization_load
from sathach.organization.models import Role


class Command(BaseCommand):
    help = (
        "Load the demo organization (Cù Lao Dung district, 945, with its 8 communes of 2020, "
        "their leaders and civil servants), one account per role and the demo campaign "
        "75/KH-UBND with its test day played as `sathach demo` plays it (the same seed, the "
        "same results and ranking), and a practice round 76/KH-UBND open for a week in which "
        "every demo leader takes both contents in the browser; then print the accounts. Safe "
        "to run again: existing campaigns, other data and changed passwords are kept. With "
        "--era 2025: beside it, Thành phố Cần Thơ of today (92, its 103 communes and wards, "
        "the people of 12 of them), one account per role over the city and the campaign "
        "35/KH-UBND of 2026 with its test day played as `sathach demo --era 2025` plays it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=None, help="2020, or 2026 with --era 2025")
        parser.add_argument("--era", choices=["2020", "2025"], default="2020")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["era"] == "2025":
            self._handle_2025(2026 if options["seed"] is None else options["seed"])
            return
        if options["seed"] is None:
            options["seed"] = 2020
        accounts = demo_organization_load(seed=options["seed"])
        existed = demo_campaign_get() is not None
        campaign = demo_campaign_load(seed=options["seed"])
        if not existed:  # a new campaign: play its test day; an existing one is kept
            campaign = demo_day_play(campaign=campaign, seed=options["seed"]).campaign
        trial = demo_trial_load(seed=options["seed"])
        self._accounts(accounts)
        self.stdout.write(
            _("Demo campaign: %(campaign)s (%(status)s).")
            % {"campaign": campaign, "status": campaign.get_status_display()}
        )
        self.stdout.write(_("PIN of the demo signing certificates: %(pin)s.") % {"pin": DEMO_PIN})
        from sathach.exams.models import ExamSession

        session = ExamSession.objects.filter(campaign=trial).first()
        self.stdout.write(
            _(
                "Practice round %(campaign)s: every demo leader can take both contents in the "
                "browser (access code of the IT-skills test: %(code)s)."
            )
            % {"campaign": trial, "code": session.access_code if session else "—"}
        )

    def _accounts(self, accounts: list[DemoAccount]) -> None:
        labels = dict(Role.choices)
        self.stdout.write(
            _("Demo accounts (password %(password)s unless changed since):")
            % {"password": DEMO_PASSWORD}
        )
        for account in accounts:
            role = str(labels[account.role])
            self.stdout.write(
                f"  {role:<24} {account.username:<22} {account.full_name} — {account.unit}"
            )

    def _handle_2025(self, seed: int) -> None:
        from sathach.campaigns.demo2025 import (
            CAST,
            demo2025_campaign_get,
            demo2025_campaign_load,
        )
        from sathach.organization.demo2025 import demo2025_organization_load

        accounts = demo2025_organization_load(seed=seed)
        existed = demo2025_campaign_get() is not None
        campaign = demo2025_campaign_load(seed=seed)
        if not existed:  # a new campaign: play its test day; an existing one is kept
            campaign = demo_day_play(campaign=campaign, seed=seed, cast=CAST).campaign
        self._accounts(accounts)
        self.stdout.write(
            _("Demo campaign: %(campaign)s (%(status)s).")
            % {"campaign": campaign, "status": campaign.get_status_display()}
        )
        self.stdout.write(_("PIN of the demo signing certificates: %(pin)s.") % {"pin": DEMO_PIN})
