"""Who speaks in a campaign's documents, and under which law.

The issuer's level and the campaign's award give the headings (tên cơ quan chủ quản and
cơ quan ban hành, Nghị định 30/2020 Phụ lục I), the bodies named, the recipients and the
signer; the document's date gives the legal bases in force (docs/REPORTS.md, "Issuer,
award and date"). A district campaign of 2020 reads exactly as it always has.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sathach.campaigns.models import TWO_LEVEL_GOVERNMENT, AwardAuthority, Campaign
from sathach.organization.models import AdministrativeUnit, Person, Position
from sathach.reports import vietnamese as vn

# Luật Thi đua, khen thưởng 06/2022/QH15 and NĐ 98/2023/NĐ-CP in force.
LAW_2022 = datetime.date(2024, 1, 1)
# The law of 22/11/2019 amending the laws on the Government and on local government.
AMENDMENT_2019 = datetime.date(2020, 7, 1)
# Luật Tổ chức chính quyền địa phương 65/2025/QH15 in force.
LOCAL_GOVERNMENT_2025 = datetime.date(2025, 3, 1)
# Luật Tổ chức chính quyền địa phương 72/2025/QH15 and NĐ 152/2025/NĐ-CP in force.
TWO_LEVELS = TWO_LEVEL_GOVERNMENT

EMULATION_LAW_2003 = (
    "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một "
    "số điều của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013;"
)
DECREE_91 = (
    "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi "
    "tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
)
EMULATION_LAW_2022 = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
DECREE_98 = (
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi "
    "tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
)
DECREE_152 = (
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về "
    "phân cấp, phân quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn "
    "thi hành một số điều của Luật Thi đua, khen thưởng;"
)
LOCAL_GOVERNMENT_LAWS = (
    # (in force from, the căn cứ line)
    (datetime.date.min, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"),
    (
        AMENDMENT_2019,
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
        "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương "
        "ngày 22 tháng 11 năm 2019;",
    ),
    (
        LOCAL_GOVERNMENT_2025,
        "Căn cứ Luật Tổ chức chính quyền địa phương số 65/2025/QH15 ngày 19 tháng 02 năm 2025;",
    ),
    (
        TWO_LEVELS,
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;",
    ),
)


def legal_day(campaign: Campaign, day: datetime.date) -> datetime.date:
    """The day whose law a document cites: its own, but never past the districts' last day
    for a district's document (there is no later law a district acts under)."""
    if campaign.by_district:
        return min(day, TWO_LEVELS - datetime.timedelta(days=1))
    return day


def local_government_law(campaign: Campaign, day: datetime.date) -> str:
    """The law on local government in force on `day`. A district's documents cite the law
    of 2015 as the plans of 2020 did, whatever their date, so that they read as they always
    have (docs/REPORTS.md)."""
    if campaign.by_district:
        return LOCAL_GOVERNMENT_LAWS[0][1]
    return [line for start, line in LOCAL_GOVERNMENT_LAWS if day >= start][-1]


def emulation_laws(day: datetime.date) -> list[str]:
    """The law on emulation and commendation and its decree in force on `day`."""
    if day < LAW_2022:
        return [EMULATION_LAW_2003, DECREE_91]
    return [EMULATION_LAW_2022, DECREE_98 if day < TWO_LEVELS else DECREE_152]


def award_basis(day: datetime.date) -> str:
    """The law and decree an award proposal rests on, in a sentence's words."""
    decree = "Nghị định số 98/2023/NĐ-CP" if day < TWO_LEVELS else "Nghị định số 152/2025/NĐ-CP"
    return f"Luật Thi đua, khen thưởng năm 2022 và {decree}"


@dataclass(frozen=True)
class Speaker:
    """A body that issues a document: its heading lines (text, bold), the symbol after the
    number, its name in a sentence, and its head's title."""

    heading: tuple[tuple[str, bool], ...]
    symbol: str
    name: str
    head: str  # "Chủ tịch", "Giám đốc"
    collective: bool  # a People's Committee signs "TM. ỦY BAN NHÂN DÂN"

    def signer(self, title: str = "") -> list[str]:
        """The signer's block: the head, or "KT. <HEAD>" over a deputy's title."""
        title = (title or self.head).strip()
        if "phó" in title.lower():
            return [f"KT. {self.head.upper()}", title.upper()]
        return [self.head.upper()]


def level(campaign: Campaign) -> int:
    return campaign.issuing_unit.level


