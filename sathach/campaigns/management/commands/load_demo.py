"""`sathach load_demo`: the demo organization and one account per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sathach.campaigns.demo import demo_campaign_load
from sathach.organization.demo import DEMO_PASSWORD, demo_organization_load
from sathach.organization.models import Role


class Command(BaseCommand):
    help = (
        "Load the demo organization (Cù Lao Dung district, 945, with its 8 communes of 2020, "
        "their leaders and civil servants), one account per role and the demo campaign "
        "75/KH-UBND being prepared, then print the accounts. Safe to run again: existing "
        "data and changed passwords are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2020)

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_organization_load(seed=options["seed"])
        campaign = demo_campaign_load(seed=options["seed"])
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
        self.stdout.write(
            _("Demo campaign: %(campaign)s (%(status)s).")
            % {"campaign": campaign, "status": campaign.get_status_display()}
        )
