"""People of the units to and from Excel: the template, the import and the export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.forms import hidden_characters_message
from sathach.core.text import hidden_characters
from sathach.organization.models import AdministrativeUnit, Person, Position
from sathach.organization.permissions import Perm
from sathach.organization.transfer.sheets import (
    MAX_ROWS,
    Column,
    ImportSummary,
    Problem,
    SheetRow,
    SheetSpec,
    build_workbook,
    cell_code,
    cell_email,
    cell_phone,
    cell_text,
    choice_key,
    choice_lookup,
    code_variants,
    common_unit,
    import_failed,
    nothing_to_import,
    read_sheet,
    scope_units,
    vi_labels,
)

PEOPLE_SHEET = SheetSpec(
    "Cán bộ",
    (
        Column("Mã số", 10),
        Column("Họ và tên", 30),
        Column("Giới tính", 11),
        Column("Mã đơn vị", 12, text=True),
        Column("Chức vụ", 30),
        Column("Điện thoại", 16, text=True),
        Column("Email", 32),
    ),
)
ID, FULL_NAME, GENDER, UNIT, POSITION, PHONE, EMAIL = PEOPLE_SHEET.titles
# Where a person usually belongs when a code exists at several levels: the communes first.
_LEVEL_PREFERENCE = (
    AdministrativeUnit.Level.COMMUNE,
    AdministrativeUnit.Level.DISTRICT,
    AdministrativeUnit.Level.PROVINCE,
)


@dataclass
class PersonRow:
    """One row; a field is empty when its cell had a mistake (already reported)."""

    number: int
    person_id: int | None
    full_name: str
    gender: str
    unit_code: str
    position: str
    phone: str
    email: str
    existing: Person | None = None
    unit: AdministrativeUnit | None = None


def _guide() -> list[str]:
    return [
        _("How to fill in the sheet “%(sheet)s”") % {"sheet": PEOPLE_SHEET.name},
        _("One person per row from row 2; keep the column titles of row 1 as they are."),
        _(
            "%(column)s: empty for a new person; keep the number of an exported file to "
            "update that person."
        )
        % {"column": ID},
        _("%(column)s: family, middle and given names, e.g. Nguyễn Văn An.")
        % {"column": FULL_NAME},
        _("%(column)s: one of the values listed under “%(column)s” on this sheet.")
        % {"column": GENDER},
        _("%(column)s: the official code of the unit where the person works, e.g. 31618.")
        % {"column": UNIT},
        _("%(column)s: one of the values listed under “%(column)s” on this sheet.")
        % {"column": POSITION},
        _(
            "%(phone)s and %(email)s may be empty; a phone number has 9 to 12 digits and may "
            "start with +."
        )
        % {"phone": PHONE, "email": EMAIL},
        _(
            "All or nothing: if any row has a mistake, nothing is imported and every mistake "
            "is listed with its row and column."
        ),
        _("At most %(count)s rows per file.") % {"count": MAX_ROWS},
    ]


def _choices() -> dict[str, list[str]]:
    return {
        GENDER: list(vi_labels(Person.Gender).values()),
        POSITION: list(vi_labels(Position).values()),
    }


def person_template() -> bytes:
    """An empty people workbook: the column titles and a guide sheet with the allowed
    genders and positions."""
    return build_workbook(PEOPLE_SHEET, [], guide=_guide(), choices=_choices())


def _choice(row: SheetRow, column: str, lookup: dict[str, str], problems: list[Problem]) -> str:
    text = cell_text(row.values[column])
    value = lookup.get(choice_key(text), "")
    if not text:
        problems.append((row.number, column, _("This field is required.")))
    elif not value:
        problems.append(
            (
                row.number,
                column,
                _("Unknown value “%(value)s”; the allowed values are listed on the guide sheet.")
                % {"value": text},
            )
        )
    return value


def _read_row(
    row: SheetRow,
    genders: dict[str, str],
    positions: dict[str, str],
    problems: list[Problem],
) -> PersonRow:
    """Check the cells of one row on their own."""
    values, number = row.values, row.number
    id_text = cell_text(values[ID])
    person_id = int(id_text) if id_text.isascii() and id_text.isdigit() else None
    if id_text and person_id is None:
        problems.append(
            (number, ID, _("“%(value)s” is not the number of a person.") % {"value": id_text})
        )
    full_name = cell_text(values[FULL_NAME])
    if not full_name:
        problems.append((number, FULL_NAME, _("The full name is required.")))
    elif found := hidden_characters(full_name):
        problems.append((number, FULL_NAME, hidden_characters_message(found)))
    elif len(full_name.split()) < 2:
        problems.append((number, FULL_NAME, _("Write the full name: family name and given name.")))
    elif len(full_name) > 150:
        problems.append((number, FULL_NAME, _("The name is longer than 150 characters.")))
    gender = _choice(row, GENDER, genders, problems)
    unit_code = cell_code(values[UNIT]) or ""
    if not cell_text(values[UNIT]):
        problems.append((number, UNIT, _("The unit code is required.")))
    elif not unit_code:
        problems.append((number, UNIT, _("An official code has digits only.")))
    position = _choice(row, POSITION, positions, problems)
    phone = ""
    if cell_text(values[PHONE]):
        phone = cell_phone(values[PHONE]) or ""
        if not phone:
            problems.append((number, PHONE, _("A phone number has 9 to 12 digits.")))
    email = ""
    if cell_text(values[EMAIL]):
        email = cell_email(values[EMAIL]) or ""
        if not email:
            problems.append((number, EMAIL, _("Enter a valid email address.")))
    return PersonRow(number, person_id, full_name, gender, unit_code, position, phone, email)


def _resolve_unit(
    row: PersonRow, by_code: dict[str, list[AdministrativeUnit]]
) -> tuple[AdministrativeUnit | None, str]:
    """The one unit of the actor with this code, communes first; or a message."""
    for level in _LEVEL_PREFERENCE:
        matches = {
            unit.pk: unit
            for code in code_variants(row.unit_code, [level])
            for unit in by_code.get(code, [])
            if unit.level == level
        }
        if not matches:
            continue
        if len(matches) == 1:
            return next(iter(matches.values())), ""
        # The same code in both lists of divisions: a person keeps the unit they are in.
        if row.existing is not None and row.existing.unit_id in matches:
            return matches[row.existing.unit_id], ""
        names = "; ".join(f"{unit.name} ({unit.get_era_display()})" for unit in matches.values())
        return None, _("Code %(code)s matches several units: %(units)s.") % {
            "code": row.unit_code,
            "units": names,
        }
    return None, _("No unit with code %(code)s among the units you manage.") % {
        "code": row.unit_code
    }


def people_parse(*, actor: Any, content: bytes) -> tuple[list[PersonRow], list[Problem]]:
    """Read and check a people file against the database and the actor's units."""
    sheet_rows, problems = read_sheet(content, PEOPLE_SHEET)
    if problems:
        return [], problems
    return _check_rows(sheet_rows, actor=actor)


