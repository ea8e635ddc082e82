"""The objective tie-breaks `mean_score` and `women` (issue 16, point 6; docs/RANKING.md)."""

from __future__ import annotations

import json
from copy import deepcopy
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.test import SimpleTestCase

from sathach.campaigns.rank_input import RankInputError, parse_document, read_rank_input
from sathach.campaigns.ranking import (
    LeaderResult,
    RankingRules,
    UnitInput,
    rank_units,
    ranking_to_json,
)
from sathach.campaigns.tests.test_rank_command import INPUT, OUTPUT, example_workbook, run_rank

ALL = ("participants", "facilities", "mean_score", "women")


def leader(
    code: str, index: int, *, score1: str = "100", score2: str = "100", gender: str = "male"
) -> LeaderResult:
    return LeaderResult(
        id=f"{code}-{index}",
        name=f"Lãnh đạo {index}",
        position="chu_tich" if index == 0 else "pho_chu_tich",
        content1="passed",
        content2="passed",
        gender=gender,
        score1=Fraction(score1) / 100,
        score2=Fraction(score2) / 100,
    )


def unit(code: str, *leaders: LeaderResult, facility: str = "5") -> UnitInput:
    return UnitInput(code, f"Xã {code}", Decimal(facility), tuple(leaders))


def order(units: list[UnitInput], breakers: tuple[str, ...], awards: int = 3) -> list[Any]:
    result = rank_units(RankingRules(awards=awards, tie_breakers=breakers), units)
    return [(u.code, u.rank, u.award) for u in result.units]


class EngineTestCase(SimpleTestCase):
    def test_a_higher_mean_score_breaks_a_tie_left_by_participants_and_facilities(self) -> None:
        low = unit("A", leader("A", 0, score1="80", score2="90"), leader("A", 1))
        high = unit("B", leader("B", 0, score1="85", score2="90"), leader("B", 1))
        self.assertEqual(order([low, high], ALL, awards=1), [("B", 1, "yes"), ("A", 2, "no")])
        # Without the new key the two units stay tied and go to the council.
        self.assertEqual(
            order([low, high], ALL[:2], awards=1), [("A", 1, "council"), ("B", 1, "council")]
        )

    def test_the_mean_is_exact_over_the_tested_leaders_only(self) -> None:
        absent = LeaderResult("A-9", "Vắng", "pho_chu_tich", "absent", "passed", "female")
        thirds = unit(
            "A",
            leader("A", 0, score1=str(Fraction(200, 3)), score2="100"),
            leader("A", 1, score1="100", score2="100"),
            absent,
        )
        result = rank_units(RankingRules(tie_breakers=("mean_score",)), [thirds])
        self.assertEqual(result.units[0].mean_score, Fraction(11, 12))
        row = ranking_to_json(result)["units"][0]
        self.assertEqual((row["mean_score"], row.get("women_rate")), ("91.67", None))

    def test_mean_scores_equal_as_fractions_tie_where_floats_would_not(self) -> None:
        # 0.1 + 0.2 ≠ 0.3 in floating point; as fractions the two units are equal.
        a = unit(
            "A", leader("A", 0, score1="10", score2="20"), leader("A", 1, score1="30", score2="0")
        )
        b = unit(
            "B", leader("B", 0, score1="30", score2="0"), leader("B", 1, score1="10", score2="20")
        )
        c = unit(
            "C", leader("C", 0, score1="60", score2="0"), leader("C", 1, score1="0", score2="0")
        )
        self.assertEqual(
            order([a, b, c], ("mean_score",), awards=1),
            [("A", 1, "council"), ("B", 1, "council"), ("C", 1, "council")],
        )

    def test_a_higher_share_of_women_breaks_a_tie(self) -> None:
        one_in_three = unit("A", leader("A", 0, gender="female"), leader("A", 1), leader("A", 2))
        one_in_two = unit("B", leader("B", 0, gender="female"), leader("B", 1))
        self.assertEqual(
            order([one_in_three, one_in_two], ("women",), awards=1),
            [("B", 1, "yes"), ("A", 2, "no")],
        )
        output = ranking_to_json(
            rank_units(RankingRules(tie_breakers=("women",)), [one_in_three, one_in_two])
        )
        self.assertEqual(
            [(u["women"], u["women_rate"]) for u in output["units"]], [(1, "50.00"), (1, "33.33")]
        )

    def test_the_keys_apply_in_the_campaign_order(self) -> None:
        women_low_score = unit(
            "A", leader("A", 0, gender="female", score1="70"), leader("A", 1, gender="female")
        )
        men_high_score = unit("B", leader("B", 0), leader("B", 1))
        units = [women_low_score, men_high_score]
        self.assertEqual(order(units, ("participants", "women", "mean_score"))[0][0], "A")
        self.assertEqual(order(units, ("participants", "mean_score", "women"))[0][0], "B")

    def test_an_old_ranking_has_none_of_the_new_keys(self) -> None:
        output = ranking_to_json(rank_units(RankingRules(), [unit("A", leader("A", 0))]))
        self.assertNotIn("mean_score", output["units"][0])
        self.assertNotIn("women_rate", output["units"][0])


