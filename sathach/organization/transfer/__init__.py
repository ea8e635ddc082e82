"""Excel (.xlsx) import and export of administrative units and people.

Imports are all or nothing: every row is checked first, each mistake reported with its row
number and its column (letter and title), and nothing is stored unless the whole file is
right. Exports use the templates' columns, so that an exported file can be edited and
imported again.
"""

from __future__ import annotations

from sathach.organization.transfer.people import (
    PEOPLE_SHEET,
    people_export,
    people_import,
    people_parse,
    person_template,
)
from sathach.organization.transfer.sheets import (
    CLI_ACTOR,
    MAX_FILE_BYTES,
    MAX_ROWS,
    XLSX_CONTENT_TYPE,
    ImportSummary,
    Problem,
    default_era,
    error_lines,
    located_problems,
    problem_line,
)
from sathach.organization.transfer.units import (
    UNIT_SHEET,
    unit_template,
    units_export,
    units_import,
    units_parse,
)

__all__ = [
    "CLI_ACTOR",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "PEOPLE_SHEET",
    "UNIT_SHEET",
    "XLSX_CONTENT_TYPE",
    "ImportSummary",
    "Problem",
    "default_era",
    "error_lines",
    "located_problems",
    "people_export",
    "people_import",
    "people_parse",
    "person_template",
    "problem_line",
    "unit_template",
    "units_export",
    "units_import",
    "units_parse",
]
