from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from sathach.exams.grading import grade, is_answered, parse_number

ANSWERS = {
    "answers": [
        {"text": "Excel", "fraction": "0.5"},
        {"text": "Calc", "fraction": "0.5"},
        {"text": "Word", "fraction": "-0.5"},
        {"text": "Paint", "fraction": "-0.5"},
    ]
}


class GradeTestCase(SimpleTestCase):
    def test_a_single_choice_earns_the_weight_of_the_option(self) -> None:
        data = {"answers": [{"text": "A", "fraction": "1"}, {"text": "B", "fraction": "0"}]}
        self.assertEqual(grade("single", data, {"choice": 0}), 1)
        self.assertEqual(grade("single", data, {"choice": 1}), 0)
        self.assertEqual(grade("single", data, {"choice": 7}), 0)
        self.assertEqual(grade("single", data, {"choice": True}), 0)

    def test_multiple_answers_earn_partial_credit_never_below_zero(self) -> None:
        self.assertEqual(grade("multiple", ANSWERS, {"choices": [0, 1]}), 1)
        self.assertEqual(grade("multiple", ANSWERS, {"choices": [0]}), Decimal("0.5"))
        self.assertEqual(grade("multiple", ANSWERS, {"choices": [0, 2]}), 0)
        self.assertEqual(grade("multiple", ANSWERS, {"choices": [2, 3]}), 0)
        self.assertEqual(grade("multiple", ANSWERS, {"choices": [0, 0, 0]}), Decimal("0.5"))

    def test_true_false(self) -> None:
        self.assertEqual(grade("truefalse", {"truefalse": False}, {"value": False}), 1)
        self.assertEqual(grade("truefalse", {"truefalse": False}, {"value": True}), 0)
        self.assertEqual(grade("truefalse", {"truefalse": False}, {"value": "false"}), 0)

    def test_short_answers_ignore_case_and_spaces_but_not_diacritics(self) -> None:
        data = {"answers": [{"text": "Đ", "fraction": "1"}, {"text": "D", "fraction": "0.2"}]}
        self.assertEqual(grade("shortanswer", data, {"text": " đ "}), 1)
        self.assertEqual(grade("shortanswer", data, {"text": "d"}), Decimal("0.2"))
        self.assertEqual(grade("shortanswer", data, {"text": "đ."}), 0)
        decomposed = {"text": "Ha\u0300 Nô\u0323i"}
        place = {"answers": [{"text": "Hà Nội", "fraction": "1"}]}
        self.assertEqual(grade("shortanswer", place, decomposed), 1)
        self.assertEqual(grade("shortanswer", place, {"text": "Ha Noi"}), 0)

    def test_numbers_are_read_the_vietnamese_way_within_tolerance(self) -> None:
        data = {"numerical": [{"value": "3.5", "tolerance": "0.1", "fraction": "1"}]}
        self.assertEqual(grade("numerical", data, {"text": "3,5"}), 1)
        self.assertEqual(grade("numerical", data, {"text": "3.6"}), 1)
        self.assertEqual(grade("numerical", data, {"text": "3.61"}), 0)
        self.assertEqual(grade("numerical", data, {"text": "ba"}), 0)
        self.assertIsNone(parse_number("1e999999"))

    def test_matching_earns_a_share_per_right_pair(self) -> None:
        data = {
            "pairs": [
                {"prompt": "Ctrl+C", "answer": "Sao chép"},
                {"prompt": "Ctrl+V", "answer": "Dán"},
            ]
        }
        self.assertEqual(grade("matching", data, {"pairs": {"0": "Sao chép", "1": "Dán"}}), 1)
        self.assertEqual(
            grade("matching", data, {"pairs": {"0": "Sao chép", "1": "Cắt"}}), Decimal("0.5")
        )

    def test_anything_malformed_earns_nothing(self) -> None:
        responses: list[object] = [None, [], "x", {"choice": None}, {"choices": "0"}]
        for response in responses:
            self.assertEqual(grade("multiple", ANSWERS, response), 0)
        self.assertFalse(is_answered("single", {"choice": None}))
        self.assertTrue(is_answered("matching", {"pairs": {"0": "Dán"}}))
