"""A campaign at its results over the test world, with a third commune so that the ranking
has a tie, a commune below target and one awarded alone.

| commune | leaders | results | rank |
|---|---|---|---|
| Thị trấn Cù Lao Dung (31606) | Võ Minh Tâm, Đặng Thị Lan | both pass both | 1 (tie) |
| Xã Đại Ân 1 (31627) | Trần Thị Ngân, Phạm Văn Đức | both pass both | 1 (tie) |
| Xã An Thạnh 1 (31618) | Nguyễn Văn Bình, Lê Thị Hoa | Hoa fails content 2 | below target |

The district's Chairman, Huỳnh Thành An, signs the report (and the Giấy khen).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from sathach.campaigns.models import AwardDecision, Campaign
from sathach.campaigns.readiness import (
    device_register,
    facility_declare,
    facility_item_save,
    facility_review,
)
from sathach.campaigns.services import (
    awards_grant,
    campaign_transition,
    ranking_approve,
    result_record,
)
from sathach.campaigns.tests.factories import make_campaign, make_certificate
from sathach.organization.models import AdministrativeUnit, Position
from sathach.organization.testing import World, make_person, make_unit

DISTRICT_CHAIRMAN = "Huỳnh Thành An"


def campaign_with_results(world: World, *, awards: int = 3) -> Campaign:
    extra: Any = world
    extra.town = make_unit(
        "31606", "Thị trấn Cù Lao Dung", AdministrativeUnit.Kind.TOWNSHIP, world.district
    )
    extra.town_chairman = make_person("Võ Minh Tâm", extra.town, Position.CHAIRMAN)
    extra.town_vice = make_person("Đặng Thị Lan", extra.town, Position.VICE_CHAIRMAN, gender="nu")
    extra.dai_an_vice = make_person("Phạm Văn Đức", world.dai_an_1, Position.VICE_CHAIRMAN)
    extra.an_thanh_vice = make_person(
        "Lê Thị Hoa", world.an_thanh_1, Position.VICE_CHAIRMAN, gender="nu"
    )
    extra.district_chairman = make_person(DISTRICT_CHAIRMAN, world.district, Position.CHAIRMAN)
    admin = world.district_admin
    campaign = make_campaign(
        world,
        status=Campaign.Status.PREPARING,
        awards=awards,
        test_start=datetime.date(2020, 8, 20),
        test_end=datetime.date(2020, 8, 21),
    )
    room = facility_item_save(
        actor=admin, campaign=campaign, title="Phòng kiểm tra có máy tính", weight=Decimal(2)
    )
    facility_item_save(
        actor=admin, campaign=campaign, title="Đường truyền Internet dự phòng", weight=Decimal(1)
    )
    for unit in (extra.town, world.dai_an_1):
        declaration = facility_declare(
            actor=admin, campaign=campaign, unit=unit, item=room, note="Đã chuẩn bị"
        )
        facility_review(actor=admin, declaration=declaration, accept=True)
    facility_declare(actor=admin, campaign=campaign, unit=world.an_thanh_1, item=room, note="")
    device_register(
        actor=admin,
        person=world.leader_person,
        kind="usb_token",
        certificate=make_certificate("Trần Thị Ngân"),
    )
    device_register(
        actor=admin,
        person=world.an_thanh_1_chairman,
        kind="sim_pki",
        certificate=make_certificate("Nguyễn Văn Bình", days_after=10),
    )
    campaign = campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.TESTING)
    outcomes = [
        (extra.town_chairman, "passed", "passed"),
        (extra.town_vice, "passed", "passed"),
        (world.leader_person, "passed", "passed"),
        (extra.dai_an_vice, "passed", "passed"),
        (world.an_thanh_1_chairman, "passed", "passed"),
        (extra.an_thanh_vice, "passed", "failed"),
    ]
    for person, content1, content2 in outcomes:
        result_record(
            actor="exam",
            campaign=campaign,
            person=person,
            content=1,
            outcome=content1,
            source="exam",
            score=Decimal(36),
            max_score=Decimal(40),
        )
        result_record(
            actor="eoffice",
            campaign=campaign,
            person=person,
            content=2,
            outcome=content2,
            source="eoffice",
        )
    return campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.RESULTS)


def approve(world: World, campaign: Campaign) -> Campaign:
    ranking_approve(actor=world.council, campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def grant(world: World, campaign: Campaign) -> AwardDecision:
    return awards_grant(
        actor=world.district_admin,
        campaign=campaign,
        number="123/QĐ-UBND",
        signed_on=datetime.date(2020, 9, 7),
        signer_name="Nguyễn Văn Thành",
        signer_title="Chủ tịch",
    )
