"""Loading administrative units from the official lists of the `vietnam-provinces` package.

Its versions 0.6.x carry the divisions before 1/7/2025 (province > district > commune);
its 2025 versions carry the merged divisions (province > commune). Both ship the same
`nested-divisions.json` layout, with `districts` or `wards` under each province. The list
installed with the project is read by default; another one is given as the JSON file, the
package's wheel (.whl) or its unpacked directory.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.organization.models import AdministrativeUnit

DATA_MEMBER = "vietnam_provinces/data/nested-divisions.json"

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


def read_divisions(source: str | Path | None = None) -> list[dict[str, Any]]:
    """The nested list of provinces from the installed package or from `source`."""
    try:
        if source is None:
            raw = (
                resources.files("vietnam_provinces")
                .joinpath("data/nested-divisions.json")
                .read_bytes()
            )
        else:
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
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError, ModuleNotFoundError):
        raise DomainError(
            _("Cannot read the official list of divisions from %(source)s.")
            % {"source": source or "vietnam-provinces"}
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


@dataclass
class LoadResult:
    era: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    province: str = ""
    names: list[str] = field(default_factory=list)


def units_load_official(
    *,
    actor: Any,
    province_code: int,
    district_code: int | None = None,
    source: str | Path | None = None,
) -> LoadResult:
    """Create or update one province (or one district of it) from an official list.

    Safe to run again: units are matched by era, level and code, renamed when the list
    renames them, and never deleted.
    """
    provinces = read_divisions(source)
    province = next((p for p in provinces if int(p["code"]) == province_code), None)
    if province is None:
        raise DomainError(
            _("Province code %(code)s is not in this official list.") % {"code": province_code}
        )
    era = (
        AdministrativeUnit.Era.BEFORE_2025
        if "districts" in province
        else AdministrativeUnit.Era.FROM_2025
    )
    result = LoadResult(era=era, province=province["name"])

    def upsert(
        item: dict[str, Any], level: int, parent: AdministrativeUnit | None
    ) -> AdministrativeUnit:
        code = str(item["code"]).zfill(_CODE_WIDTH[level])
        kind = _kind(item["name"], item.get("division_type", ""), level)
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
