"""Reading a `sathach rank` input (contracts/ranking.md) from JSON or xlsx.

Both formats are first turned into the same raw values, each with its location in the file
(a JSON path such as `units[2].leaders[0].content1`, or a cell such as `leaders!E7`), then
checked by one validator that reports every problem, not only the first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.campaigns.ranking import (
    GENDERS,
    MEAN_SCORE,
    OUTCOMES,
    POSITIONS,
    TIE_BREAKERS,
    WOMEN,
    LeaderResult,
    RankingRules,
    UnitInput,
    decimal_text,
)
from sathach.core.text import nfc

# openpyxl (0.1 s to import) is imported only when an .xlsx file is read: `sathach rank`
# on a JSON file should not pay for it.

LEADER_COLUMNS = (
    "unit_code",
    "unit_name",
    "facility_score",
    "leader_id",
    "name",
    "position",
    "content1",
    "content2",
)
# Read when given; required by the tie-breakers that use them (docs/RANKING.md).
OPTIONAL_LEADER_KEYS = (
    "content1_score",
    "content1_max_score",
    "content2_score",
    "content2_max_score",
    "gender",
)
NEEDED_COLUMNS = {MEAN_SCORE: ("content1_score", "content2_score"), WOMEN: ("gender",)}
LEADER_KEYS = ("id", "name", "position", "content1", "content2", *OPTIONAL_LEADER_KEYS)
CAMPAIGN_KEYS = ("code", "participation_target", "pass_target", "awards", "tie_breakers")
MISSING = object()
PERCENT = Decimal(100)
# Labels translated only when a problem is reported: a file of 10,000 leaders is checked
# without 50,000 calls to gettext.
UNIT_CODE = gettext_lazy("the unit code")
UNIT_NAME = gettext_lazy("the unit name")
LEADER_ID = gettext_lazy("the leader id")
LEADER_NAME = gettext_lazy("the leader name")


class RankInputError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Value:
    """A value read from the input, with where it was read."""

    value: Any
    location: str


@dataclass
class RawLeader:
    location: str
    fields: dict[str, Value]


@dataclass
class RawUnit:
    location: str
    code: Value
    name: Value
    facility_score: Value
    leaders: Value  # a list of RawLeader once read
    rows: list[RawLeader] = field(default_factory=list)


@dataclass
class RawInput:
    campaign: dict[str, Value]
    units: list[RawUnit]
    units_location: str
    problems: list[str] = field(default_factory=list)


# Checks shared by both formats ----------------------------------------------------------


def _problem(problems: list[str], location: str, message: str) -> None:
    problems.append(f"{location}: {message}")


def _shown(value: Any) -> str:
    return (
        json.dumps(value, ensure_ascii=False, default=str)
        if not isinstance(value, Decimal)
        else str(value)
    )


def _decimal(item: Value, problems: list[str], *, default: Decimal | None = None) -> Decimal | None:
    """A JSON number, a numeric cell or a decimal string; never a boolean."""
    value = item.value
    if value is MISSING or value is None or value == "":
        if default is not None:
            return default
        _problem(problems, item.location, _("a number is required"))
        return None
    if isinstance(value, bool):
        _problem(
            problems,
            item.location,
            _("expected a number (got %(value)s)") % {"value": _shown(value)},
        )
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = Decimal("NaN")
    else:
        number = Decimal("NaN")
    if not number.is_finite():
        _problem(
            problems,
            item.location,
            _("expected a number (got %(value)s)") % {"value": _shown(value)},
        )
        return None
    return number


def _percent(item: Value, problems: list[str], default: Fraction) -> Fraction:
    if item.value is MISSING:
        return default
    number = _decimal(item, problems)
    if number is None:
        return default
    if not Decimal(0) <= number <= Decimal(100):
        _problem(
            problems,
            item.location,
            _("expected a percentage from 0 to 100 (got %(value)s)") % {"value": number},
        )
        return default
    return Fraction(number)


def _text(item: Value, problems: list[str], what: Any) -> str:
    value = item.value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        _problem(problems, item.location, _("%(what)s must be a non-empty text") % {"what": what})
        return ""
    return nfc(value)


def _choice(item: Value, problems: list[str], allowed: tuple[str, ...]) -> str:
    value = item.value
    if not isinstance(value, str) or value.strip() not in allowed:
        shown = "—" if value is MISSING or value is None else _shown(value)
        _problem(
            problems,
            item.location,
            _("expected one of %(allowed)s (got %(value)s)")
            % {"allowed": ", ".join(allowed), "value": shown},
        )
        return ""
    return value.strip()


def _rules(campaign: dict[str, Value], problems: list[str]) -> RankingRules:
    defaults = RankingRules()
    code = campaign.get("code", Value(MISSING, "campaign.code"))
    code_text = ""
    if code.value is not MISSING:
        if isinstance(code.value, str):
            code_text = nfc(code.value)
        else:
            _problem(problems, code.location, _("the code must be a text"))
    awards_item = campaign.get("awards", Value(MISSING, "campaign.awards"))
    awards = defaults.awards
    if awards_item.value is not MISSING:
        value = awards_item.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            _problem(
                problems,
                awards_item.location,
                _("expected a whole number ≥ 0 (got %(value)s)") % {"value": _shown(value)},
            )
        else:
            awards = value
    breakers_item = campaign.get("tie_breakers", Value(MISSING, "campaign.tie_breakers"))
    breakers = defaults.tie_breakers
    if breakers_item.value is not MISSING:
        value = breakers_item.value
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if (
            not isinstance(value, list)
            or any(v not in TIE_BREAKERS for v in value)
            or len(set(map(str, value))) != len(value)
        ):
            _problem(
                problems,
                breakers_item.location,
                _("expected a list of distinct values from %(allowed)s (got %(value)s)")
                % {"allowed": ", ".join(TIE_BREAKERS), "value": _shown(breakers_item.value)},
            )
        else:
            breakers = tuple(value)
    return RankingRules(
        code=code_text,
        participation_target=_percent(
            campaign.get("participation_target", Value(MISSING, "")),
            problems,
            defaults.participation_target,
        ),
        pass_target=_percent(
            campaign.get("pass_target", Value(MISSING, "")), problems, defaults.pass_target
        ),
        awards=awards,
        tie_breakers=breakers,
    )


def _field(leader: RawLeader, key: str) -> Value:
    return leader.fields.get(key) or Value(MISSING, f"{leader.location}.{key}")


def _score(
    leader: RawLeader, content: int, problems: list[str], *, needed: bool
) -> Fraction | None:
    """A content's score as an exact share of its maximum (100 when not given)."""
    key = f"content{content}_score"
    if not needed and key not in leader.fields:
        return None
    item = _field(leader, key)
    maximum_item = _field(leader, f"content{content}_max_score")
    if item.value is MISSING or item.value is None:
        if needed:
            _problem(
                problems,
                item.location,
                _("a score is required for a tested leader to compare by %(key)s")
                % {"key": MEAN_SCORE},
            )
        return None
    maximum = PERCENT
    if maximum_item.value is not MISSING and maximum_item.value is not None:
        given = _decimal(maximum_item, problems)
        if given is None:
            return None
        if given <= 0:
            _problem(problems, maximum_item.location, _("the maximum score must be more than 0"))
            return None
        maximum = given
    score = _decimal(item, problems)
    if score is None:
        return None
    if not 0 <= score <= maximum:
        _problem(
            problems,
            item.location,
            _("the score must be from 0 to the maximum score (%(maximum)s)")
            % {"maximum": decimal_text(maximum)},
        )
        return None
    return Fraction(score) / Fraction(maximum)


