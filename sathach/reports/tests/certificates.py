"""A campaign whose awards are granted, with the district Chairman's certificate issued
and its PIN set."""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from django.test import override_settings

from sathach.campaigns.models import Campaign
from sathach.organization.testing import World
from sathach.reports.tests.factories import approve, campaign_with_results, grant
from sathach.signatures.models import LeaderCertificate
from sathach.signatures.services import certificate_issue, pki_init, token_set_pin

PIN = "250720"


def awarded_campaign(world: World) -> tuple[Campaign, LeaderCertificate]:
    extra: Any = world
    campaign = approve(world, campaign_with_results(world))
    grant(world, campaign)
    campaign.refresh_from_db()
    pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
    # campaign_with_results recorded the district's Chairman, who signs the Giấy khen.
    token = certificate_issue(actor=None, person=extra.district_chairman)
    token_set_pin(actor=None, token=token, new_pin=PIN)
    token.refresh_from_db()
    return campaign, token


class TemporaryMedia:
    """MEDIA_ROOT in a folder of the test's own, removed afterwards."""

    def media_start(self) -> None:
        self.media_root = tempfile.mkdtemp(prefix="sathach-media-")
        self.media_override = override_settings(MEDIA_ROOT=self.media_root)
        self.media_override.enable()

    def media_stop(self) -> None:
        self.media_override.disable()
        shutil.rmtree(self.media_root, ignore_errors=True)
