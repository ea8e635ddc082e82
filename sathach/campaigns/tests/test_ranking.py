"""The ranking engine, table-driven (contracts/ranking.md, "Rules")."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.test import SimpleTestCase

from sathach.campaigns.ranking import (
    LeaderResult,
    RankingRules,
    UnitInput,
    decimal_text,
    percent_text,
    rank_units,
    ranking_to_json,
)


def unit(
    code: str, passed: int, failed: int = 0, absent: int = 0, facility: str = "0"
) -> UnitInput:
    """A unit with `passed` leaders passing both, `failed` failing one, `absent` absent."""
    leaders = (
        [("passed", "passed")] * passed
        + [("passed", "failed")] * failed
        + [("absent", "passed")] * absent
    )
    return UnitInput(
        code=code,
        name=f"Xã {code}",
        facility_score=Decimal(facility),
        leaders=tuple(
            LeaderResult(
                f"{code}-{i}", f"Lãnh đạo {i}", "chu_tich" if i == 0 else "pho_chu_tich", c1, c2
            )
            for i, (c1, c2) in enumerate(leaders)
        ),
    )


def ranked(units: list[UnitInput], **rules: object) -> list[tuple[str, int | None, str]]:
    result = rank_units(RankingRules(**rules), units)  # type: ignore[arg-type]
    return [(u.code, u.rank, u.award) for u in result.units]


class TargetTestCase(SimpleTestCase):
    def test_it_ranks_17_of_20_as_meeting_an_85_target(self) -> None:
        result = rank_units(RankingRules(), [unit("A", 17, failed=3)])
        self.assertTrue(result.units[0].meets_targets)
        self.assertEqual(result.units[0].pass_rate, Fraction(17, 20))

    def test_5_of_6_does_not_meet_an_85_target(self) -> None:
        result = rank_units(RankingRules(), [unit("A", 5, failed=1)])
        self.assertFalse(result.units[0].meets_targets)
        self.assertEqual(result.units[0].reasons, ["pass_rate_below_target"])
        self.assertIsNone(result.units[0].rank)

    def test_6_of_7_meets_and_shows_85_71(self) -> None:
        output = ranking_to_json(rank_units(RankingRules(), [unit("A", 6, failed=1)]))
        self.assertEqual(output["units"][0]["pass_rate"], "85.71")
        self.assertTrue(output["units"][0]["meets_targets"])

    def test_an_absent_leader_fails_full_participation(self) -> None:
        result = rank_units(RankingRules(), [unit("A", 2, absent=1)])
        self.assertEqual(result.units[0].reasons, ["participation_below_target"])
        self.assertEqual(result.units[0].pass_rate, 1)

    def test_nobody_tested_gives_a_zero_pass_rate_and_both_reasons(self) -> None:
        output = ranking_to_json(rank_units(RankingRules(), [unit("A", 0, absent=2)]))
        row = output["units"][0]
        self.assertEqual((row["participation_rate"], row["pass_rate"]), ("0.00", "0.00"))
        self.assertEqual(row["reasons"], ["participation_below_target", "pass_rate_below_target"])

    def test_custom_targets_apply(self) -> None:
        rules = {"participation_target": Fraction(50), "pass_target": Fraction(0)}
        self.assertEqual(ranked([unit("A", 0, failed=1, absent=1)], **rules), [("A", 1, "yes")])
        rules = {"participation_target": Fraction("85.5"), "pass_target": Fraction(85)}
        self.assertEqual(ranked([unit("A", 17, failed=3)], **rules), [("A", 1, "yes")])


class OrderTestCase(SimpleTestCase):
    def test_equal_units_share_a_rank_and_the_next_rank_skips(self) -> None:
        units = [unit("D", 5, failed=0), unit("B", 2), unit("C", 2), unit("A", 1)]
        self.assertEqual(
            ranked(units, awards=10),
            [("D", 1, "yes"), ("B", 2, "yes"), ("C", 2, "yes"), ("A", 4, "yes")],
        )

    def test_a_tie_at_the_cut_off_goes_to_the_council(self) -> None:
        units = [unit("A", 3), unit("B", 2), unit("C", 2), unit("D", 1)]
        result = rank_units(RankingRules(awards=2), units)
        self.assertEqual(
            [(u.code, u.rank, u.award) for u in result.units],
            [("A", 1, "yes"), ("B", 2, "council"), ("C", 2, "council"), ("D", 4, "no")],
        )
        self.assertEqual(result.undecided, ["B", "C"])

    def test_a_tie_group_within_the_awards_all_win(self) -> None:
        units = [unit("A", 2), unit("B", 2), unit("C", 1)]
        self.assertEqual(
            ranked(units, awards=2), [("A", 1, "yes"), ("B", 1, "yes"), ("C", 3, "no")]
        )

    def test_no_unit_eligible(self) -> None:
        result = rank_units(RankingRules(), [unit("A", 1, failed=1), unit("B", 0, absent=2)])
        self.assertEqual([(u.rank, u.award) for u in result.units], [(None, "no"), (None, "no")])
        self.assertEqual(result.undecided, [])

    def test_no_awards(self) -> None:
        self.assertEqual(ranked([unit("A", 2)], awards=0), [("A", 1, "no")])

    def test_tie_breakers_apply_in_the_given_order(self) -> None:
        many_poor = unit("A", 3, facility="5")
        few_rich = unit("B", 2, facility="9")
        units = [many_poor, few_rich]
        self.assertEqual([c for c, _r, _a in ranked(units)], ["A", "B"])
        self.assertEqual(
            [c for c, _r, _a in ranked(units, tie_breakers=("facilities", "participants"))],
            ["B", "A"],
        )
        self.assertEqual(ranked(units, tie_breakers=()), [("A", 1, "yes"), ("B", 1, "yes")])
        self.assertEqual(
            ranked(units, tie_breakers=("facilities",), awards=1), [("B", 1, "yes"), ("A", 2, "no")]
        )

    def test_units_that_miss_the_targets_follow_in_the_same_order(self) -> None:
        units = [unit("Z", 1, failed=1), unit("Y", 1, failed=2), unit("A", 1)]
        self.assertEqual(ranked(units), [("A", 1, "yes"), ("Z", None, "no"), ("Y", None, "no")])

    def test_equal_keys_are_listed_by_code(self) -> None:
        self.assertEqual([c for c, *_ in ranked([unit("U3", 1), unit("U1", 1)])], ["U1", "U3"])

    def test_it_ranks_ten_thousand_units(self) -> None:
        units = [
            unit(f"{i:05d}", 1 + i % 7, failed=i % 3, facility=str(i % 11)) for i in range(10000)
        ]
        result = rank_units(RankingRules(awards=3), units)
        self.assertEqual(len(result.units), 10000)
        ranks = [u.rank for u in result.units if u.rank is not None]
        self.assertEqual(ranks, sorted(ranks))
        self.assertEqual(ranks[0], 1)


class FormatTestCase(SimpleTestCase):
    def test_rates_round_half_up_to_two_decimals(self) -> None:
        cases = {
            Fraction(5, 6): "83.33",
            Fraction(2, 3): "66.67",
            Fraction(1, 8): "12.50",
            Fraction(1, 1): "100.00",
            Fraction(0): "0.00",
            Fraction(1, 800): "0.13",
            Fraction(17, 20): "85.00",
        }
        for rate, text in cases.items():
            self.assertEqual(percent_text(rate), text, rate)

    def test_facility_scores_lose_trailing_zeros_and_never_use_exponents(self) -> None:
        cases = {
            "9.50": "9.5",
            "8": "8",
            "10": "10",
            "100": "100",
            "0": "0",
            "0.00": "0",
            "7.25": "7.25",
        }
        for value, text in cases.items():
            self.assertEqual(decimal_text(Decimal(value)), text, value)
