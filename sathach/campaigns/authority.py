"""Who awards a campaign's collectives, by the issuer's level, and the day the districts
ended: the law's choices a campaign is validated against (docs/REPORTS.md)."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from sathach.organization.models import AdministrativeUnit

# Luật 72/2025/QH15: two levels of local government from this day, no districts.
TWO_LEVEL_GOVERNMENT = datetime.date(2025, 7, 1)


class AwardAuthority(models.TextChoices):
    """Who awards the collectives of a campaign, and so the form of the award (Luật Thi đua,
    khen thưởng 2022, Điều 72, 75, 79 and 80; docs/REPORTS.md)."""

    PROVINCE_CHAIRMAN = (
        "province_chairman",
        _("Certificate of merit (Bằng khen) of the province Chairman"),
    )
    HOME_AFFAIRS_DIRECTOR = (
        "home_affairs_director",
        _("Commendation (Giấy khen) of the Director of the Department of Home Affairs"),
    )
    DISTRICT_CHAIRMAN = "district_chairman", _("Commendation (Giấy khen) of the district Chairman")
    COMMUNE_CHAIRMAN = "commune_chairman", _("Commendation (Giấy khen) of the commune Chairman")


# What the law lets an issuer of each level award (AdministrativeUnit.Level), its default
# first.
AWARD_AUTHORITIES: dict[int, tuple[str, ...]] = {
    AdministrativeUnit.Level.PROVINCE: (
        AwardAuthority.PROVINCE_CHAIRMAN,
        AwardAuthority.HOME_AFFAIRS_DIRECTOR,
    ),
    AdministrativeUnit.Level.DISTRICT: (AwardAuthority.DISTRICT_CHAIRMAN,),
    AdministrativeUnit.Level.COMMUNE: (AwardAuthority.COMMUNE_CHAIRMAN,),
}