def committee_speaker(unit: AdministrativeUnit) -> Speaker:
    return Speaker(
        heading=(("ỦY BAN NHÂN DÂN", True), (unit.name.upper(), True)),
        symbol="UBND",
        name=vn.committee(unit),
        head="Chủ tịch",
        collective=True,
    )


def home_affairs(province: AdministrativeUnit) -> Speaker:
    """Sở Nội vụ: under its province's People's Committee (cơ quan chủ quản, not bold)."""
    return Speaker(
        heading=((vn.committee_short(province).upper(), False), ("SỞ NỘI VỤ", True)),
        symbol="SNV",
        name="Sở Nội vụ",
        head="Giám đốc",
        collective=False,
    )


def reporter(campaign: Campaign) -> Speaker:
    """Who writes the report: the Sở Nội vụ for a province, the People's Committee of a
    district or a commune."""
    unit = campaign.issuing_unit
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return home_affairs(unit)
    return committee_speaker(unit)


def head_on_record(campaign: Campaign, speaker: Speaker) -> Person | None:
    """The person who heads the speaking body, as the organization records them: the
    Chairman of the issuing unit for its People's Committee, the Director of the Department
    of Home Affairs recorded under the province for its Sở Nội vụ."""
    position = Position.HOME_AFFAIRS_DIRECTOR if speaker.symbol == "SNV" else Position.CHAIRMAN
    return (
        Person.objects.filter(unit=campaign.issuing_unit, position=position).order_by("pk").first()
    )


def decider(campaign: Campaign) -> Speaker:
    """Who decides the awards: the Sở Nội vụ for its Director's Giấy khen, otherwise the
    People's Committee whose Chairman awards."""
    if campaign.award == AwardAuthority.HOME_AFFAIRS_DIRECTOR:
        return home_affairs(campaign.issuing_unit)
    return committee_speaker(campaign.issuing_unit)


def award_form(campaign: Campaign) -> str:
    """ "Bằng khen" or "Giấy khen"."""
    return "Bằng khen" if campaign.award == AwardAuthority.PROVINCE_CHAIRMAN else "Giấy khen"


def awarder(campaign: Campaign) -> str:
    """Whose award it is: "Chủ tịch Ủy ban nhân dân tỉnh Sóc Trăng", "Giám đốc Sở Nội vụ"."""
    if campaign.award == AwardAuthority.HOME_AFFAIRS_DIRECTOR:
        return "Giám đốc Sở Nội vụ"
    return f"Chủ tịch {vn.committee(campaign.issuing_unit)}"


def awarder_title(campaign: Campaign) -> str:
    """The awarder as the certificate's third line and the decision's authority line."""
    if campaign.award == AwardAuthority.HOME_AFFAIRS_DIRECTOR:
        return f"GIÁM ĐỐC SỞ NỘI VỤ {campaign.issuing_unit.name.upper()}"
    return awarder(campaign).upper()


def communes(campaign: Campaign) -> str:
    """The communes a campaign tests, as its documents name them."""
    unit = campaign.issuing_unit
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return "các xã, phường"
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return vn.lower_first(unit.name)
    return "các xã, thị trấn"


def level_word(unit: AdministrativeUnit) -> str:
    """What a body of the unit's level is called after its name: "tỉnh" or, for a
    centrally-run city, "thành phố" (Hội đồng Thi đua - Khen thưởng thành phố); "xã",
    "phường" or "đặc khu" for a commune-level unit."""
    return {
        "thanh_pho_tw": "thành phố",
        "phuong": "phường",
        "dac_khu": "đặc khu",
        "thi_tran": "thị trấn",
        "xa": "xã",
    }.get(unit.kind, "tỉnh" if unit.level == AdministrativeUnit.Level.PROVINCE else "xã")


def party_committee(unit: AdministrativeUnit) -> str:
    """The standing committee of the unit's Party committee: Tỉnh ủy, Thành ủy, Đảng ủy."""
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return "Thành ủy" if unit.kind == "thanh_pho_tw" else "Tỉnh ủy"
    return "Đảng ủy"


def report_subject(campaign: Campaign) -> str:
    return (
        "Kết quả kiểm tra kỹ năng tin học và ứng dụng công nghệ thông tin "
        f"của lãnh đạo UBND {communes(campaign)}"
    )


