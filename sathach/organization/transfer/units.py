"""Administrative units to and from Excel: the template, the import and the export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.forms import hidden_characters_message
from sathach.core.text import hidden_characters
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import Perm
from sathach.organization.transfer.sheets import (
    CODE_WIDTH,
    MAX_ROWS,
    Column,
    ImportSummary,
    Problem,
    SheetRow,
    SheetSpec,
    build_workbook,
    cell_code,
    cell_text,
    choice_key,
    choice_lookup,
    code_variants,
    common_unit,
    default_era,
    import_failed,
    is_unrestricted,
    nothing_to_import,
    read_sheet,
    scope_units,
    vi_labels,
)

UNIT_SHEET = SheetSpec(
    "Đơn vị",
    (
        Column("Mã đơn vị", 14, text=True),
        Column("Tên đơn vị", 40),
        Column("Loại", 30),
        Column("Mã đơn vị cấp trên", 20, text=True),
    ),
)
CODE, NAME, KIND, PARENT = UNIT_SHEET.titles
Kind = AdministrativeUnit.Kind


@dataclass
class UnitRow:
    """One checked row. `code` is as typed; new units get the official width."""

    number: int
    code: str
    name: str
    kind: str
    level: int
    parent_code: str | None
    existing: AdministrativeUnit | None = None
    # The parent is an existing unit, or a new unit of an earlier row.
    parent: AdministrativeUnit | None = None
    parent_row: UnitRow | None = None

    @property
    def key(self) -> tuple[int, str]:
        return self.level, self.code.zfill(CODE_WIDTH[self.level])


def _guide() -> list[str]:
    return [
        _("How to fill in the sheet “%(sheet)s”") % {"sheet": UNIT_SHEET.name},
        _("One unit per row from row 2; keep the column titles of row 1 as they are."),
        _("%(column)s: the official code, digits only (e.g. 31618).") % {"column": CODE},
        _("%(column)s: the full name, e.g. Xã An Thạnh 1.") % {"column": NAME},
        _("%(column)s: one of the values listed under “%(column)s” on this sheet.")
        % {"column": KIND},
        _(
            "%(column)s: the code of the unit it belongs to (a province or a district); "
            "empty only for a province. The parent is an existing unit or a unit of an "
            "earlier row."
        )
        % {"column": PARENT},
        _(
            "A unit whose code already exists at the same level is renamed or retyped; the "
            "others are added. Nothing is deleted or moved."
        ),
        _(
            "All or nothing: if any row has a mistake, nothing is imported and every mistake "
            "is listed with its row and column."
        ),
        _("At most %(count)s rows per file.") % {"count": MAX_ROWS},
    ]


def _choices() -> dict[str, list[str]]:
    return {KIND: list(vi_labels(Kind).values())}


def unit_template() -> bytes:
    """An empty units workbook: the column titles and a guide sheet with the allowed types."""
    return build_workbook(UNIT_SHEET, [], guide=_guide(), choices=_choices())


def _read_row(row: SheetRow, kinds: dict[str, str], problems: list[Problem]) -> UnitRow | None:
    """Check the cells of one row on their own; None when its code or type is unusable."""
    values = row.values
    code = cell_code(values[CODE])
    if not cell_text(values[CODE]):
        problems.append((row.number, CODE, _("The unit code is required.")))
    elif code is None:
        problems.append((row.number, CODE, _("An official code has digits only.")))
    name = cell_text(values[NAME])
    if not name:
        problems.append((row.number, NAME, _("The name is required.")))
    elif len(name) > 200:
        problems.append((row.number, NAME, _("The name is longer than 200 characters.")))
    elif found := hidden_characters(name):
        problems.append((row.number, NAME, hidden_characters_message(found)))
    parent_text = cell_text(values[PARENT])
    parent_code = cell_code(values[PARENT])
    if parent_text and parent_code is None:
        problems.append((row.number, PARENT, _("An official code has digits only.")))
    kind_text = cell_text(values[KIND])
    kind = kinds.get(choice_key(kind_text))
    # "Thành phố" alone is a city of a province, or a centrally governed one at the top.
    if kind == Kind.PROVINCIAL_CITY and not parent_text:
        kind = Kind.CITY
    if not kind_text:
        problems.append((row.number, KIND, _("The type is required.")))
    elif kind is None:
        problems.append(
            (
                row.number,
                KIND,
                _("Unknown type “%(value)s”; the allowed types are listed on the guide sheet.")
                % {"value": kind_text},
            )
        )
    if kind is None or code is None:
        return None
    level = AdministrativeUnit.LEVEL_OF_KIND[kind]
    if level == AdministrativeUnit.Level.PROVINCE and parent_text:
        problems.append((row.number, PARENT, _("A province has no parent unit.")))
    elif level != AdministrativeUnit.Level.PROVINCE and not parent_text:
        problems.append(
            (row.number, PARENT, _("A district or commune needs the code of its parent unit."))
        )
    return UnitRow(row.number, code, name, kind, level, parent_code)


def units_parse(*, actor: Any, content: bytes, era: str) -> tuple[list[UnitRow], list[Problem]]:
    """Read and check a units file against the database and the actor's units."""
    sheet_rows, problems = read_sheet(content, UNIT_SHEET)
    if problems:
        return [], problems
    return _check_rows(sheet_rows, actor=actor, era=era)