def _gender(leader: RawLeader, problems: list[str], *, needed: bool) -> str:
    if not needed and "gender" not in leader.fields:
        return ""
    item = _field(leader, "gender")
    if item.value is MISSING or item.value is None:
        if needed:
            _problem(
                problems,
                item.location,
                _("the leader's gender is required to compare by %(key)s") % {"key": WOMEN},
            )
        return ""
    return _choice(item, problems, GENDERS)


def validate(raw: RawInput) -> tuple[RankingRules, list[UnitInput]]:
    """Check everything; raise RankInputError listing every problem found."""
    problems = list(raw.problems)
    rules = _rules(raw.campaign, problems)
    breakers = rules.tie_breakers
    if not raw.units and not problems:
        _problem(problems, raw.units_location, _("at least one unit is required"))
    units: list[UnitInput] = []
    codes: set[str] = set()
    leader_ids: set[str] = set()
    for unit in raw.units:
        code = _text(unit.code, problems, UNIT_CODE)
        if code and code in codes:
            _problem(
                problems,
                unit.code.location,
                _("the unit code %(code)s is used twice") % {"code": code},
            )
        codes.add(code)
        name = _text(unit.name, problems, UNIT_NAME)
        score = _decimal(unit.facility_score, problems, default=Decimal(0))
        if score is not None and score < 0:
            _problem(problems, unit.facility_score.location, _("the facility score must be ≥ 0"))
        if not unit.rows:
            _problem(problems, unit.leaders.location, _("at least one leader is required"))
        leaders = []
        for leader in unit.rows:
            fields = leader.fields
            leader_id = _text(fields["id"], problems, LEADER_ID)
            if leader_id and leader_id in leader_ids:
                _problem(
                    problems,
                    fields["id"].location,
                    _("the leader id %(id)s is used twice") % {"id": leader_id},
                )
            leader_ids.add(leader_id)
            leader_name = _text(fields["name"], problems, LEADER_NAME)
            position = _choice(fields["position"], problems, POSITIONS)
            content1 = _choice(fields["content1"], problems, OUTCOMES)
            content2 = _choice(fields["content2"], problems, OUTCOMES)
            tested = "absent" not in (content1, content2) and "" not in (content1, content2)
            score1 = _score(leader, 1, problems, needed=tested and MEAN_SCORE in breakers)
            score2 = _score(leader, 2, problems, needed=tested and MEAN_SCORE in breakers)
            leaders.append(
                LeaderResult(
                    id=leader_id,
                    name=leader_name,
                    position=position,
                    content1=content1,
                    content2=content2,
                    gender=_gender(leader, problems, needed=WOMEN in breakers),
                    score1=score1,
                    score2=score2,
                )
            )
        units.append(UnitInput(code, name, score or Decimal(0), tuple(leaders)))
    if problems:
        raise RankInputError(problems)
    return rules, units


