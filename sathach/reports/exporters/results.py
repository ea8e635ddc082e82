"""The results workbook (.xlsx): leaders, communes, the ranking, readiness."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from sathach.campaigns.models import FacilityDeclaration, Result
from sathach.campaigns.selectors import coverage_by_kind
from sathach.exams.models import MODULE_CODES
from sathach.reports import vietnamese as vn
from sathach.reports.exporters.base import (
    CONTENT1,
    CONTENT2,
    WorkbookExporter,
    pass_rules_note,
    ranking_notes,
)
from sathach.reports.exporters.rounds import rounds_sheets
from sathach.reports.workbook import DATE, DECIMAL, PERCENT, Sheet, SheetColumn


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def _rate(text: str) -> Decimal:
    """The engine's "85.00" as the fraction 0.85, shown by Excel as 85.00%."""
    return Decimal(text) / 100


def _fraction(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


class ResultsWorkbook(WorkbookExporter):
    identifier = "results"
    filename_stem = "ket-qua-kiem-tra"
    title = "Kết quả kiểm tra kỹ năng tin học và ứng dụng công nghệ thông tin"
    label = gettext_lazy("Results workbook")
    district_only = False

    def sheets(self) -> list[Sheet]:
        sheets = [self.leaders_sheet(), self.units_sheet()]
        if self.figures.ranking is not None:
            sheets.append(self.ranking_sheet())
        sheets += [self.devices_sheet(), self.facilities_sheet()]
        sheets += rounds_sheets(
            self.figures, self._subtitle("Kết quả từng đơn vị và từng lãnh đạo qua các đợt")
        )
        return sheets

    def _subtitle(self, what: str) -> str:
        scope = (
            ""
            if self.figures.scope.district
            else " — " + ", ".join(unit.name for unit in self.figures.scope.units)
        )
        return f"{what}{scope}. Số liệu đến ngày {vn.short_date(self.figures.as_of)}."

    def leaders_sheet(self) -> Sheet:
        columns = [
            SheetColumn("TT", 6),
            SheetColumn("Mã đơn vị", 10),
            SheetColumn("Đơn vị", 24),
            SheetColumn("Họ và tên", 26),
            SheetColumn("Chức vụ", 14),
            SheetColumn("Nội dung 1: kết quả", 14),
            SheetColumn("Nội dung 1: điểm", 11, DECIMAL),
            SheetColumn("Nội dung 1: điểm tối đa", 11, DECIMAL),
            SheetColumn("Nội dung 1: nguồn", 24),
            *[SheetColumn(f"Nội dung 1: {code} (%)", 9, DECIMAL) for code in MODULE_CODES],
            SheetColumn("Nội dung 2: kết quả", 14),
            SheetColumn("Nội dung 2: nguồn", 24),
            SheetColumn("Tham gia đủ hai nội dung", 12),
            SheetColumn("Đạt cả hai nội dung", 12),
        ]

        def outcome(result: Result | None) -> str:
            return vn.OUTCOMES.get(result.outcome, result.outcome) if result else vn.NO_RESULT

        def source(result: Result | None) -> str:
            return vn.SOURCES.get(result.source, result.source) if result else ""

        def module_percent(result: Result | None, code: str) -> Decimal | None:
            found = result.module_scores.get(code) if result else None
            return Decimal(found["percent"]) if found else None

        rows = []
        for index, leader in enumerate(self.figures.leaders, start=1):
            person = leader.person
            c1, c2 = leader.content1, leader.content2
            rows.append(
                [
                    index,
                    person.unit.code,
                    person.unit.name,
                    person.full_name,
                    vn.position_of(person),
                    outcome(c1),
                    c1.score if c1 else None,
                    c1.max_score if c1 else None,
                    source(c1),
                    *[module_percent(c1, code) for code in MODULE_CODES],
                    outcome(c2),
                    source(c2),
                    vn.yes_no(leader.tested),
                    vn.yes_no(leader.passed_both),
                ]
            )
        return Sheet(
            "Lãnh đạo",
            self._subtitle("Kết quả của từng lãnh đạo"),
            columns,
            rows,
            notes=[
                f"Nội dung 1: {CONTENT1}.",
                f"Nội dung 2: {CONTENT2}.",
                pass_rules_note(self.campaign),
                "Điểm từng mô đun (IU01 đến IU06, Thông tư 03/2014/TT-BTTTT) theo bài kiểm tra "
                "trên hệ thống; kết quả nhập từ bài kiểm tra trên giấy không có điểm mô đun.",
            ],
        )

    def units_sheet(self) -> Sheet:
        district = self.figures.scope.district
        campaign = self.campaign
        columns = [
            SheetColumn("TT", 6),
            SheetColumn("Mã đơn vị", 10),
            SheetColumn("Đơn vị", 24),
            SheetColumn("Số lãnh đạo", 10),
            SheetColumn("Tham gia đủ hai nội dung", 12),
            SheetColumn("Tỷ lệ tham gia", 11, PERCENT),
            SheetColumn("Đạt nội dung 1", 10),
            SheetColumn("Đạt nội dung 2", 10),
            SheetColumn("Đạt cả hai nội dung", 10),
            SheetColumn("Tỷ lệ đạt cả hai nội dung", 12, PERCENT),
            SheetColumn("Có thiết bị ký số còn hiệu lực", 12),
            SheetColumn("Tỷ lệ có thiết bị ký số", 11, PERCENT),
            SheetColumn("Có USB token", 10),
            SheetColumn("Có SIM PKI", 10),
            SheetColumn("Có ký số từ xa", 10),
            SheetColumn("Điểm cơ sở vật chất", 11, DECIMAL),
            SheetColumn("Điểm tối đa", 9, DECIMAL),
            SheetColumn("Đạt chỉ tiêu", 9),
        ]
        if district:
            columns.append(SheetColumn("Xếp hạng", 9))
        rows = []
        for index, unit in enumerate(self.figures.units, start=1):
            meets = (
                unit.participation * 100 >= campaign.participation_target
                and unit.pass_rate * 100 >= campaign.pass_target
                and bool(unit.leaders)
            )
            row: list[Any] = [
                index,
                unit.unit.code,
                unit.unit.name,
                len(unit.leaders),
                unit.tested,
                _fraction(unit.participation),
                unit.passed(1),
                unit.passed(2),
                unit.passed_both,
                _fraction(unit.pass_rate),
                unit.readiness.covered,
                _fraction(unit.readiness.coverage),
                *unit.readiness.covered_by_kind.values(),
                unit.readiness.facility_score,
                unit.readiness.facility_max,
                vn.yes_no(meets),
            ]
            if district:
                rank = unit.ranking_row["rank"] if unit.ranking_row else None
                row.append(rank)
            rows.append(row)
        notes = [
            f"Chỉ tiêu: {vn.number(campaign.participation_target)}% lãnh đạo tham gia kiểm tra; "
            f"ít nhất {vn.number(campaign.pass_target)}% số lãnh đạo tham gia đạt cả hai nội "
            f"dung; {vn.number(campaign.device_target)}% lãnh đạo có thiết bị ký số."
        ]
        return Sheet(
            "Đơn vị", self._subtitle("Kết quả của từng đơn vị"), columns, rows, notes=notes
        )

    def ranking_sheet(self) -> Sheet:
        """The engine's output row for row: the same order, ranks, ties and awards."""
        ranking = self.figures.ranking
        assert ranking is not None
        columns = [
            SheetColumn("Xếp hạng", 9),
            SheetColumn("Đồng hạng", 9),
            SheetColumn("Mã đơn vị", 10),
            SheetColumn("Đơn vị", 24),
            SheetColumn("Số lãnh đạo", 10),
            SheetColumn("Tham gia đủ hai nội dung", 12),
            SheetColumn("Đạt cả hai nội dung", 10),
            SheetColumn("Tỷ lệ tham gia", 11, PERCENT),
            SheetColumn("Tỷ lệ đạt cả hai nội dung", 12, PERCENT),
            SheetColumn("Điểm cơ sở vật chất", 11, DECIMAL),
            SheetColumn("Đạt chỉ tiêu", 9),
            SheetColumn("Lý do chưa đạt", 30),
            SheetColumn("Khen thưởng", 26),
        ]
        ranks = [unit["rank"] for unit in ranking["units"] if unit["rank"] is not None]
        decided = set(
            self.figures.snapshot.tie_decision.get("awarded", []) if self.figures.snapshot else []
        )
        rows = []
        for unit in ranking["units"]:
            award = vn.AWARDS.get(unit["award"], unit["award"])
            if unit["code"] in decided:
                award = "Khen thưởng theo quyết định của Hội đồng"
            rows.append(
                [
                    unit["rank"],
                    vn.yes_no(unit["rank"] is not None and ranks.count(unit["rank"]) > 1),
                    unit["code"],
                    unit["name"],
                    unit["leaders"],
                    unit["tested"],
                    unit["passed_both"],
                    _rate(unit["participation_rate"]),
                    _rate(unit["pass_rate"]),
                    Decimal(unit["facility_score"]),
                    vn.yes_no(unit["meets_targets"]),
                    "; ".join(vn.REASONS.get(r, r) for r in unit["reasons"]),
                    award,
                ]
            )
        return Sheet(
            "Xếp hạng",
            self._subtitle("Xếp hạng các đơn vị"),
            columns,
            rows,
            notes=ranking_notes(self.figures),
        )

    def devices_sheet(self) -> Sheet:
        """Every real device of every leader, each judged on its own dates."""
        columns = [
            SheetColumn("TT", 6),
            SheetColumn("Đơn vị", 24),
            SheetColumn("Họ và tên", 26),
            SheetColumn("Chức vụ", 14),
            SheetColumn("Loại thiết bị", 14),
            SheetColumn("Tổ chức cấp chứng thư", 28),
            SheetColumn("Số hiệu chứng thư", 24),
            SheetColumn("Hiệu lực từ", 12, DATE),
            SheetColumn("Hiệu lực đến", 12, DATE),
            SheetColumn("Tình trạng", 22),
        ]
        rows: list[list[Any]] = []
        for unit in self.figures.units:
            for leader in unit.readiness.leaders:
                person = leader.person
                position = vn.position_of(person)
                if not leader.devices:
                    rows.append(
                        [unit.unit.name, person.full_name, position]
                        + [None] * 5
                        + ["Chưa có thiết bị ký số"]
                    )
                    continue
                for status in leader.statuses:
                    device = status.device
                    state = vn.DEVICE_STATES[status.state]
                    rows.append(
                        [
                            unit.unit.name,
                            person.full_name,
                            position,
                            vn.DEVICE_KINDS.get(device.kind, device.kind),
                            device.ca_name,
                            device.serial_number,
                            _local_date(device.not_before),
                            _local_date(device.not_after),
                            state,
                        ]
                    )
        numbered = [[index, *row] for index, row in enumerate(rows, start=1)]
        units = [unit.readiness for unit in self.figures.units]
        leaders = sum(len(unit.leaders) for unit in units)
        covered = sum(unit.covered for unit in units)
        notes = [
            f"Lãnh đạo có ít nhất một thiết bị ký số còn hiệu lực: {covered}/{leaders}. "
            "Theo loại thiết bị: "
            + "; ".join(
                f"{vn.DEVICE_KINDS.get(kind, label)} {count}"
                for kind, label, count in coverage_by_kind(units)
            )
            + ". Chứng thư thử nghiệm cấp cho bài kiểm tra văn phòng điện tử không được tính "
            "là thiết bị ký số."
        ]
        return Sheet(
            "Thiết bị ký số",
            self._subtitle("Thiết bị ký số của lãnh đạo"),
            columns,
            numbered,
            notes=notes,
        )

    def facilities_sheet(self) -> Sheet:
        columns = [
            SheetColumn("TT", 6),
            SheetColumn("Đơn vị", 24),
            SheetColumn("Hạng mục", 40),
            SheetColumn("Trọng số", 9, DECIMAL),
            SheetColumn("Tình trạng", 22),
            SheetColumn("Ghi chú của xã", 26),
            SheetColumn("Ngày kê khai", 12, DATE),
            SheetColumn("Ngày xác minh", 12, DATE),
            SheetColumn("Ý kiến của huyện", 26),
            SheetColumn("Điểm", 8, DECIMAL),
        ]
        rows: list[list[Any]] = []
        for unit in self.figures.units:
            for item in unit.readiness.items:
                declaration = unit.readiness.declarations.get(item.pk)
                verified = (
                    declaration is not None
                    and declaration.status == FacilityDeclaration.Status.VERIFIED
                )
                rows.append(
                    [
                        len(rows) + 1,
                        unit.unit.name,
                        item.title,
                        item.weight,
                        vn.FACILITY_STATUSES.get(declaration.status, declaration.status)
                        if declaration
                        else vn.NOT_DECLARED,
                        declaration.note if declaration else "",
                        _local_date(declaration.declared_at) if declaration else None,
                        _local_date(declaration.reviewed_at) if declaration else None,
                        declaration.review_note if declaration else "",
                        item.weight if verified else Decimal(0),
                    ]
                )
        return Sheet(
            "Cơ sở vật chất",
            self._subtitle("Cơ sở vật chất phục vụ kiểm tra"),
            columns,
            rows,
        )