def _check_rows(
    sheet_rows: list[SheetRow], *, actor: Any, era: str
) -> tuple[list[UnitRow], list[Problem]]:
    if not sheet_rows:
        raise nothing_to_import()
    problems: list[Problem] = []
    kinds = choice_lookup(Kind)
    rows = [row for row in (_read_row(r, kinds, problems) for r in sheet_rows) if row]
    codes: set[str] = set()
    for row in rows:
        codes |= code_variants(row.code)
        if row.parent_code:
            codes |= code_variants(row.parent_code)
    known = {
        (unit.level, unit.code): unit
        for unit in AdministrativeUnit.objects.filter(era=era, code__in=codes)
    }

    def find(level: int, code: str) -> AdministrativeUnit | None:
        return known.get((level, code.zfill(CODE_WIDTH[level]))) or known.get((level, code))

    scope = set(scope_units(actor, Perm.MANAGE_UNITS).values_list("pk", flat=True))
    unrestricted = is_unrestricted(actor)
    first_row: dict[tuple[int, str], int] = {}
    for row in rows:
        first_row.setdefault(row.key, row.number)
    seen: dict[tuple[int, str], UnitRow] = {}
    for row in rows:
        if row.key in seen:
            problems.append(
                (
                    row.number,
                    CODE,
                    _("Code %(code)s is already in row %(row)s.")
                    % {"code": row.code, "row": seen[row.key].number},
                )
            )
            continue
        seen[row.key] = row
        row.existing = find(row.level, row.code)
        if row.existing is None:
            # A code typed again under the type of another level is a mistake, not a new unit.
            other = next((u for key, u in known.items() if key[1] == row.key[1]), None)
            if other is not None:
                problems.append(
                    (
                        row.number,
                        KIND,
                        _("Code %(code)s belongs to %(unit)s, a unit of another level.")
                        % {"code": row.code, "unit": other.name},
                    )
                )
                continue
        if (
            row.level > 1
            and row.parent_code
            and not _resolve_parent(row, seen, find, first_row, era, problems)
        ):
            continue
        _check_scope(row, scope, unrestricted, problems)
    return rows, problems


def _resolve_parent(
    row: UnitRow,
    seen: dict[tuple[int, str], UnitRow],
    find: Callable[[int, str], AdministrativeUnit | None],
    first_row: dict[tuple[int, str], int],
    era: str,
    problems: list[Problem],
) -> bool:
    """Find the parent among earlier rows, then existing units, nearest level first."""
    code = row.parent_code or ""
    for level in range(row.level - 1, 0, -1):
        earlier = seen.get((level, code.zfill(CODE_WIDTH[level])))
        if earlier is not None and earlier is not row:
            if earlier.existing is not None:
                row.parent = earlier.existing
            else:
                row.parent_row = earlier
            return True
        unit = find(level, code)
        if unit is not None:
            row.parent = unit
            return True
    later = next(
        (
            first_row[key]
            for level in range(row.level - 1, 0, -1)
            if (key := (level, code.zfill(CODE_WIDTH[level]))) in first_row
        ),
        None,
    )
    if later is not None:
        message = _("The parent unit %(code)s must come before this row (it is in row %(row)s).")
        problems.append((row.number, PARENT, message % {"code": code, "row": later}))
    else:
        message = _("No unit of a higher level has code %(code)s in the divisions of %(era)s.")
        problems.append((row.number, PARENT, message % {"code": code, "era": era}))
    return False