def report_recipients(campaign: Campaign) -> list[str]:
    unit = campaign.issuing_unit
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return [
            f"- {vn.committee_short(unit)} (b/c);",
            f"- Hội đồng Thi đua - Khen thưởng {level_word(unit)};",
            f"- Văn phòng UBND {level_word(unit)};",
            "- UBND các xã, phường;",
            "- Lưu: VT, TĐKT.",
        ]
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return [
            "- Sở Nội vụ (b/c);",
            f"- TT. Đảng ủy, TT. HĐND {level_word(unit)};",
            f"- CT, các PCT UBND {level_word(unit)};",
            f"- Hội đồng Thi đua - Khen thưởng {level_word(unit)};",
            "- Lưu: VT, VP.",
        ]
    parent = unit.parent
    return [
        *([f"- {vn.committee_short(parent)} (b/c);"] if parent else []),
        "- TT. Huyện ủy, TT. HĐND huyện;",
        "- CT, các PCT UBND huyện;",
        "- Hội đồng Thi đua - Khen thưởng huyện;",
        "- UBND các xã, thị trấn;",
        "- Lưu: VT, NV.",
    ]


@dataclass(frozen=True)
class DecisionBodies:
    """The bodies a draft decision names: who approved the ranking, who proposes, whose
    fund pays, who carries it out (Điều 3) and who receives it."""

    council: str
    proposer: str
    fund: str
    executors: str
    recipients: tuple[str, ...]


def decision_bodies(campaign: Campaign) -> DecisionBodies:
    unit = campaign.issuing_unit
    if campaign.award == AwardAuthority.HOME_AFFAIRS_DIRECTOR:
        return DecisionBodies(
            council=f"Hội đồng Thi đua - Khen thưởng {level_word(unit)}",
            proposer="Trưởng Ban Thi đua - Khen thưởng",
            fund="Sở Nội vụ",
            executors=(
                "Chánh Văn phòng Sở, Trưởng Ban Thi đua - Khen thưởng, Chủ tịch Ủy ban nhân "
                "dân các xã, phường có tên tại Điều 1"
            ),
            recipients=(
                "- Như Điều 3;",
                f"- {vn.committee_short(unit)} (b/c);",
                f"- Hội đồng Thi đua - Khen thưởng {level_word(unit)};",
                "- Giám đốc, các Phó Giám đốc Sở;",
                "- Lưu: VT, TĐKT.",
            ),
        )
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return DecisionBodies(
            council=f"Hội đồng Thi đua - Khen thưởng {level_word(unit)}",
            proposer="Giám đốc Sở Nội vụ",
            fund=vn.lower_first(unit.name),
            executors=(
                f"Chánh Văn phòng Ủy ban nhân dân {level_word(unit)}, Giám đốc Sở Nội vụ, "
                "Giám đốc Sở Tài chính, Chủ tịch Ủy ban nhân dân các xã, phường có tên tại Điều 1"
            ),
            recipients=(
                "- Như Điều 3;",
                f"- TT. {party_committee(unit)}, TT. HĐND {level_word(unit)};",
                f"- CT, các PCT UBND {level_word(unit)};",
                f"- Hội đồng Thi đua - Khen thưởng {level_word(unit)};",
                "- Lưu: VT, TĐKT.",
            ),
        )
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return DecisionBodies(
            council=f"Hội đồng Thi đua - Khen thưởng {level_word(unit)}",
            proposer=f"Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {level_word(unit)}",
            fund=vn.lower_first(unit.name),
            executors=(
                f"Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {level_word(unit)}, "
                "Trưởng phòng Kinh tế, "
                "Trưởng phòng Văn hóa - Xã hội, các tập thể có tên tại Điều 1"
            ),
            recipients=(
                "- Như Điều 3;",
                "- Sở Nội vụ (b/c);",
                f"- TT. Đảng ủy, TT. HĐND {level_word(unit)};",
                f"- CT, các PCT UBND {level_word(unit)};",
                "- Lưu: VT, VP.",
            ),
        )
    parent = unit.parent
    return DecisionBodies(
        council="Hội đồng Thi đua - Khen thưởng huyện",
        proposer="Trưởng phòng Nội vụ huyện",
        fund=vn.lower_first(unit.name),
        executors=(
            "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện, Trưởng phòng Nội vụ, "
            "Trưởng phòng Tài chính - Kế hoạch, Chủ tịch Ủy ban nhân dân các xã, thị trấn có "
            "tên tại Điều 1"
        ),
        recipients=(
            "- Như Điều 3;",
            *([f"- {vn.committee_short(parent)} (b/c);"] if parent else []),
            "- TT. Huyện ủy, TT. HĐND huyện;",
            "- CT, các PCT UBND huyện;",
            "- Lưu: VT, NV.",
        ),
    )
