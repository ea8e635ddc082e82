"""Results of a test held on paper, imported from a workbook.

The template the campaign offers is in Vietnamese: sheet `Kết quả`, one row per leader,
columns `Mã đơn vị, Tên đơn vị, Điểm CSVC, Mã lãnh đạo, Họ và tên, Chức vụ, Nội dung 1,
Nội dung 2`, outcomes `Đạt`, `Không đạt` or `Vắng`. The `sathach rank` xlsx layout
(contracts/ranking.md: sheet `leaders`, columns `unit_code, unit_name, facility_score,
leader_id, name, position, content1, content2`, outcomes `passed`, `failed`, `absent`) is
read as well, as before. `Mã lãnh đạo` (`leader_id`) is the leader's number in this
system; the facility score is ignored here, since it comes from the verified checklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.services import result_record
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError, ImportErrors
from sathach.core.spreadsheets import SpreadsheetRefused, open_workbook, sheet_column, sheet_rows
from sathach.core.text import fold, nfc
from sathach.organization.models import LEADER_POSITIONS, Person

SHEET = "Kết quả"
SHEET_RANK = "leaders"  # the `sathach rank` layout, still read
COLUMNS = [
    "unit_code",
    "unit_name",
    "facility_score",
    "leader_id",
    "name",
    "position",
    "content1",
    "content2",
]
# The template's headers, in the order of COLUMNS; fixed, whatever the page's language.
HEADERS = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Điểm CSVC",
    "Mã lãnh đạo",
    "Họ và tên",
    "Chức vụ",
    "Nội dung 1",
    "Nội dung 2",
]
# A header as read (folded) to its column; the English names of the rank layout too.
HEADER_COLUMNS = {
    **{fold(header): name for header, name in zip(HEADERS, COLUMNS, strict=True)},
    **{name: name for name in COLUMNS},
}
REQUIRED = ["unit_code", "leader_id", "content1", "content2"]
OUTCOME_WORDS = ("Đạt", "Không đạt", "Vắng")
OUTCOMES = {
    "passed": Result.Outcome.PASSED,
    "dat": Result.Outcome.PASSED,
    "failed": Result.Outcome.FAILED,
    "khong dat": Result.Outcome.FAILED,
    "absent": Result.Outcome.ABSENT,
    "vang": Result.Outcome.ABSENT,
    "vang mat": Result.Outcome.ABSENT,
}
MAX_ROWS = 5000


def results_template(campaign: Campaign) -> bytes:
    """The campaign's leaders in the import layout, ready for the outcomes to be typed in."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    leaders = (
        Person.objects.filter(unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS)
        .select_related("unit")
        .order_by("unit__code", "position", "sort_key")
    )
    for person in leaders:
        sheet.append(
            [
                person.unit.code,
                person.unit.name,
                None,
                person.pk,
                person.full_name,
                person.get_position_display(),
                None,
                None,
            ]
        )
    choices = DataValidation(
        type="list", formula1='"' + ",".join(OUTCOME_WORDS) + '"', allow_blank=False
    )
    sheet.add_data_validation(choices)
    choices.add(f"G2:H{max(sheet.max_row, 2)}")
    for index, width in enumerate([10, 28, 12, 10, 26, 14, 11, 11], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ImportedRow:
    person: Person
    content1: str
    content2: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def parse_results(
    campaign: Campaign, content: bytes
) -> tuple[list[ImportedRow], list[tuple[int, str, str]]]:
    """Rows and problems; each problem is (row, column as the sheet shows it, such as
    "G (content1)", message). A file that cannot be read at all is one problem without a
    row or column."""
    try:
        workbook = open_workbook(content)
    except SpreadsheetRefused as refused:
        return [], [(0, "", refused.message)]
    sheet_name = next((name for name in (SHEET, SHEET_RANK) if name in workbook.sheetnames), None)
    if sheet_name is None:
        return [], [(0, "", _("The workbook has no sheet named %(sheet)s.") % {"sheet": SHEET})]
    # Rows past MAX_ROWS are reported below; the sheet is read no further than that.
    rows = sheet_rows(workbook[sheet_name], max_rows=MAX_ROWS + 2)
    titles = [_text(value) for value in next(rows, ())]
    problems: list[tuple[int, str, str]] = []
    position: dict[str, int] = {}
    for index, title in enumerate(titles):
        name = HEADER_COLUMNS.get(fold(title))
        if name is not None:
            position.setdefault(name, index)
    for name in REQUIRED:
        if name not in position:
            header = HEADERS[COLUMNS.index(name)]
            problems.append((1, header, _("Missing column %(column)s.") % {"column": header}))
    if problems:
        return [], problems

    def column(name: str) -> str:
        return sheet_column(get_column_letter(position[name] + 1), titles[position[name]])

    leaders = {
        person.pk: person
        for person in Person.objects.filter(
            unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS
        ).select_related("unit")
    }
    parsed: list[ImportedRow] = []
    seen: dict[int, int] = {}
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            problems.append(
                (
                    number,
                    column("leader_id"),
                    _("Too many rows (at most %(n)s).") % {"n": MAX_ROWS},
                )
            )
            break
        row = {
            name: _text(values[index]) if index < len(values) else ""
            for name, index in position.items()
        }
        if not any(row.values()):
            continue
        person = None
        leader_id = row["leader_id"]
        if not leader_id.isdigit() or int(leader_id) not in leaders:
            problems.append(
                (
                    number,
                    column("leader_id"),
                    _("%(value)s is not a leader of a participating unit.")
                    % {"value": leader_id or "—"},
                )
            )
        else:
            person = leaders[int(leader_id)]
            if person.unit.code != row["unit_code"]:
                problems.append(
                    (
                        number,
                        column("unit_code"),
                        _("The leader belongs to unit %(code)s.") % {"code": person.unit.code},
                    )
                )
            if int(leader_id) in seen:
                problems.append(
                    (
                        number,
                        column("leader_id"),
                        _("The leader is already on row %(row)s.") % {"row": seen[int(leader_id)]},
                    )
                )
            seen[int(leader_id)] = number
        outcomes = []
        for name in ("content1", "content2"):
            outcome = OUTCOMES.get(fold(row[name]))
            if outcome is None:
                problems.append(
                    (
                        number,
                        column(name),
                        _("Expected %(choices)s (got %(value)s).")
                        % {"choices": ", ".join(OUTCOME_WORDS), "value": row[name] or "—"},
                    )
                )
            outcomes.append(outcome)
        if person is not None and outcomes[0] and outcomes[1]:
            parsed.append(ImportedRow(person, outcomes[0], outcomes[1]))
    return parsed, problems


def results_import(*, actor: Any, campaign: Campaign, content: bytes) -> int:
    """Record every row's two outcomes, or nothing when any row is wrong."""
    if campaign.status not in (
        Campaign.Status.TESTING,
        Campaign.Status.RESULTS,
        Campaign.Status.APPROVED,
    ):
        raise DomainError(_("Results are recorded while testing or after it."))
    parsed, problems = parse_results(campaign, content)
    if len(problems) == 1 and not problems[0][0]:
        # Not a workbook, or none with the sheet: one sentence, no table of cells.
        raise DomainError(problems[0][2])
    if problems:
        raise ImportErrors(
            _("Nothing was imported: correct these cells and upload the file again."), problems
        )
    if not parsed:
        raise DomainError(_("The file has no result rows."))
    with transaction.atomic():
        for row in parsed:
            for content_number, outcome in ((1, row.content1), (2, row.content2)):
                result_record(
                    actor=actor,
                    campaign=campaign,
                    person=row.person,
                    content=content_number,
                    outcome=outcome,
                    source=Result.Source.IMPORT,
                )
        audit_log(
            actor=actor,
            action=AuditAction.RESULTS_IMPORTED,
            obj=campaign,
            summary={"leaders": len(parsed)},
        )
    return len(parsed)