def _check_scope(
    row: UnitRow, scope: set[int], unrestricted: bool, problems: list[Problem]
) -> None:
    existing = row.existing
    if existing is not None:
        if existing.pk not in scope:
            problems.append(
                (
                    row.number,
                    CODE,
                    _("Unit %(code)s is not among the units you manage.") % {"code": row.code},
                )
            )
        elif row.parent_row is not None or (
            row.parent is not None and row.parent.pk != existing.parent_id
        ):
            problems.append(
                (
                    row.number,
                    PARENT,
                    _(
                        "%(unit)s already exists under another parent unit; an import does "
                        "not move units."
                    )
                    % {"unit": existing.name},
                )
            )
    elif row.level == AdministrativeUnit.Level.PROVINCE:
        if not unrestricted:
            problems.append(
                (row.number, CODE, _("Only an administrator of the whole system adds provinces."))
            )
    elif row.parent is not None and row.parent.pk not in scope:
        problems.append(
            (
                row.number,
                PARENT,
                _("The parent unit %(code)s is not among the units you manage.")
                % {"code": row.parent_code},
            )
        )


def units_import(
    *, actor: Any, content: bytes, era: str = AdministrativeUnit.Era.BEFORE_2025
) -> ImportSummary:
    """Add or update the units of an .xlsx file, all or nothing.

    Units are matched by era, level and code: existing ones are renamed or retyped, new ones
    added under a parent of an earlier row or an existing unit. On any mistake ImportErrors
    lists them all and nothing is stored. `actor` is a user, or CLI_ACTOR for every unit.
    """
    if era not in AdministrativeUnit.Era.values:
        raise DomainError(_("Unknown list of divisions: %(era)s.") % {"era": era})
    # Read before the transaction: parsing a large file must not hold the write lock.
    sheet_rows, problems = read_sheet(content, UNIT_SHEET)
    if problems:
        raise import_failed(problems, UNIT_SHEET)
    with transaction.atomic():
        rows, problems = _check_rows(sheet_rows, actor=actor, era=era)
        if problems:
            raise import_failed(problems, UNIT_SHEET, sheet_rows)
        saved: dict[int, AdministrativeUnit] = {}
        created = updated = unchanged = 0
        for row in rows:
            unit = row.existing
            if unit is None:
                parent = row.parent or (saved[row.parent_row.number] if row.parent_row else None)
                unit = AdministrativeUnit(
                    code=row.code.zfill(CODE_WIDTH[row.level]),
                    name=row.name,
                    kind=row.kind,
                    parent=parent,
                    era=era,
                )
                unit.save()
                created += 1
            elif (unit.name, unit.kind) != (row.name, row.kind):
                unit.name, unit.kind = row.name, row.kind
                unit.save()
                updated += 1
            else:
                unchanged += 1
            saved[row.number] = unit
        summary = ImportSummary(created, updated, unchanged, {"era": era})
        audit_log(
            actor=actor,
            action=AuditAction.UNITS_IMPORTED,
            unit=common_unit(saved.values()),
            summary=summary.as_dict(),
        )
    return summary


def units_export(user: Any, *, era: str | None = None) -> bytes:
    """The units `user` may see, of one era, parents before children, in the template's
    layout, so that the file can be edited and imported again."""
    era = era or default_era(user, Perm.VIEW_ORGANIZATION)
    units = list(scope_units(user, Perm.VIEW_ORGANIZATION).filter(era=era).select_related("parent"))
    by_id = {unit.pk: unit for unit in units}

    def tree_key(unit: AdministrativeUnit) -> tuple[str, ...]:
        # Siblings follow their official codes, as the official lists do.
        ids = [int(part) for part in unit.path.strip("/").split("/")]
        return tuple(by_id[pk].code if pk in by_id else "" for pk in ids)

    units.sort(key=tree_key)
    labels = vi_labels(Kind)
    rows = (
        [unit.code, unit.name, labels[unit.kind], unit.parent.code if unit.parent else ""]
        for unit in units
    )
    return build_workbook(UNIT_SHEET, rows, guide=_guide(), choices=_choices())