# JSON -------------------------------------------------------------------------------------


def _get(obj: dict[str, Any], key: str, path: str) -> Value:
    return Value(obj.get(key, MISSING), f"{path}.{key}")


def raw_from_document(document: Any) -> RawInput:
    problems: list[str] = []
    if not isinstance(document, dict):
        return RawInput({}, [], "$", ["$: " + _("the document must be a JSON object")])
    campaign_value = document.get("campaign", {})
    campaign: dict[str, Value] = {}
    if not isinstance(campaign_value, dict):
        _problem(problems, "campaign", _("expected an object"))
    else:
        campaign = {
            key: _get(campaign_value, key, "campaign")
            for key in CAMPAIGN_KEYS
            if key in campaign_value
        }
    units_value = document.get("units", MISSING)
    units: list[RawUnit] = []
    if not isinstance(units_value, list) or not units_value:
        _problem(problems, "units", _("expected a non-empty list of units"))
        units_value = []
    for index, unit in enumerate(units_value):
        path = f"units[{index}]"
        if not isinstance(unit, dict):
            _problem(problems, path, _("expected an object"))
            continue
        leaders_value = unit.get("leaders", MISSING)
        rows: list[RawLeader] = []
        if not isinstance(leaders_value, list):
            leaders_value = []
        for position, leader in enumerate(leaders_value):
            leader_path = f"{path}.leaders[{position}]"
            if not isinstance(leader, dict):
                _problem(problems, leader_path, _("expected an object"))
                continue
            fields = {key: _get(leader, key, leader_path) for key in LEADER_KEYS[:5]}
            for key in OPTIONAL_LEADER_KEYS:
                if key in leader:
                    fields[key] = Value(leader[key], f"{leader_path}.{key}")
            rows.append(RawLeader(leader_path, fields))
        units.append(
            RawUnit(
                location=path,
                code=_get(unit, "code", path),
                name=_get(unit, "name", path),
                facility_score=_get(unit, "facility_score", path),
                leaders=Value(leaders_value, f"{path}.leaders"),
                rows=rows,
            )
        )
    return RawInput(campaign, units, "units", problems)


def parse_document(document: Any) -> tuple[RankingRules, list[UnitInput]]:
    """Rules and units from a JSON document (already decoded, numbers as Decimal or int)."""
    return validate(raw_from_document(document))