def document(breakers: list[str]) -> dict[str, Any]:
    result = deepcopy(INPUT)
    result["campaign"]["tie_breakers"] = breakers
    for unit_index, item in enumerate(result["units"]):
        for index, person in enumerate(item["leaders"]):
            person["gender"] = "female" if (unit_index + index) % 2 else "male"
            person["content1_score"] = 30 + index
            person["content1_max_score"] = 40
            person["content2_score"] = "9.5"
            person["content2_max_score"] = 10
    return result


class InputTestCase(SimpleTestCase):
    def test_the_new_fields_are_read_exactly(self) -> None:
        rules, units = parse_document(
            json.loads(json.dumps(document(list(ALL))), parse_float=Decimal)
        )
        self.assertEqual(rules.tie_breakers, ALL)
        first = units[0].leaders[0]
        self.assertEqual((first.score1, first.score2), (Fraction(3, 4), Fraction(19, 20)))
        self.assertEqual(first.gender, "male")

    def test_a_score_without_a_maximum_is_a_percentage(self) -> None:
        given = document(["mean_score"])
        person = given["units"][0]["leaders"][0]
        del person["content1_max_score"]
        person["content1_score"] = "87.5"
        _rules, units = parse_document(given)
        self.assertEqual(units[0].leaders[0].score1, Fraction(7, 8))

    def test_the_tie_breaks_need_their_data_and_say_where_it_is_missing(self) -> None:
        given = document(["mean_score", "women"])
        person = given["units"][1]["leaders"][0]
        del person["gender"], person["content2_score"]
        given["units"][0]["leaders"][1]["content1_score"] = 41
        given["units"][4]["leaders"][2]["gender"] = "nữ"
        with self.assertRaises(RankInputError) as raised:
            parse_document(given)
        self.assertEqual(
            raised.exception.problems,
            [
                "units[0].leaders[1].content1_score: điểm phải từ 0 đến điểm tối đa (40)",
                "units[1].leaders[0].content2_score: cần điểm của lãnh đạo đã dự kiểm tra"
                " để so sánh theo mean_score",
                "units[1].leaders[0].gender: cần giới tính của lãnh đạo để so sánh theo women",
                "units[4].leaders[2].gender: cần một trong các giá trị female, male"
                ' (nhận được "nữ")',
            ],
        )

    def test_without_the_tie_breaks_the_new_fields_may_be_left_out(self) -> None:
        rules, units = parse_document(deepcopy(INPUT))
        self.assertEqual(rules.tie_breakers, ALL[:2])
        self.assertIsNone(units[0].leaders[0].score1)

    def test_an_unknown_tie_break_lists_all_four(self) -> None:
        given = document(["gender"])
        with self.assertRaises(RankInputError) as raised:
            parse_document(given)
        self.assertIn("participants, facilities, mean_score, women", raised.exception.problems[0])

    def test_the_xlsx_columns_carry_the_same_fields(self) -> None:
        given = document(list(ALL))
        columns = ["gender", "content1_score", "content1_max_score"]
        columns += ["content2_score", "content2_max_score"]
        content = example_workbook(given, extra=columns)
        with TemporaryDirectory() as folder:
            path = Path(folder) / "input.xlsx"
            path.write_bytes(content)
            from_xlsx = read_rank_input(path)
        self.assertEqual(from_xlsx, parse_document(given))

    def test_an_xlsx_without_a_needed_column_names_it_in_vietnamese(self) -> None:
        given = deepcopy(INPUT)
        given["campaign"]["tie_breakers"] = ["participants", "women"]
        with TemporaryDirectory() as folder:
            path = Path(folder) / "input.xlsx"
            path.write_bytes(example_workbook(given))
            with self.assertRaises(RankInputError) as raised:
                read_rank_input(path)
        self.assertEqual(raised.exception.problems, ["leaders!A1: thiếu các cột: gender"])


class CommandTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.folder = TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def test_the_old_example_still_ranks_to_the_old_output_byte_for_byte(self) -> None:
        data = Path(__file__).parent / "data"
        result = run_rank(data / "ranking-input.json", "--json")
        self.assertEqual(result.stdout, (data / "ranking-output.json").read_text() + "\n")
        self.assertEqual(json.loads(result.stdout), OUTPUT)

    def test_the_command_ranks_with_the_new_keys_and_shows_them(self) -> None:
        given = document(list(ALL))
        # U1 and U3 tie on pass rate, participants and facilities (the contract's example);
        # U3's Chairman scores 10/10 instead of 9.5/10 in content 2.
        given["units"][2]["leaders"][0]["content2_score"] = 10
        path = Path(self.folder.name) / "input.json"
        path.write_text(json.dumps(given, ensure_ascii=False))
        result = run_rank(path, "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        output = json.loads(result.stdout)
        units = {u["code"]: u for u in output["units"]}
        self.assertEqual(output["undecided"], [])
        self.assertEqual((units["U3"]["rank"], units["U3"]["award"]), (2, "yes"))
        self.assertEqual((units["U1"]["rank"], units["U1"]["award"]), (3, "no"))
        self.assertEqual((units["U1"]["mean_score"], units["U3"]["mean_score"]), ("85.63", "86.88"))
        self.assertEqual((units["U1"]["women"], units["U1"]["women_rate"]), (1, "50.00"))
        table = run_rank(path)
        self.assertIn("Điểm TB (%)", table.stdout)
        self.assertIn("Tỷ lệ nữ (%)", table.stdout)
