"""Copying a scenario of the bank into a unit's own: any e-office admin reads every
scenario and copies it to change it; the copy belongs to one of the admin's units."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.eoffice.models import Scenario
from sathach.eoffice.services.bank import FIELDS, scenario_owner_for
from sathach.organization.models import AdministrativeUnit

CODE_LENGTH = 40


def _copy_code(owner: AdministrativeUnit, code: str) -> str:
    """`<unit code>-<code>` within 40 characters, with a number added when it is taken."""
    base = f"{owner.code}-{code}"[:CODE_LENGTH].rstrip("-")
    candidate, number = base, 2
    while Scenario.objects.filter(code=candidate).exists():
        suffix = f"-{number}"
        candidate = base[: CODE_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate


def scenario_copy(*, actor: Any, scenario: Scenario, owner: AdministrativeUnit) -> Scenario:
    """A copy of `scenario` that belongs to `owner` (one of the actor's e-office units), in
    use, of the same era, with a code of its own; the original is unchanged."""
    owner_unit = scenario_owner_for(actor, owner)
    if owner_unit is None:
        raise DomainError(_("Choose the unit the scenario belongs to."))
    with transaction.atomic():
        copy = Scenario(
            code=_copy_code(owner_unit, scenario.code),
            kind=scenario.kind,
            era=scenario.era,
            owner=owner_unit,
            signer_page=scenario.signer_page,
            signer_box=list(scenario.signer_box),
            **{name: getattr(scenario, name) for name in FIELDS},
        )
        copy.coordinators = list(scenario.coordinators)
        copy.body = list(scenario.body)
        copy.recipients = list(scenario.recipients)
        copy.save()
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_SCENARIO_COPIED,
            obj=copy,
            summary={"code": copy.code, "from": scenario.code, "owner": owner_unit.code},
        )
    return copy
