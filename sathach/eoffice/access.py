"""Who changes which scenario of the e-office bank.

A scenario belongs to a unit (`Scenario.owner`), or to none: the installation's shipped
sets. The admins of the owner unit, and those of the units above it, change and retire it;
the installation's are changed only by a superuser or on the command line. Every e-office
admin reads every scenario and copies it into a unit of their own (`scenario_copy`), the
same model as the question banks (sathach/exams/banks.py) without the sharing switch: a
document of the bank holds no secret an examinee could use, its grading is in the open rules
of docs/EOFFICE.md."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sathach.eoffice.models import Scenario
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import Perm, memberships, units_for_user, user_can


def is_person_actor(actor: Any) -> bool:
    """An account, as opposed to the command line, the demo or a test ("command")."""
    return hasattr(actor, "is_authenticated")


def scenario_homes(user: Any) -> list[AdministrativeUnit]:
    """The units the user creates and copies scenarios into: those of their e-office
    roles."""
    return [m.unit for m in memberships(user) if user_can(user, Perm.MANAGE_EOFFICE, m.unit)]


def scenarios_managed_by(user: Any) -> QuerySet[Scenario]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return Scenario.objects.all()
    return Scenario.objects.filter(owner__in=units_for_user(user, Perm.MANAGE_EOFFICE))


def scenario_managed(actor: Any, scenario: Scenario) -> bool:
    """Whether `actor` changes and retires the scenario; the command line and the demo do."""
    if not is_person_actor(actor):
        return True
    return scenarios_managed_by(actor).filter(pk=scenario.pk).exists()