def _check_rows(sheet_rows: list[SheetRow], *, actor: Any) -> tuple[list[PersonRow], list[Problem]]:
    if not sheet_rows:
        raise nothing_to_import()
    problems: list[Problem] = []
    genders, positions = choice_lookup(Person.Gender), choice_lookup(Position)
    rows = [_read_row(row, genders, positions, problems) for row in sheet_rows]
    scope = scope_units(actor, Perm.MANAGE_PEOPLE)
    ids = {row.person_id for row in rows if row.person_id is not None}
    existing = {
        person.pk: person
        for person in Person.objects.filter(pk__in=ids, unit__in=scope).select_related("unit")
    }
    codes: set[str] = set()
    for row in rows:
        if row.unit_code:
            codes |= code_variants(row.unit_code)
    by_code: dict[str, list[AdministrativeUnit]] = {}
    for unit in scope.filter(code__in=codes):
        by_code.setdefault(unit.code, []).append(unit)
    seen_ids: dict[int, int] = {}
    for row in rows:
        if row.person_id is not None:
            if row.person_id in seen_ids:
                problems.append(
                    (
                        row.number,
                        ID,
                        _("Person %(id)s is already in row %(row)s.")
                        % {"id": row.person_id, "row": seen_ids[row.person_id]},
                    )
                )
            seen_ids.setdefault(row.person_id, row.number)
            row.existing = existing.get(row.person_id)
            if row.existing is None:
                problems.append(
                    (
                        row.number,
                        ID,
                        _("No person with number %(id)s among the people you manage.")
                        % {"id": row.person_id},
                    )
                )
        if row.unit_code:
            row.unit, message = _resolve_unit(row, by_code)
            if message:
                problems.append((row.number, UNIT, message))
    problems += _second_chairmen(rows)
    return rows, problems


