from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import CommandError, call_command

from sathach.campaigns.models import Campaign
from sathach.campaigns.selectors import campaign_by_code
from sathach.campaigns.services import campaign_create, result_record
from sathach.campaigns.tests.factories import make_campaign
from sathach.campaigns.tests.test_rank_command import run_rank
from sathach.organization.testing import BaseTestCase


class CampaignRankCommandTestCase(BaseTestCase):
    def call(self, *args: str) -> str:
        out = StringIO()
        call_command("campaign", *args, stdout=out)
        return out.getvalue()

    def test_a_stored_campaign_ranks_as_its_exported_input_does(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        for content, outcome in ((1, "passed"), (2, "passed")):
            result_record(
                actor="exam",
                campaign=campaign,
                person=self.world.leader_person,
                content=content,
                outcome=outcome,
                source="exam",
            )
        stored = json.loads(self.call("rank", campaign.code, "--json"))
        self.assertEqual(stored["campaign"], "75/KH-UBND")
        self.assertEqual(
            [(u["code"], u["rank"], u["award"]) for u in stored["units"]],
            [("31627", 1, "yes"), ("31618", None, "no")],
        )
        with TemporaryDirectory() as folder:
            path = Path(folder) / "input.json"
            path.write_text(self.call("export-input", campaign.code))
            from_file = run_rank(path, "--json")
        self.assertEqual(json.loads(from_file.stdout), stored)

    def test_an_unknown_code_is_a_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "Không có đợt thi đua nào mang số 99/KH."):
            self.call("rank", "99/KH")

    def test_a_code_two_units_used_needs_the_issuing_unit(self) -> None:
        ours = make_campaign(self.world)
        theirs = campaign_create(
            actor=self.world.outsider,
            code=ours.code,
            title="Kế hoạch của huyện Long Phú",
            issuing_unit=self.world.other_district,
            issued_on=ours.issued_on,
        )
        with self.assertRaisesMessage(CommandError, "--unit"):
            self.call("rank", ours.code)
        self.assertEqual(campaign_by_code(ours.code, "945"), ours)
        self.assertEqual(campaign_by_code(ours.code, "946"), theirs)
