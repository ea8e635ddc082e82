"""Loading administrative units from the official lists (docs/UNITS.md).

Both lists ship with the project in `organization/data/`, derived from the `vietnam-provinces`
data: `divisions-2020.json` (before 1/7/2025: province > district > commune) and
`divisions-2025.json` (from 1/7/2025: province > commune), each province a row
`[code, name, type, [children…]]`. Another list can still be given in the package's own
`nested-divisions.json` layout, as the JSON file, the package's wheel (.whl) or its unpacked
directory; its layout (`districts` or `wards` under each province) says its era.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.organization.models import AdministrativeUnit

DATA_MEMBER = "vietnam_provinces/data/nested-divisions.json"
DATA_DIR = Path(__file__).resolve().parent / "data"

_KIND_BY_PREFIX = [
    ("thành phố trung ương", AdministrativeUnit.Kind.CITY),
    ("thị trấn", AdministrativeUnit.Kind.TOWNSHIP),
    ("thị xã", AdministrativeUnit.Kind.TOWN),
    ("đặc khu", AdministrativeUnit.Kind.SPECIAL_ZONE),
    ("phường", AdministrativeUnit.Kind.WARD),
    ("quận", AdministrativeUnit.Kind.URBAN_DISTRICT),
    ("huyện", AdministrativeUnit.Kind.DISTRICT),
    ("xã", AdministrativeUnit.Kind.COMMUNE),
    ("tỉnh", AdministrativeUnit.Kind.PROVINCE),
]
_CODE_WIDTH = {1: 2, 2: 3, 3: 5}


def _expand(row: list[Any], *child_keys: str) -> dict[str, Any]:
    """A compact row `[code, name, type, children]` in the package's own layout."""
    item: dict[str, Any] = {"code": row[0], "name": row[1], "division_type": row[2]}
    if child_keys:
        item[child_keys[0]] = [_expand(child, *child_keys[1:]) for child in row[3]]
    return item


@cache
def builtin_divisions(era: str) -> list[dict[str, Any]]:
    """The official list of `era` shipped with the project, in the package's layout."""
    rows = json.loads((DATA_DIR / f"divisions-{era}.json").read_bytes())["items"]
    keys = ("districts", "wards") if era == AdministrativeUnit.Era.BEFORE_2025 else ("wards",)
    return [_expand(row, *keys) for row in rows]


def read_divisions(
    source: str | Path | None = None, era: str = AdministrativeUnit.Era.BEFORE_2025
) -> list[dict[str, Any]]:
    """The nested list of provinces shipped for `era`, or the one read from `source`."""
    if source is None:
        return builtin_divisions(era)
    try:
        path = Path(source)
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as wheel:
                raw = wheel.read(DATA_MEMBER)
        elif path.is_dir():
            candidates = [path / "data/nested-divisions.json", path / DATA_MEMBER]
            found = next((c for c in candidates if c.exists()), None)
            if found is None:
                raise FileNotFoundError(path)
            raw = found.read_bytes()
        else:
            raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError):
        raise DomainError(
            _("Cannot read the official list of divisions from %(source)s.") % {"source": source}
        ) from None
    if not isinstance(data, list) or not all(isinstance(p, dict) and "code" in p for p in data):
        raise DomainError(_("The file is not an official list of divisions."))
    return data


def _kind(name: str, division_type: str, level: int) -> str:
    lowered = name.lower()
    for prefix, kind in _KIND_BY_PREFIX:
        if lowered.startswith(prefix) and AdministrativeUnit.LEVEL_OF_KIND[kind] == level:
            return kind
    # "Thành phố" is a centrally governed city at level 1 and a provincial city at level 2.
    if lowered.startswith("thành phố"):
        return (
            AdministrativeUnit.Kind.CITY if level == 1 else AdministrativeUnit.Kind.PROVINCIAL_CITY
        )
    for prefix, kind in _KIND_BY_PREFIX:
        if division_type == prefix and AdministrativeUnit.LEVEL_OF_KIND[kind] == level:
            return kind
    raise DomainError(_("Unknown type of unit: %(name)s") % {"name": name})


_LEVEL_NAMES = {1: "province", 2: "district", 3: "commune"}


@dataclass
class LoadResult:
    era: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    province: str = ""
    province_code: str = ""
    units: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The document of `sathach units load-official … --json` (docs/UNITS.md)."""
        return {
            "era": self.era,
            "province": {"code": self.province_code, "name": self.province},
            "created": self.created,
            "updated": self.updated,
            "units": self.units,
        }


def units_load_official(
    *,
    actor: Any,
    province_code: int,
    district_code: int | None = None,
    source: str | Path | None = None,
    era: str | None = None,
) -> LoadResult:
    """Create or update one province (or one district of it) from an official list.

    The list is the one shipped for `era` (before 1/7/2025 when not given), or the one read
    from `source`, whose layout says its era. Safe to run again: units are matched by era,
    level and code, renamed when the list renames them, and never deleted.
    """
    provinces = read_divisions(source, era or AdministrativeUnit.Era.BEFORE_2025)
    province = next((p for p in provinces if int(p["code"]) == province_code), None)
    if province is None:
        raise DomainError(
            _("Province code %(code)s is not in this official list.") % {"code": province_code}
        )
    found_era = (
        AdministrativeUnit.Era.BEFORE_2025
        if "districts" in province
        else AdministrativeUnit.Era.FROM_2025
    )
    if era is not None and era != found_era:
        raise DomainError(
            _("The file holds the divisions of %(found)s, not of %(era)s.")
            % {"found": found_era, "era": era}
        )
    era = found_era
    result = LoadResult(
        era=era, province=province["name"], province_code=str(province["code"]).zfill(2)
    )

    def upsert(
        item: dict[str, Any], level: int, parent: AdministrativeUnit | None
    ) -> AdministrativeUnit:
        code = str(item["code"]).zfill(_CODE_WIDTH[level])
        kind = _kind(item["name"], item.get("division_type", ""), level)
        result.units[_LEVEL_NAMES[level]] = result.units.get(_LEVEL_NAMES[level], 0) + 1
        unit = AdministrativeUnit.objects.filter(era=era, level=level, code=code).first()
        if unit is None:
            unit = AdministrativeUnit(
                code=code, name=item["name"], kind=kind, parent=parent, era=era
            )
            unit.save()
            result.created += 1
        elif (unit.name, unit.kind, unit.parent_id) != (
            item["name"],
            kind,
            parent.pk if parent else None,
        ):
            unit.name, unit.kind, unit.parent = item["name"], kind, parent
            unit.save()
            result.updated += 1
        else:
            result.unchanged += 1
        return unit

    with transaction.atomic():
        top = upsert(province, 1, None)
        if era == AdministrativeUnit.Era.BEFORE_2025:
            districts = province["districts"]
            if district_code is not None:
                districts = [d for d in districts if int(d["code"]) == district_code]
                if not districts:
                    raise DomainError(
                        _("District code %(code)s is not in province %(province)s.")
                        % {"code": district_code, "province": province["name"]}
                    )
            for district in districts:
                middle = upsert(district, 2, top)
                for ward in district.get("wards", []):
                    upsert(ward, 3, middle)
        else:
            if district_code is not None:
                raise DomainError(_("The divisions from 1/7/2025 have no districts."))
            for ward in province["wards"]:
                upsert(ward, 3, top)
        audit_log(
            actor=actor,
            action=AuditAction.UNITS_LOADED_OFFICIAL,
            obj=top,
            unit=top,
            summary={
                "era": era,
                "province": province_code,
                "district": district_code,
                "created": result.created,
                "updated": result.updated,
            },
        )
    return result
