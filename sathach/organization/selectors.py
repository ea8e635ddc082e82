"""Permission-aware reads of the organization."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from sathach.core.text import fold
from sathach.organization.models import (
    LEADER_POSITIONS,
    AdministrativeUnit,
    Person,
)
from sathach.organization.permissions import (
    Perm,
    people_for_user,
    units_for_user,
)


def unit_rows(user: Any, *, query: str = "") -> list[dict[str, Any]]:
    """The user's units in tree order, each with its depth and people counts."""
    units = units_for_user(user, Perm.VIEW_ORGANIZATION).annotate(
        people_count=Count("people", distinct=True),
        leader_count=Count(
            "people", filter=Q(people__position__in=LEADER_POSITIONS), distinct=True
        ),
    )
    by_id = {unit.pk: unit for unit in units}

    def tree_key(unit: AdministrativeUnit) -> tuple[str, tuple[str, ...]]:
        # Siblings follow their official codes, as the official lists do.
        ids = [int(part) for part in unit.path.strip("/").split("/")]
        return unit.era, tuple(by_id[pk].code if pk in by_id else "" for pk in ids)

    rows = sorted(by_id.values(), key=tree_key)
    if query:
        folded = fold(query)
        rows = [unit for unit in rows if folded in fold(unit.name) or query in unit.code]
    top = min((unit.level for unit in rows), default=1)
    return [{"unit": unit, "depth": unit.level - top} for unit in rows]


def people_list(
    user: Any, *, unit: AdministrativeUnit | None = None, query: str = "", position: str = ""
) -> QuerySet[Person]:
    people = people_for_user(user, Perm.VIEW_ORGANIZATION).select_related("unit", "user")
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    if position:
        people = people.filter(position=position)
    if query:
        people = people.filter(search_text__contains=fold(query))
    return people.order_by("sort_key", "pk")


def unit_by_code(code: str) -> AdministrativeUnit | None:
    """The unit of an official code, for commands; codes repeat across the 2020 and 2025
    lists, and the newest list's unit is meant."""
    return AdministrativeUnit.objects.filter(code=code.strip()).order_by("-era", "level").first()


def unit_option(code: str | None, returncode: int = 1) -> AdministrativeUnit | None:
    """A command's `--unit CODE`: None without a code, the unit of that code (unit_by_code),
    or a CommandError that says no unit has it."""
    from django.core.management.base import CommandError
    from django.utils.translation import gettext

    if not code:
        return None
    unit = unit_by_code(code)
    if unit is None:
        raise CommandError(
            gettext("No unit has the code %(code)s.") % {"code": code}, returncode=returncode
        )
    return unit
