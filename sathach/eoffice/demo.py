"""The demo's e-office test: the shipped scenario set of the campaign's era and every demo
leader's documents drawn for the demo campaign. Leaders sign with a certificate of the exam
CA (issued on the signing-certificates page, or by `sathach pki`), after setting its PIN."""

from __future__ import annotations

from django.db import transaction

from sathach.campaigns.models import Campaign
from sathach.eoffice.models import Scenario
from sathach.eoffice.services.bank import scenarios_load
from sathach.eoffice.services.draw import scenario_set_of, tasks_prepare


def demo_eoffice_load(*, campaign: Campaign, seed: int = 2020) -> int:
    """Load the shipped set of the campaign's era once and draw for every leader with an
    account; returns how many tasks were drawn now. Safe to run again."""
    era = campaign.era
    with transaction.atomic():
        if not Scenario.objects.filter(era=era, owner__isnull=True).exists():
            scenarios_load(actor="demo", era=era)
        scenario_set_of(campaign)
        return tasks_prepare(actor="demo", campaign=campaign, seed=seed)
