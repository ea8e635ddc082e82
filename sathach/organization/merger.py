"""Moving a province's people and accounts from the communes before 1/7/2025 to the merged ones.

The conversion table (`data/conversion-2025.json`, docs/UNITS.md) gives, for each commune of
the list before 1/7/2025, the commune(s) of today's list that took it in. A commune taken in
whole by one commune moves there; one split between several (or missing from the table) is
listed and stays where it is unless the caller assigns it one of today's communes.

What moves: the people of the commune (`Person.unit`; their signing devices follow them, as a
device belongs to its person) and the accounts' roles held over the commune (`Membership` of
the commune-level roles). What stays: everything a campaign keeps of its own (frozen roster,
results, awards, facility declarations), so that a past campaign still reads its 2020 units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.organization.lineage import (
    conversion_2025,
    old_province_of_commune,
    province_successors,
)
from sathach.organization.models import (
    ROLE_UNIT_LEVELS,
    AdministrativeUnit,
    Membership,
    Person,
)
from sathach.organization.official import builtin_divisions, units_load_official

ERA_OLD = AdministrativeUnit.Era.BEFORE_2025
ERA_NEW = AdministrativeUnit.Era.FROM_2025
COMMUNE_ROLES = sorted(role for role, levels in ROLE_UNIT_LEVELS.items() if 3 in levels)


def migration_scope(
    province: AdministrativeUnit,
) -> tuple[int, AdministrativeUnit | None] | None:
    """What a province admin over `province` may move: (today's province code, the unit the
    move is limited to). Today's province moves whole; a province before 1/7/2025 moves its
    own communes into the province that took it in. None where the table knows neither."""
    if province.level != AdministrativeUnit.Level.PROVINCE:
        return None
    if province.era == ERA_NEW:
        return int(province.code), None
    successor = province_successors().get(province.code)
    if successor is None:
        return None
    return int(successor), province


def _new_province(code: int) -> dict[str, Any]:
    province = next((p for p in builtin_divisions(ERA_NEW) if int(p["code"]) == code), None)
    if province is None:
        raise DomainError(
            _("Province code %(code)s is not in the list of divisions from 1/7/2025.")
            % {"code": code}
        )
    return province


@dataclass
class Target:
    code: str
    name: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name}


@dataclass
class CommuneMove:
    """One commune before 1/7/2025: where it goes (`target`), or its candidates if none."""

    unit: AdministrativeUnit
    candidates: list[Target]
    target: Target | None
    people: int
    accounts: int
    devices: int

    def as_json(self) -> dict[str, Any]:
        district = self.unit.parent
        document: dict[str, Any] = {
            "from": {
                "code": self.unit.code,
                "name": self.unit.name,
                "district": district.name if district else "",
            },
            "people": self.people,
            "accounts": self.accounts,
            "devices": self.devices,
        }
        if self.target is not None:
            document["to"] = self.target.as_json()
        else:
            document["candidates"] = [c.as_json() for c in self.candidates]
        return document


@dataclass
class MigrationPlan:
    province_code: str
    province_name: str
    dry_run: bool
    moves: list[CommuneMove] = field(default_factory=list)
    unmapped: list[CommuneMove] = field(default_factory=list)
    moved: dict[str, int] = field(
        default_factory=lambda: {"people": 0, "accounts": 0, "devices": 0}
    )

    def describe(self) -> str:
        """One sentence of what was (or, in a dry run, would be) moved."""
        if self.dry_run:
            people = sum(m.people for m in self.moves)
            accounts = sum(m.accounts for m in self.moves)
            devices = sum(m.devices for m in self.moves)
            text = _(
                "Dry run, nothing stored: %(people)s people, %(accounts)s account roles and "
                "%(devices)s signing devices would move; %(unmapped)s communes cannot be mapped."
            )
        else:
            people, accounts, devices = (self.moved[k] for k in ("people", "accounts", "devices"))
            text = _(
                "Moved %(people)s people, %(accounts)s account roles and %(devices)s signing "
                "devices; %(unmapped)s communes could not be mapped and stay where they are."
            )
        return text % {
            "people": people,
            "accounts": accounts,
            "devices": devices,
            "unmapped": len(self.unmapped),
        }

    def as_json(self) -> dict[str, Any]:
        """The document of `sathach units migrate-2025 … --json` (docs/UNITS.md)."""
        return {
            "province": {"code": self.province_code, "name": self.province_name},
            "dry_run": self.dry_run,
            "moves": [move.as_json() for move in self.moves],
            "unmapped": [move.as_json() for move in self.unmapped],
            "moved": self.moved,
        }


def _old_communes(
    province: dict[str, Any], within: AdministrativeUnit | None
) -> list[AdministrativeUnit]:
    """The stored communes before 1/7/2025 of the provinces merged into `province`."""
    new_codes = {str(ward["code"]).zfill(5) for ward in province["wards"]}
    old_province_of = old_province_of_commune()
    old_provinces = {
        old_province_of[old]
        for old, targets in conversion_2025().items()
        if old in old_province_of and new_codes.intersection(targets)
    }
    communes = AdministrativeUnit.objects.filter(
        era=ERA_OLD, level=3, parent__parent__code__in=old_provinces
    ).select_related("parent")
    if within is not None:
        communes = communes.filter(path__startswith=within.path)
    return list(communes.order_by("code"))


def units_migrate_2025(
    *,
    actor: Any,
    province_code: int,
    dry_run: bool = False,
    assign: dict[str, str] | None = None,
    within: AdministrativeUnit | None = None,
) -> MigrationPlan:
    """Move the people and commune roles of a province's communes before 1/7/2025 to the
    communes of today's province `province_code` that took them in; all or nothing.

    `assign` maps the code of a commune that the table does not give one target (split, or
    missing) to one of today's communes of the province; `within` limits the move to the
    communes below one unit (a province admin's 2020 province). With `dry_run` nothing is
    stored. Running it again moves nothing new: the old communes are empty by then.
    """
    province = _new_province(province_code)
    names = {str(w["code"]).zfill(5): w["name"] for w in province["wards"]}
    table = conversion_2025()
    assign = {code.zfill(5): new.zfill(5) for code, new in (assign or {}).items()}
    plan = MigrationPlan(
        province_code=str(province["code"]).zfill(2),
        province_name=province["name"],
        dry_run=dry_run,
    )
    communes = _old_communes(province, within)
    known = {unit.code for unit in communes}
    for code, new in assign.items():
        if code not in known:
            raise DomainError(
                _("Commune code %(code)s is not a commune of this province before 1/7/2025.")
                % {"code": code}
            )
        allowed = [c for c in table.get(code, ()) if c in names] or list(names)
        if new not in allowed:
            raise DomainError(
                _(
                    "Commune %(old)s cannot go to %(new)s: it is not one of the communes "
                    "it went into."
                )
                % {"old": code, "new": new}
            )
    counts = _counts([unit.pk for unit in communes])
    for unit in communes:
        candidates = [Target(c, names[c]) for c in table.get(unit.code, ()) if c in names]
        chosen = assign.get(unit.code) or (candidates[0].code if len(candidates) == 1 else None)
        people, accounts, devices = counts.get(unit.pk, (0, 0, 0))
        move = CommuneMove(
            unit=unit,
            candidates=candidates,
            target=Target(chosen, names[chosen]) if chosen else None,
            people=people,
            accounts=accounts,
            devices=devices,
        )
        (plan.moves if move.target else plan.unmapped).append(move)
    if dry_run:
        return plan
    with transaction.atomic():
        units_load_official(actor=actor, province_code=province_code, era=ERA_NEW)
        new_units = {
            unit.code: unit
            for unit in AdministrativeUnit.objects.filter(
                era=ERA_NEW, level=3, parent__era=ERA_NEW, parent__code=plan.province_code
            )
        }
        for move in plan.moves:
            assert move.target is not None
            _move(move.unit, new_units[move.target.code], plan.moved)
        top = AdministrativeUnit.objects.get(era=ERA_NEW, level=1, code=plan.province_code)
        audit_log(
            actor=actor,
            action=AuditAction.UNITS_MIGRATED_2025,
            obj=top,
            unit=top,
            summary={
                "province": plan.province_code,
                "moved": plan.moved,
                "moves": {m.unit.code: m.target.code for m in plan.moves if m.target},
                "unmapped": [m.unit.code for m in plan.unmapped],
            },
        )
    return plan


def _counts(unit_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(people, accounts' commune roles, signing devices) per commune id."""
    people = dict(
        Person.objects.filter(unit_id__in=unit_ids)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    devices = dict(
        Person.objects.filter(unit_id__in=unit_ids)
        .values_list("unit_id")
        .annotate(n=Count("signing_devices"))
        .values_list("unit_id", "n")
    )
    accounts = dict(
        Membership.objects.filter(unit_id__in=unit_ids, role__in=COMMUNE_ROLES)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    return {
        pk: (people.get(pk, 0), accounts.get(pk, 0), devices.get(pk, 0))
        for pk in set(people) | set(accounts)
    }


def _move(old: AdministrativeUnit, new: AdministrativeUnit, moved: dict[str, int]) -> None:
    people = Person.objects.filter(unit=old)
    moved["devices"] += people.aggregate(n=Count("signing_devices"))["n"]
    moved["people"] += people.update(unit=new)
    roles = Membership.objects.filter(unit=old, role__in=COMMUNE_ROLES)
    # Two old communes merged into one: an account holding the same role over both keeps one.
    held = Q()
    for user_id, role in Membership.objects.filter(unit=new).values_list("user_id", "role"):
        held |= Q(user_id=user_id, role=role)
    if held:
        moved["accounts"] += roles.filter(held).count()
        roles.filter(held).delete()
    moved["accounts"] += roles.update(unit=new)
