"""E-office test data: the shipped bank, the civil servants of Đại Ân 1 and a drawn task."""

from __future__ import annotations

from sathach.campaigns.models import Campaign
from sathach.campaigns.tests.factories import make_campaign
from sathach.eoffice.models import Scenario, Task
from sathach.eoffice.services.bank import scenarios_load
from sathach.eoffice.services.draw import task_prepare
from sathach.organization.models import HANDLER_POSITIONS_BY_ERA, AdministrativeUnit, Person
from sathach.organization.testing import World, make_person

PIN = "250720"


def load_bank() -> None:
    if not Scenario.objects.exists():
        scenarios_load(actor="test")


def make_servants(
    world: World, *, unit: AdministrativeUnit | None = None, era: str = "2020"
) -> dict[str, Person]:
    """One civil servant of Đại Ân 1 (or `unit`) in each position a leader of the era
    forwards to."""
    return {
        position: make_person(f"Công chức {index}", unit or world.dai_an_1, position)
        for index, position in enumerate(HANDLER_POSITIONS_BY_ERA[era], start=1)
    }


def make_task(world: World, *, status: str = Campaign.Status.TESTING, seed: int = 1) -> Task:
    load_bank()
    campaign = make_campaign(world, status=status)
    return task_prepare(
        actor=world.district_admin,
        campaign=campaign,
        person=world.leader_person,
        seed=seed,
    )
