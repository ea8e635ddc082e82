"""Which units of today took in which units of before 1/7/2025.

From the conversion table of the 2025 resolutions (`data/conversion-2025.json`, docs/UNITS.md):
each commune before 1/7/2025 and the commune(s) of today that took it in, and from it each
province before and the one of today it merged into (Nghị quyết 202/2025/QH15: every province
merged whole, so all its communes lead to one province of today).
"""

from __future__ import annotations

import json
from functools import cache

from django.db.models import QuerySet

from sathach.organization.models import AdministrativeUnit
from sathach.organization.official import DATA_DIR, builtin_divisions

ERA_OLD = AdministrativeUnit.Era.BEFORE_2025
ERA_NEW = AdministrativeUnit.Era.FROM_2025


@cache
def conversion_2025() -> dict[str, tuple[str, ...]]:
    """Commune code before 1/7/2025 → the codes of today's communes that took it in."""
    rows = json.loads((DATA_DIR / "conversion-2025.json").read_bytes())["items"]
    return {str(old).zfill(5): tuple(str(new).zfill(5) for new in targets) for old, targets in rows}


@cache
def old_province_of_commune() -> dict[str, str]:
    return {
        str(ward["code"]).zfill(5): str(province["code"]).zfill(2)
        for province in builtin_divisions(ERA_OLD)
        for district in province["districts"]
        for ward in district["wards"]
    }


@cache
def province_successors() -> dict[str, str]:
    """Province code before 1/7/2025 → the code of today's province that took it in."""
    new_province_of = {
        str(ward["code"]).zfill(5): str(province["code"]).zfill(2)
        for province in builtin_divisions(ERA_NEW)
        for ward in province["wards"]
    }
    old_province_of = old_province_of_commune()
    successors: dict[str, str] = {}
    for old, targets in conversion_2025().items():
        province = old_province_of.get(old)
        if province and targets and province not in successors:
            successors[province] = new_province_of[targets[0]]
    return successors


def former_provinces(province: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """The provinces before 1/7/2025 held here that today's `province` took in (Cần Thơ:
    Cần Thơ, Sóc Trăng and Hậu Giang); none for any other unit."""
    units = AdministrativeUnit.objects.filter(era=ERA_OLD, level=AdministrativeUnit.Level.PROVINCE)
    if province.level != AdministrativeUnit.Level.PROVINCE or province.era != ERA_NEW:
        return units.none()
    codes = [old for old, new in province_successors().items() if new == province.code]
    return units.filter(code__in=codes)


def successor_province(province: AdministrativeUnit) -> AdministrativeUnit | None:
    """Today's province held here that took in `province` (a province before 1/7/2025)."""
    if province.level != AdministrativeUnit.Level.PROVINCE or province.era != ERA_OLD:
        return None
    code = province_successors().get(province.code)
    if code is None:
        return None
    return AdministrativeUnit.objects.filter(
        era=ERA_NEW, level=AdministrativeUnit.Level.PROVINCE, code=code
    ).first()
