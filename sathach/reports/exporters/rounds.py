"""The comparison of yearly rounds in the results workbook ("So sánh các đợt"): added only
when the campaign's issuing unit has an earlier round, so a first round's workbook is
unchanged."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from sathach.exams.models import MODULE_CODES
from sathach.reports import vietnamese as vn
from sathach.reports.rounds import earlier_rounds, round_label, rounds_comparison
from sathach.reports.selectors import CampaignFigures
from sathach.reports.workbook import DECIMAL, INTEGER, PERCENT, Sheet, SheetColumn


def _fraction(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def rounds_sheets(figures: CampaignFigures, subtitle: str) -> list[Sheet]:
    """The communes' and the leaders' comparison sheets; none without an earlier round."""
    if not earlier_rounds(figures.campaign).exists():
        return []
    comparison = rounds_comparison(figures.scope, current=figures)
    rounds_note = "Các đợt so sánh: " + "; ".join(
        f"{round_label(c)} ban hành ngày {vn.short_date(c.issued_on)}" for c in comparison.rounds
    )
    notes = [
        rounds_note + ".",
        "Tỷ lệ tham gia: số lãnh đạo tham gia đủ hai nội dung trên tổng số lãnh đạo; tỷ lệ "
        "đạt: số lãnh đạo đạt cả hai nội dung trên số lãnh đạo tham gia. Điểm từng mô-đun "
        "(TT 03/2014/TT-BTTTT) là điểm trung bình của bài kiểm tra trên máy; kết quả nhập từ "
        "bài thi giấy không có điểm mô-đun.",
    ]
    modules = [SheetColumn(f"{code} (%)", 9, DECIMAL) for code in MODULE_CODES]
    unit_rows: list[list[Any]] = []
    for code, name, rows in comparison.units:
        for row in rows:
            unit_rows.append(
                [
                    len(unit_rows) + 1,
                    code,
                    name,
                    round_label(row.campaign),
                    row.leaders,
                    row.figures.tested,
                    _fraction(row.figures.participation),
                    row.figures.passed_both,
                    _fraction(row.figures.pass_rate),
                    row.eoffice_passed,
                    row.eoffice_taken,
                    *row.modules,
                    _fraction(row.coverage),
                ]
            )
    units_sheet = Sheet(
        "So sánh các đợt",
        subtitle,
        [
            SheetColumn("TT", 6),
            SheetColumn("Mã đơn vị", 10),
            SheetColumn("Đơn vị", 24),
            SheetColumn("Đợt", 22),
            SheetColumn("Số lãnh đạo", 10, INTEGER),
            SheetColumn("Tham gia đủ hai nội dung", 12, INTEGER),
            SheetColumn("Tỷ lệ tham gia", 11, PERCENT),
            SheetColumn("Đạt cả hai nội dung", 11, INTEGER),
            SheetColumn("Tỷ lệ đạt", 11, PERCENT),
            SheetColumn("Nội dung 2: đạt", 10, INTEGER),
            SheetColumn("Nội dung 2: tham gia", 10, INTEGER),
            *modules,
            SheetColumn("Tỷ lệ có thiết bị ký số", 12, PERCENT),
        ],
        unit_rows,
        notes,
    )
    leader_rows: list[list[Any]] = []
    for person, rounds in comparison.leaders:
        for leader_round in rounds:
            leader = leader_round.figures
            leader_rows.append(
                [
                    len(leader_rows) + 1,
                    person.full_name,
                    round_label(leader_round.campaign),
                    leader.person.unit.name,
                    vn.position_of(leader.person),
                    vn.OUTCOMES[leader.outcome(1)] if leader.content1 else vn.NO_RESULT,
                    leader_round.content1_percent,
                    *leader_round.modules,
                    vn.OUTCOMES[leader.outcome(2)] if leader.content2 else vn.NO_RESULT,
                    vn.yes_no(leader.passed_both),
                    vn.yes_no(leader_round.has_device),
                ]
            )
    leaders_sheet = Sheet(
        "So sánh các đợt (lãnh đạo)",
        subtitle,
        [
            SheetColumn("TT", 6),
            SheetColumn("Họ và tên", 26),
            SheetColumn("Đợt", 22),
            SheetColumn("Đơn vị", 24),
            SheetColumn("Chức vụ", 14),
            SheetColumn("Nội dung 1: kết quả", 14),
            SheetColumn("Nội dung 1: điểm (%)", 11, DECIMAL),
            *modules,
            SheetColumn("Nội dung 2: kết quả", 14),
            SheetColumn("Đạt cả hai nội dung", 12),
            SheetColumn("Có thiết bị ký số", 12),
        ],
        leader_rows,
        notes,
    )
    return [units_sheet, leaders_sheet]
