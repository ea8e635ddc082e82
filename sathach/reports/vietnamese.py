"""The Vietnamese of the documents: labels, numbers and names as an administrative document
writes them. These are the documents' own words, not the interface's, so they are not
translated with the UI."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sathach.campaigns.ranking import decimal_text, percent_text
from sathach.organization.models import AdministrativeUnit

OUTCOMES = {"passed": "Đạt", "failed": "Không đạt", "absent": "Vắng"}
NO_RESULT = "Chưa có kết quả"
POSITIONS = {"chu_tich": "Chủ tịch", "pho_chu_tich": "Phó Chủ tịch"}


def position_of(person: Any) -> str:
    """A leader's post as printed, "Quyền Chủ tịch" when acting."""
    label = POSITIONS.get(person.position, person.position)
    return f"Quyền {label}" if getattr(person, "acting", False) else label


SOURCES = {
    "exam": "Bài kiểm tra trên hệ thống",
    "eoffice": "Bài thực hành trên hệ thống",
    "import": "Nhập từ bài kiểm tra giấy",
    "override": "Huyện điều chỉnh",
}
DEVICE_KINDS = {"usb_token": "USB token", "sim_pki": "SIM PKI", "remote": "Ký số từ xa"}
# campaigns.selectors.DeviceState
DEVICE_STATES = {
    "valid": "Còn hiệu lực",
    "expiring": "Còn hiệu lực, sắp hết hạn",
    "expired": "Hết hiệu lực",
    "not_yet_valid": "Chưa có hiệu lực",
}
REASONS = {
    "participation_below_target": "Tỷ lệ tham gia dưới chỉ tiêu",
    "pass_rate_below_target": "Tỷ lệ đạt dưới chỉ tiêu",
}
AWARDS = {
    "yes": "Đề nghị khen thưởng",
    "council": "Đồng hạng: Hội đồng quyết định",
    "no": "",
}
FACILITY_STATUSES = {
    "declared": "Đã kê khai, chờ xác minh",
    "verified": "Đã xác minh",
    "rejected": "Không được chấp nhận",
}
NOT_DECLARED = "Chưa kê khai"
YES = "Có"
NO = "Không"
TIE_BREAKERS = {
    "participants": "đơn vị có nhiều lãnh đạo tham gia kiểm tra hơn",
    "facilities": "đơn vị chuẩn bị cơ sở vật chất tốt hơn",
    "mean_score": "đơn vị có điểm trung bình hai nội dung của lãnh đạo dự kiểm tra cao hơn",
    "women": "đơn vị có tỷ lệ lãnh đạo nữ cao hơn (khoản 6 Điều 4 Nghị định 152/2025/NĐ-CP)",
}
UNIT_PREFIXES = ("Thành phố ", "Thị xã ", "Thị trấn ", "Huyện ", "Quận ", "Tỉnh ", "Xã ", "Phường ")


def yes_no(value: bool) -> str:
    return YES if value else NO


def percent(rate: Fraction) -> str:
    """85,00% — two decimals rounded half up, with the Vietnamese decimal comma."""
    return percent_text(rate).replace(".", ",") + "%"


def percent_value(text: str) -> str:
    """ "85.00" (the engine's string) → "85,00%"."""
    return text.replace(".", ",") + "%"


def number(value: Decimal) -> str:
    return decimal_text(value).replace(".", ",")


def short_date(day: datetime.date) -> str:
    """27/07/2020: dd/mm/yyyy, as the documents cite dates."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def lower_first(value: str) -> str:
    return value[:1].lower() + value[1:]


def place_name(unit: AdministrativeUnit) -> str:
    """The địa danh of a body: the unit's name without its kind ("Huyện Cù Lao Dung" →
    "Cù Lao Dung")."""
    for prefix in UNIT_PREFIXES:
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def committee(unit: AdministrativeUnit) -> str:
    """ "Xã An Thạnh 1" → "Ủy ban nhân dân xã An Thạnh 1"."""
    return f"Ủy ban nhân dân {lower_first(unit.name)}"


def committee_short(unit: AdministrativeUnit) -> str:
    return f"UBND {lower_first(unit.name)}"