def _second_chairmen(rows: list[PersonRow]) -> list[Problem]:
    """A row that would give its commune a second Chairman, counting those already stored
    (other than the people the file updates) and those the file adds."""
    # Rows whose number names nobody the actor manages are reported already.
    rows = [
        row
        for row in rows
        if row.unit is not None and (row.person_id is None or row.existing is not None)
    ]
    updated = [row.person_id for row in rows if row.person_id is not None]
    units = {row.unit.pk for row in rows if row.unit is not None}
    chairmen: dict[int, str] = {
        unit_id: name
        for unit_id, name in Person.objects.filter(unit_id__in=units, position=Position.CHAIRMAN)
        .exclude(pk__in=updated)
        .values_list("unit_id", "full_name")
    }
    problems: list[Problem] = []
    for row in rows:
        if row.position != Position.CHAIRMAN or row.unit is None:
            continue
        other = chairmen.get(row.unit.pk)
        if other is not None:
            problems.append(
                (
                    row.number,
                    POSITION,
                    _(
                        "%(unit)s would have two Chairmen (%(other)s and %(name)s): a commune "
                        "has one."
                    )
                    % {"unit": row.unit.name, "other": other, "name": row.full_name},
                )
            )
        else:
            chairmen[row.unit.pk] = row.full_name
    return problems


def _fields(person: Person) -> tuple[Any, ...]:
    return (
        person.full_name,
        person.gender,
        person.unit_id,
        person.position,
        person.phone,
        person.email,
    )


def people_import(*, actor: Any, content: bytes) -> ImportSummary:
    """Add or update the people of an .xlsx file, all or nothing.

    A row with a number updates that person, who must be in the actor's units; a row
    without one adds a person. Each unit code must name one unit of the actor. On any
    mistake ImportErrors lists them all and nothing is stored. `actor` is a user, or
    CLI_ACTOR for every unit.
    """
    # Read before the transaction: parsing a large file must not hold the write lock.
    sheet_rows, problems = read_sheet(content, PEOPLE_SHEET)
    if problems:
        raise import_failed(problems, PEOPLE_SHEET)
    with transaction.atomic():
        rows, problems = _check_rows(sheet_rows, actor=actor)
        if problems:
            raise import_failed(problems, PEOPLE_SHEET, sheet_rows)
        created = updated = unchanged = 0
        units: list[AdministrativeUnit] = []
        for row in rows:
            # people_parse reported no problem, so every row found its unit.
            assert row.unit is not None
            person = row.existing or Person()
            before = _fields(person) if row.existing else None
            person.full_name = row.full_name
            person.gender = row.gender
            person.unit = row.unit
            person.position = row.position
            person.phone = row.phone
            person.email = row.email
            units.append(row.unit)
            if before is not None and before == _fields(person):
                unchanged += 1
                continue
            # Through the model, which normalises the name and computes its sort key.
            person.save()
            if before is None:
                created += 1
            else:
                updated += 1
        summary = ImportSummary(created, updated, unchanged)
        audit_log(
            actor=actor,
            action=AuditAction.PEOPLE_IMPORTED,
            unit=common_unit(units),
            summary=summary.as_dict(),
        )
    return summary


def people_export(user: Any, people: QuerySet[Person]) -> bytes:
    """`people` (only those `user` may see), ordered by given name, in the template's
    layout, so that the file can be edited and imported again."""
    people = (
        people.filter(unit__in=scope_units(user, Perm.VIEW_ORGANIZATION))
        .select_related("unit")
        .order_by("sort_key", "pk")
    )
    genders, positions = vi_labels(Person.Gender), vi_labels(Position)
    rows = (
        [
            person.pk,
            person.full_name,
            genders.get(person.gender, person.gender),
            person.unit.code,
            positions.get(person.position, person.position),
            person.phone,
            person.email,
        ]
        for person in people.iterator(chunk_size=2000)
    )
    return build_workbook(PEOPLE_SHEET, rows, guide=_guide(), choices=_choices())
