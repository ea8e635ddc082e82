"""A province campaign of many communes, made in a few bulk inserts: one chairman a commune,
tested in both contents, passing content 2 in every third commune only."""

from __future__ import annotations

import datetime

from sathach.campaigns.models import Campaign, Result
from sathach.organization.models import AdministrativeUnit, Person, Position


def province_campaign(province: AdministrativeUnit, communes: int) -> Campaign:
    kind = AdministrativeUnit.Kind.COMMUNE
    level = AdministrativeUnit.LEVEL_OF_KIND[kind]
    units = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            code=f"9{index:04d}",
            name=f"Xã Thử {index:04d}",
            kind=kind,
            level=level,
            era=province.era,
            parent=province,
        )
        for index in range(communes)
    )
    for unit in units:
        unit.path = f"{province.path}{unit.pk}/"
    AdministrativeUnit.objects.bulk_update(units, ["path"], batch_size=1000)
    people = Person.objects.bulk_create(
        Person(full_name=f"Người {unit.code}", gender="nam", unit=unit, position=Position.CHAIRMAN)
        for unit in units
    )
    campaign = Campaign.objects.create(
        code=f"{communes}/KH-UBND",
        title="Kiểm tra kỹ năng công nghệ thông tin năm 2026",
        issuing_unit=province,
        issued_on=datetime.date(2026, 2, 2),
        status=Campaign.Status.RESULTS,
        tie_breakers=["participants", "facilities"],
    )
    campaign.participants.add(*units)
    Result.objects.bulk_create(
        Result(
            campaign=campaign,
            person=person,
            content=content,
            outcome="passed" if content == 1 or index % 3 == 0 else "failed",
            source="import",
        )
        for index, person in enumerate(people)
        for content in (1, 2)
    )
    return campaign