# xlsx -------------------------------------------------------------------------------------


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value if value else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def raw_from_workbook(content: bytes) -> RawInput:
    from openpyxl.utils import get_column_letter

    from sathach.core.spreadsheets import SpreadsheetRefused, open_workbook, sheet_rows

    try:
        workbook = open_workbook(content)
    except SpreadsheetRefused as refused:
        return RawInput({}, [], "leaders!A1", [f"$: {refused.message}"])
    problems: list[str] = []
    campaign: dict[str, Value] = {}
    if "campaign" in workbook.sheetnames:
        for number, row in enumerate(sheet_rows(workbook["campaign"]), start=1):
            key = _cell_value(row[0]) if row else None
            if isinstance(key, str) and key.lower() in CAMPAIGN_KEYS:
                given = _cell_value(row[1]) if len(row) > 1 else None
                campaign[key.lower()] = Value(
                    MISSING if given is None else given, f"campaign!B{number}"
                )
    if "leaders" not in workbook.sheetnames:
        return RawInput(
            campaign,
            [],
            "leaders!A1",
            ["leaders!A1: " + _("the workbook has no sheet named leaders")],
        )
    rows = sheet_rows(workbook["leaders"])
    header = [str(_cell_value(v) or "").lower() for v in next(rows, ())]
    columns = {
        name: header.index(name)
        for name in (*LEADER_COLUMNS, *OPTIONAL_LEADER_KEYS)
        if name in header
    }
    breakers = campaign.get("tie_breakers")
    needed = [
        column
        for breaker, needed_columns in NEEDED_COLUMNS.items()
        if breakers is not None
        and breaker in [part.strip() for part in str(breakers.value).split(",")]
        for column in needed_columns
    ]
    missing = [name for name in (*LEADER_COLUMNS, *needed) if name not in columns]
    if missing:
        return RawInput(
            campaign,
            [],
            "leaders!A1",
            ["leaders!A1: " + _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}],
        )

    def value(row: tuple[Any, ...], number: int, name: str) -> Value:
        index = columns[name]
        cell = _cell_value(row[index]) if index < len(row) else None
        return Value(
            MISSING if cell is None else cell, f"leaders!{get_column_letter(index + 1)}{number}"
        )

    units: dict[str, RawUnit] = {}
    for number, row in enumerate(rows, start=2):
        if all(_cell_value(v) is None for v in row):
            continue
        code = value(row, number, "unit_code")
        key = str(code.value) if code.value is not MISSING else f"\0{number}"
        unit = units.get(key)
        if unit is None:
            unit = units[key] = RawUnit(
                location=code.location,
                code=code,
                name=value(row, number, "unit_name"),
                facility_score=value(row, number, "facility_score"),
                leaders=Value([], code.location),
            )
        else:
            for name, first in (("unit_name", unit.name), ("facility_score", unit.facility_score)):
                again = value(row, number, name)
                if again.value is not MISSING and str(again.value) != str(first.value):
                    _problem(
                        problems,
                        again.location,
                        _("differs from %(cell)s for the same unit (%(first)s)")
                        % {"cell": first.location.split("!")[1], "first": _shown(first.value)},
                    )
        fields = {
            "id": value(row, number, "leader_id"),
            "name": value(row, number, "name"),
            "position": value(row, number, "position"),
            "content1": value(row, number, "content1"),
            "content2": value(row, number, "content2"),
        }
        for key in OPTIONAL_LEADER_KEYS:
            if key in columns:
                fields[key] = value(row, number, key)
        unit.rows.append(RawLeader(code.location, fields))
    return RawInput(campaign, list(units.values()), "leaders!A2", problems)


# Files ------------------------------------------------------------------------------------


def read_rank_input(path: str | Path) -> tuple[RankingRules, list[UnitInput]]:
    """Read a .json or .xlsx file; raise RankInputError with every problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        content = path.read_bytes()
    except OSError:
        raise RankInputError([f"{path}: " + _("the file cannot be read")]) from None
    if suffix == ".json":
        try:
            document = json.loads(content.decode("utf-8-sig"), parse_float=Decimal)
        except UnicodeDecodeError:
            raise RankInputError(["$: " + _("the file is not UTF-8 text")]) from None
        except json.JSONDecodeError as error:
            message = _("not valid JSON (line %(line)s, column %(column)s)") % {
                "line": error.lineno,
                "column": error.colno,
            }
            raise RankInputError([f"$: {message}"]) from None
        return parse_document(document)
    if suffix == ".xlsx":
        from sathach.core.spreadsheets import SpreadsheetRefused

        try:
            return validate(raw_from_workbook(content))
        except SpreadsheetRefused as refused:  # a sheet past XLSX_MAX_ROWS rows
            raise RankInputError([f"$: {refused.message}"]) from None
    raise RankInputError([f"{path}: " + _("expected a .json or .xlsx file")])
