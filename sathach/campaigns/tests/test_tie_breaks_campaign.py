"""A campaign that adds `mean_score` and `women` to its tie-breaks (issue 16, point 6): the
settings, the input built from the database, the ranking page."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.selectors import campaign_ranking, ranking_input
from sathach.campaigns.services import campaign_update, result_record
from sathach.campaigns.tests.factories import make_campaign
from sathach.core.errors import DomainError
from sathach.organization.models import Person
from sathach.organization.testing import BaseTestCase

ALL = ["participants", "facilities", "mean_score", "women"]


class TieBreakCampaignTestCase(BaseTestCase):
    def record(self, campaign: Campaign, person: Person, content: int, score: str | None) -> None:
        result_record(
            actor=self.world.district_admin,
            campaign=campaign,
            person=person,
            content=content,
            outcome=Result.Outcome.PASSED,
            source=Result.Source.EXAM if score else Result.Source.IMPORT,
            score=Decimal(score) if score else None,
            max_score=Decimal(100) if score else None,
        )

    def campaign_with_results(self, breakers: list[str], scores: dict[str, str | None]) -> Campaign:
        """Both communes' Chairmen pass both contents: tied on pass rate, participants and
        facilities. Đại Ân 1's Chairman is a woman, An Thạnh 1's a man."""
        campaign = make_campaign(
            self.world, status=Campaign.Status.TESTING, tie_breakers=breakers, awards=1
        )
        people = {
            "31618": self.world.an_thanh_1_chairman,
            "31627": self.world.leader_person,
        }
        for code, person in people.items():
            self.record(campaign, person, 1, scores[code])
            self.record(campaign, person, 2, "100" if scores[code] else None)
        return campaign

    def test_the_service_accepts_the_new_keys_once_each(self) -> None:
        campaign = make_campaign(self.world)
        campaign_update(actor=self.world.district_admin, campaign=campaign, tie_breakers=ALL)
        campaign.refresh_from_db()
        self.assertEqual(campaign.tie_breakers, ALL)
        with self.assertRaises(DomainError) as raised:
            campaign_update(
                actor=self.world.district_admin, campaign=campaign, tie_breakers=["women"] * 2
            )
        self.assertIn("điểm trung bình", raised.exception.message)

    def test_the_input_carries_scores_and_genders_only_when_the_campaign_uses_them(
        self,
    ) -> None:
        campaign = self.campaign_with_results(["participants"], {"31618": "90", "31627": "80.5"})
        leader = ranking_input(campaign)["units"][1]["leaders"][0]
        self.assertEqual(set(leader), {"id", "name", "position", "content1", "content2"})
        Campaign.objects.filter(pk=campaign.pk).update(tie_breakers=ALL)
        campaign.refresh_from_db()
        leader = ranking_input(campaign)["units"][1]["leaders"][0]
        self.assertEqual(
            {k: leader[k] for k in ("content1_score", "content1_max_score", "gender")},
            {"content1_score": "80.5", "content1_max_score": "100", "gender": "female"},
        )

    def test_a_higher_mean_score_wins_the_last_award(self) -> None:
        campaign = self.campaign_with_results(
            ["participants", "facilities", "mean_score"], {"31618": "90", "31627": "80.5"}
        )
        output = campaign_ranking(campaign)
        self.assertEqual(
            [(u["code"], u["rank"], u["award"], u["mean_score"]) for u in output["units"]],
            [("31618", 1, "yes", "95.00"), ("31627", 2, "no", "90.25")],
        )

    def test_priority_to_women_wins_the_last_award(self) -> None:
        campaign = self.campaign_with_results(["women"], {"31618": "90", "31627": "80.5"})
        output = campaign_ranking(campaign)
        self.assertEqual(
            [(u["code"], u["award"], u["women_rate"]) for u in output["units"]],
            [("31627", "yes", "100.00"), ("31618", "no", "0.00")],
        )

    def test_the_page_explains_the_keys_and_shows_their_values(self) -> None:
        campaign = self.campaign_with_results(ALL, {"31618": "90", "31627": "80.5"})
        self.login(self.world.district_admin)
        response = self.client.get(reverse("ranking", args=[campaign.pk]))
        self.assertContains(response, "điểm trung bình cao hơn")
        self.assertContains(response, "khoản 6 Điều 4 Nghị định 152/2025/NĐ-CP")
        self.assertContains(response, "95,00%")
        self.assertContains(response, "1/1 (100,00%)")

    def test_a_result_without_a_score_is_named_instead_of_ranked(self) -> None:
        campaign = self.campaign_with_results(["mean_score"], {"31618": "90", "31627": None})
        self.login(self.world.district_admin)
        response = self.client.get(reverse("ranking", args=[campaign.pk]))
        self.assertContains(response, "Không tính được bảng xếp hạng")
        self.assertContains(response, "content1_score: cần điểm của lãnh đạo đã dự kiểm tra")

    def test_the_settings_form_offers_the_new_keys(self) -> None:
        campaign = make_campaign(self.world)
        self.login(self.world.district_admin)
        url = reverse("campaign-edit", args=[campaign.pk])
        page = self.client.get(url)
        self.assertContains(page, "Điểm trung bình cao hơn, sau đó tỷ lệ nữ cao hơn")
        self.assertContains(page, "Nghị định 152/2025/NĐ-CP")
        form = page.context["form"]
        data = {
            name: value
            for name, value in form.initial.items()
            if name not in ("participants", "issuing_unit") and value is not None
        }
        for name in ("issued_on", "preparation_deadline", "test_start", "test_end", "results_due"):
            if data.get(name):
                data[name] = data[name].strftime("%d/%m/%Y")
        data["participants"] = [u.pk for u in form.initial["participants"]]
        data["further_tie_breaks"] = "women,mean_score"
        response = self.client.post(url, {k: v for k, v in data.items() if v != ""})
        self.assertEqual(response.status_code, 302, response.content[-3000:])
        campaign.refresh_from_db()
        self.assertEqual(
            campaign.tie_breakers, ["participants", "facilities", "women", "mean_score"]
        )
        self.assertContains(
            self.client.get(url), '<option value="women,mean_score" selected>', html=False
        )
