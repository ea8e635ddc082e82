"""The spreadsheet grader on real workbooks: answers written as flat ODF and converted by
LibreOffice (fixtures/spreadsheet, made by fixtures/make_spreadsheets.py), and answers
made here with openpyxl, opened back and graded."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from sathach.core.tests import hostile_files
from sathach.practical import office
from sathach.practical.graders import spreadsheet
from sathach.practical.graders.base import Verdict, share
from sathach.practical.graders.spreadsheet_book import decimals_of, expected_formula, normal_format

FIXTURES = Path(__file__).parent / "fixtures" / "spreadsheet"
TASK = json.loads((FIXTURES / "task.json").read_text("utf-8"))
STARTER: dict[str, Any] = TASK["starter"]
CRITERIA: list[dict[str, Any]] = TASK["criteria"]

needs_office = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice not installed")


def _grade(name: str, criteria: list[dict[str, Any]] | None = None) -> list[Verdict]:
    data = (FIXTURES / name).read_bytes()
    return spreadsheet.grade(data, Path(name).suffix, criteria or CRITERIA, starter=STARTER)


def _earned(verdicts: list[Verdict]) -> list[Decimal]:
    return [verdict.earned for verdict in verdicts]


def _saved(book: Workbook) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _answer_with_openpyxl(population: str = "=SUM(D{r}:E{r})") -> Workbook:
    """The starter, opened back with openpyxl, with the population column written."""
    book = load_workbook(io.BytesIO(spreadsheet.make_starter(STARTER) or b""))
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    for row in range(2, 12):
        sheet[f"G{row}"] = population.format(r=row)
    return book


def _criterion(key: str, **params: Any) -> list[dict[str, Any]]:
    return [{"key": key, "weight": "1", "params": params}]


@needs_office
def test_libreoffice_computes_again_a_cached_value_that_lies(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append([1, 2, "=SUM(A1:B1)"])
    data = _saved(book)
    source = zipfile.ZipFile(io.BytesIO(data))
    lying = io.BytesIO()
    with zipfile.ZipFile(lying, "w") as target:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"<f>SUM(A1:B1)</f><v></v>", b"<f>SUM(A1:B1)</f><v>999</v>")
                part = part.replace(b"<f>SUM(A1:B1)</f></c>", b"<f>SUM(A1:B1)</f><v>999</v></c>")
                assert b"<v>999</v>" in part
            target.writestr(item, part)
    assert load_workbook(io.BytesIO(lying.getvalue()), data_only=True)["Sheet"]["C1"].value == 999

    computed = office.convert_bytes(lying.getvalue(), ".xlsx", "xlsx")

    assert load_workbook(io.BytesIO(computed), data_only=True)["Sheet"]["C1"].value == 3


def test_the_starter_is_the_rows_with_a_bold_header_and_readable_columns() -> None:
    data = spreadsheet.make_starter(STARTER)
    assert data is not None

    sheet = load_workbook(io.BytesIO(data))["Dân số"]
    assert isinstance(sheet, Worksheet)

    assert [c.value for c in sheet[1]] == ["STT", "Thôn/ấp", "Vùng", "Nam", "Nữ", "Số hộ"]
    assert sheet["B2"].value == "Thôn Đông" and sheet["D2"].value == 412
    assert sheet["A16"].value == "A" and sheet["B18"].value == "Đồi núi"
    assert sheet["A1"].font.b is True
    assert sheet.column_dimensions["B"].width >= len("Thôn Hòa Thuận")


@needs_office
def test_a_right_answer_made_in_libreoffice_earns_every_criterion() -> None:
    verdicts = _grade("good.xlsx")

    assert [v.key for v in verdicts] == [c["key"] for c in CRITERIA]
    assert _earned(verdicts) == [Decimal(1)] * len(CRITERIA), [v.reason for v in verdicts]


@needs_office
def test_an_ods_answer_is_converted_and_graded_like_its_xlsx() -> None:
    ods = office.convert_bytes((FIXTURES / "good.fods").read_bytes(), ".fods", "ods")

    verdicts = spreadsheet.grade(ods, ".ods", CRITERIA, starter=STARTER)

    assert _earned(verdicts) == [Decimal(1)] * len(CRITERIA), [v.reason for v in verdicts]


@needs_office
def test_values_typed_instead_of_formulas_earn_nothing_for_the_formulas() -> None:
    verdicts = _grade("typed_values.xlsx")

    assert verdicts[0].earned == 0
    assert "G2:" in verdicts[0].reason and "10" in verdicts[0].reason
    # The other columns still compute from the typed values.
    assert _earned(verdicts)[1:4] == [Decimal(1)] * 3


@needs_office
def test_a_formula_over_a_wrong_range_is_caught_by_its_value() -> None:
    verdicts = _grade("wrong_range.xlsx")

    assert verdicts[0].earned == 0
    # Ấp Phú Lợi comes first: 602 men of 1213 people.
    assert "G2: 602 (" in verdicts[0].reason and "1.213" in verdicts[0].reason


@needs_office
def test_cached_values_that_lie_are_not_believed() -> None:
    cached = load_workbook(io.BytesIO((FIXTURES / "lying_cache.xlsx").read_bytes()), data_only=True)
    assert cached["Dân số"]["G2"].value == 1213

    verdicts = _grade("lying_cache.xlsx")

    assert verdicts[0].earned == 0
    assert "G2: 602 (" in verdicts[0].reason


@needs_office
def test_rows_not_sorted_fail_the_sort_but_keep_the_data() -> None:
    verdicts = _grade("unsorted.xlsx")
    by_key = {v.key: v for v in verdicts}

    assert by_key["sorted"].earned == 0 and "G2" in by_key["sorted"].reason
    assert by_key["data_kept"].earned == 1
    assert verdicts[0].earned == 1


@needs_office
def test_a_pie_chart_instead_of_columns_is_named_and_earns_nothing() -> None:
    verdict = {v.key: v for v in _grade("pie_chart.xlsx")}["chart"]

    assert verdict.earned == 0
    assert "G2:G11" in verdict.reason


@needs_office
def test_no_chart_and_no_filter_earn_nothing() -> None:
    by_key = {v.key: v for v in _grade("no_chart.xlsx")}

    assert by_key["chart"].earned == 0
    assert by_key["filter"].earned == 0


@needs_office
def test_a_row_lost_while_sorting_fails_the_sort_and_the_data_kept() -> None:
    by_key = {v.key: v for v in _grade("rows_lost.xlsx")}

    assert by_key["sorted"].earned == 0 and "Thôn Bắc Sơn" in by_key["sorted"].reason
    assert by_key["data_kept"].earned == share(17, 18)
    assert "Thôn Bắc Sơn" in by_key["data_kept"].reason


@needs_office
def test_an_openpyxl_answer_earns_the_share_of_right_cells_with_decimal_commas() -> None:
    book = _answer_with_openpyxl()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet["G3"] = 1078  # typed
    sheet["G5"] = "=SUM(D5:E5)/2"  # wrong: 282,5
    for row in range(2, 12):
        sheet[f"H{row}"] = f"=ROUND(G{row}/F{row},2)"
    criteria = CRITERIA[:2]

    verdicts = spreadsheet.grade(_saved(book), ".xlsx", criteria, starter=STARTER)

    assert verdicts[0].earned == Decimal("0.8")
    assert re.search(r"\b8\b.*\b10\b.*G2:G11", verdicts[0].reason)
    assert "G3:" in verdicts[0].reason and "G5: 282,5 (" in verdicts[0].reason
    # Each formula is judged on the leader's own data: H5 divides the wrong G5 right.
    assert verdicts[1].earned == 1


def test_an_expected_formula_written_the_vietnamese_way_is_stored_in_english_syntax() -> None:
    assert expected_formula("=ROUND(G{row}/F{row};2)", 7) == "=ROUND(G7/F7,2)"
    assert expected_formula('=IF(A{row}>0,5;"có; không";C{row}*0,5)', 2) == (
        '=IF(A2>0.5,"có; không",C2*0.5)'
    )
    assert expected_formula("=SUM(C{row},E{row})", 3) == "=SUM(C3,E3)"


def test_equivalent_number_formats_read_the_same() -> None:
    assert normal_format("#,##0_);(#,##0)") == normal_format("#,##0")
    assert normal_format('_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-') == "#,##0"
    assert normal_format("[$-42A]DD/MM/YYYY") == "dd/mm/yyyy"
    assert decimals_of("0.00") == 2 and decimals_of("#,##0.00%") == 2
    assert decimals_of("General") is None and decimals_of("0") == 0


@needs_office
def test_number_formats_are_checked_cell_by_cell() -> None:
    book = _answer_with_openpyxl()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    for row in range(2, 12):
        sheet[f"G{row}"].number_format = "#,##0_);(#,##0)"
        sheet[f"H{row}"] = 1.5
        sheet[f"H{row}"].number_format = "0.00" if row < 11 else "0.0"
    sheet["K2"], sheet["K3"] = date(2026, 3, 1), date(2026, 3, 2)
    sheet["K2"].number_format = "DD/MM/YYYY"
    sheet["K3"].number_format = "mm-dd-yy"  # Excel's short date, dd/mm/yyyy in Vietnamese

    verdicts = spreadsheet.grade(
        _saved(book),
        ".xlsx",
        _criterion("number_format", cells="G2:G11", format="#,##0")
        + _criterion("number_format", cells="H2:H11", decimals=2)
        + _criterion("number_format", cells="K2:K3", format="dd/mm/yyyy")
        + _criterion("number_format", cells="K2:K3", format="0.00"),
        starter=STARTER,
    )

    assert _earned(verdicts) == [Decimal(1), Decimal("0.9"), Decimal(1), Decimal(0)]
    assert "H11: 0.0" in verdicts[1].reason


@needs_office
def test_a_filter_with_the_values_asked_earns_it_and_other_values_half() -> None:
    book = _answer_with_openpyxl()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.auto_filter.ref = "A1:G11"
    sheet.auto_filter.add_filter_column(2, ["B"])
    data = _saved(book)
    ask = _criterion("filter", range="A1:F11", column="C", values=["B"])
    other = _criterion("filter", range="A1:F11", column="C", values=["A", "C"])

    assert _earned(spreadsheet.grade(data, ".xlsx", ask + other, starter=STARTER)) == [
        Decimal(1),
        Decimal("0.5"),
    ]


@needs_office
def test_an_openpyxl_chart_is_read_with_its_kind_and_ranges() -> None:
    book = _answer_with_openpyxl()
    sheet = cast(Worksheet, book.active)
    bars = BarChart()
    bars.type = "col"
    bars.add_data(Reference(sheet, min_col=7, min_row=2, max_row=11))
    bars.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=11))
    sheet.add_chart(bars, "L2")
    pie = PieChart()
    pie.add_data(Reference(sheet, min_col=4, min_row=2, max_row=11))
    sheet.add_chart(pie, "L20")
    data = _saved(book)
    criteria = (
        _criterion("chart", type="col", values="G2:G11", categories="B2:B11")
        + _criterion("chart", type="bar", values="G2:G11")
        + _criterion("chart", type="pie", values="G2:G11")
        + _criterion("chart", type="line", values="G2:G11")
    )

    verdicts = spreadsheet.grade(data, ".xlsx", criteria, starter=STARTER)

    assert _earned(verdicts) == [Decimal(1), Decimal(0), Decimal("0.5"), Decimal(0)]
    assert "D2:D11" in verdicts[2].reason


def test_a_file_that_cannot_be_graded_gives_every_criterion_nothing_with_a_reason() -> None:
    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as archive:
        for item in zipfile.ZipFile(
            io.BytesIO(spreadsheet.make_starter(STARTER) or b"")
        ).infolist():
            archive.writestr(item, b"")
        archive.writestr("xl/vbaProject.bin", b"\0" * 10)
    bad = {
        "empty": (b"", ".xlsx"),
        "garbage": (b"PK\x03\x04 not a zip at all", ".xlsx"),
        "text": (b"hello", ".xlsx"),
        "macro": (macro.getvalue(), ".xlsx"),
        "bomb": (hostile_files.zip_bomb("Dân số", ["STT"]), ".xlsx"),
        "a million rows": (hostile_files.million_rows("Dân số", ["STT"]), ".xlsx"),
        "not a workbook": (hostile_files.zip_not_workbook(), ".xlsx"),
        "wrong kind": (spreadsheet.make_starter(STARTER) or b"", ".docx"),
        "ods that is not": (hostile_files.zip_not_workbook(), ".ods"),
    }
    for name, (data, extension) in bad.items():
        verdicts = spreadsheet.grade(data, extension, CRITERIA, starter=STARTER)
        assert len(verdicts) == len(CRITERIA), name
        assert all(v.earned == 0 and v.reason for v in verdicts), name
        assert len({v.reason for v in verdicts}) == 1, name


def test_without_libreoffice_formulas_are_checked_but_values_earn_nothing(settings: Any) -> None:
    settings.SOFFICE = "/nonexistent/soffice"
    book = _answer_with_openpyxl()
    criteria = CRITERIA[:1] + _criterion("formula", cells="G2:G11", functions=["SUM"])

    verdicts = spreadsheet.grade(_saved(book), ".xlsx", criteria, starter=STARTER)

    assert verdicts[0].earned == 0 and "10" in verdicts[0].reason
    assert verdicts[1].earned == 1


def test_the_criteria_are_checked_with_each_problem_naming_its_criterion() -> None:
    assert spreadsheet.validate_specs(CRITERIA) == []
    problems = spreadsheet.validate_specs(
        [
            {"key": "formula", "weight": "1", "params": {"cells": "F2:F", "functions": ["SUMM"]}},
            {"key": "chart", "weight": "0", "params": {"type": "3d", "values": "G2:G11"}},
            {"key": "nope", "weight": "1"},
            {"key": "formula", "weight": "1", "params": {
                "cells": "F2:F11", "functions": ["ROUND"], "expected": "=SUM(C{row}:E{row})"}},
            {"key": "sorted", "weight": "1", "params": {"range": "A2:F11", "column": "7"}},
        ]
    )  # fmt: skip

    joined = "\n".join(problems)
    assert "F2:F" in joined and "SUMM" in joined and "3d" in joined and "nope" in joined
    assert any(p.startswith(("Criterion 1", "Tiêu chí 1")) for p in problems)
    assert sum("2 (" in p for p in problems) == 2  # the weight and the chart type
    assert any("ROUND" in p and "4 (" in p for p in problems)
    assert any("“7”" in p for p in problems)


def test_data_kept_ignores_the_columns_the_header_names_for_the_leader_to_fill() -> None:
    import io

    from openpyxl import Workbook

    starter = {
        "sheet": "Dân số",
        "rows": [["Thôn", "Nam", "Nữ", "Tổng"], ["Đông", 4, 5], ["Tây", 6, 7]],
    }
    book = Workbook()
    sheet = book.active
    sheet.title = "Dân số"
    for row in (["Thôn", "Nam", "Nữ", "Tổng"], ["Đông", 4, 5, "=B2+C2"], ["Tây", 6, 7, "=B3+C3"]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    (verdict,) = spreadsheet.grade(
        out.getvalue(), ".xlsx", [{"key": "data_kept", "weight": "1"}], starter=starter
    )
    assert verdict.earned == 1, verdict.reason
