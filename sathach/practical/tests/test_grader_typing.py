"""The typing grader: accuracy on NFC text, precomposed Unicode against decomposed text and
the old TCVN3/VNI/VIQR encodings, speed in correct words per minute, pastes, and responses
that are anything but what the page sends."""

from __future__ import annotations

import random
import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.test import SimpleTestCase
from django.utils import translation

from sathach.practical.graders.typing import grade_typed, make_starter, validate_specs
from sathach.practical.graders.typing_text import compare, levenshtein, normalise

# 29 words, 119 characters.
PASSAGE = (
    "Ủy ban nhân dân xã Đại Ân 1 tổ chức tập huấn chuyển đổi số\n"
    "cho cán bộ và người dân trong toàn xã vào ngày hội quốc gia."
)
STARTER = {"passage": PASSAGE}
ALL: list[Any] = [
    {"key": "accuracy", "weight": "4"},
    {"key": "unicode", "weight": "1"},
    {"key": "speed", "weight": "2"},
    {"key": "no_paste", "weight": "1"},
]


def typed(text: str, ms: Any = 60_000, pastes: Any = 0) -> dict[str, Any]:
    return {"text": text, "ms": ms, "pastes": pastes}


def by_key(response: Any, specs: list[Any] | None = None) -> dict:
    return {v.key: v for v in grade_typed(response, specs or ALL, starter=STARTER)}


class AccuracyTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_the_passage_typed_exactly_earns_every_criterion(self) -> None:
        verdicts = by_key(typed(PASSAGE, ms=58_000))
        self.assertEqual({k: v.earned for k, v in verdicts.items()}, dict.fromkeys(verdicts, 1))
        self.assertEqual(verdicts["accuracy"].reason, "Accuracy 100 %: no character wrong.")
        self.assertEqual(verdicts["speed"].reason, "30 correct words per minute, 25 wanted.")

    def test_spaces_and_line_breaks_are_collapsed(self) -> None:
        messy = "  " + PASSAGE.replace(" ", "   ").replace("\n", "\r\n\r\n") + "\n"
        self.assertEqual(by_key(typed(messy))["accuracy"].earned, 1)

    def test_a_missing_diacritic_is_one_character_wrong_and_shown(self) -> None:
        text = PASSAGE.replace("ngày", "ngay")
        verdict = by_key(typed(text))["accuracy"]
        # 1 wrong of 119: 99.2 %, above 98 %.
        self.assertEqual(verdict.earned, 1)
        self.assertEqual(
            verdict.reason, "Accuracy 99.2 %: 1 characters wrong (e.g. 'ngay' instead of 'ngày')."
        )

    def test_accuracy_between_the_bounds_earns_in_a_straight_line(self) -> None:
        text = PASSAGE.replace("ngày", "ngay").replace("Đại Ân", "Dai An").replace("số", "so")
        comparison = compare(normalise(text), normalise(PASSAGE))
        self.assertEqual(comparison.errors, 5)
        verdict = by_key(typed(text))["accuracy"]
        # 114 / 119 = 95.8 %: (95.8 - 80) / (98 - 80).
        self.assertEqual(verdict.earned, Decimal("0.8778"))
        self.assertTrue(verdict.reason.startswith("Accuracy 95.8 %: 5 characters wrong"))

    def test_capitals_count(self) -> None:
        text = PASSAGE.replace("Ủy", "ủy")
        self.assertEqual(compare(normalise(text), normalise(PASSAGE)).errors, 1)

    def test_left_out_and_added_words_are_named(self) -> None:
        left_out = by_key(typed(PASSAGE.replace(" toàn xã", "")))["accuracy"]
        self.assertIn("(e.g. 'toàn xã' left out)", left_out.reason)
        self.assertEqual(
            compare(normalise(PASSAGE.replace(" toàn", "")), PASSAGE.replace("\n", " ")).errors, 5
        )
        added = by_key(typed(PASSAGE + " xin cảm ơn"))["accuracy"]
        self.assertIn("(e.g. 'xin cảm ơn' added)", added.reason)

    def test_half_the_passage_earns_nothing_for_accuracy(self) -> None:
        verdict = by_key(typed(PASSAGE[:60]))["accuracy"]
        self.assertEqual(verdict.earned, 0)

    def test_the_vietnamese_reason_uses_the_decimal_comma(self) -> None:
        with translation.override("vi"):
            reason = by_key(typed(PASSAGE.replace("ngày", "ngay")))["accuracy"].reason
        self.assertRegex(reason, r"99,2 ")

    def test_levenshtein_counts_insertions_deletions_and_replacements(self) -> None:
        self.assertEqual(levenshtein("ngày", "ngay"), 1)
        self.assertEqual(levenshtein("xã hội", "xãhội"), 1)
        self.assertEqual(levenshtein("", "abc"), 3)
        self.assertEqual(levenshtein("kitten", "sitting"), 3)

    def test_the_bit_parallel_levenshtein_agrees_with_the_textbook_table(self) -> None:
        def table(a: str, b: str) -> int:
            previous = list(range(len(b) + 1))
            for i, char_a in enumerate(a, start=1):
                current = [i]
                for j, char_b in enumerate(b, start=1):
                    current.append(
                        min(
                            previous[j] + 1,
                            current[j - 1] + 1,
                            previous[j - 1] + (char_a != char_b),
                        )
                    )
                previous = current
            return previous[-1]

        chance = random.Random(18)
        for _ in range(2000):
            a = "".join(chance.choices("aăâđê ", k=chance.randint(0, 70)))
            b = "".join(chance.choices("aăâđê ", k=chance.randint(0, 70)))
            self.assertEqual(levenshtein(a, b), table(a, b), (a, b))

    def test_a_text_typed_without_spaces_counts_each_missing_space(self) -> None:
        verdict = by_key(typed(PASSAGE.replace(" ", "").replace("\n", "")))["accuracy"]
        # 28 spaces of 119 characters: 76.5 %, below 80 %.
        self.assertEqual(verdict.earned, 0)
        self.assertTrue(verdict.reason.startswith("Accuracy 76.5 %: 28 characters wrong"))


class UnicodeTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_decomposed_unicode_earns_nothing_but_is_read_right(self) -> None:
        verdicts = by_key(typed(unicodedata.normalize("NFD", PASSAGE)))
        self.assertEqual(verdicts["unicode"].earned, 0)
        self.assertIn("decomposed Unicode", verdicts["unicode"].reason)
        self.assertEqual(verdicts["accuracy"].earned, 1)

    def test_a_text_the_exam_stored_in_nfc_but_marked_decomposed_earns_nothing(self) -> None:
        # The exam normalises what it stores and keeps the mark (exams.services.answers).
        response = {**typed(PASSAGE), "decomposed": True}
        self.assertEqual(by_key(response)["unicode"].earned, 0)
        self.assertEqual(by_key({**typed(PASSAGE), "decomposed": "yes"})["unicode"].earned, 1)

    def test_tcvn3_text_is_told_apart(self) -> None:
        tcvn3 = "Uû ban nh©n d©n x· §¹i ¢n 1 tæ chøc tËp huÊn chuyÓn ®æi sè"
        verdict = by_key(typed(tcvn3))["unicode"]
        self.assertEqual(verdict.earned, 0)
        self.assertIn("old Vietnamese encoding (", verdict.reason)
        self.assertIn("©", verdict.reason)
        self.assertIn("“Unicode”", verdict.reason)

    def test_vni_text_is_told_apart(self) -> None:
        vni = "UÛy ban nhaân daân xaõ Ñaïi AÂn 1 toå chöùc taäp huaán"
        self.assertEqual(by_key(typed(vni))["unicode"].earned, 0)

    def test_viqr_text_is_told_apart(self) -> None:
        viqr = "U?y ban nha^n da^n xa~ DDa.i A^n 1 to^? chu+'c ta^.p hua^'n"
        self.assertEqual(by_key(typed(viqr))["unicode"].earned, 0)

    def test_a_sign_of_the_passage_itself_or_one_stray_sign_is_no_encoding(self) -> None:
        passage = "Nhiệt độ 25 °C, độ ẩm 80 %."
        verdicts = grade_typed(
            typed("Nhiệt độ 25 °C, độ ẩm 80 %.°"),
            [{"key": "unicode"}],
            starter={"passage": passage},
        )
        self.assertEqual(verdicts[0].earned, 1)
        stray = by_key(typed(PASSAGE + "ß"))["unicode"]
        self.assertEqual(stray.earned, 1)
        self.assertEqual(stray.reason, "The text is in precomposed Unicode.")


class SpeedAndPasteTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_speed_counts_the_words_typed_right_per_minute(self) -> None:
        # 29 words in 87 s: 20 words per minute, (20 - 10) / (25 - 10).
        verdict = by_key(typed(PASSAGE, ms=87_000))["speed"]
        self.assertEqual(verdict.earned, Decimal("0.6667"))
        wrong = PASSAGE.replace("nhân", "nhan").replace("dân", "dan").replace("xã", "xa")
        # 29 - 5 words right ("dân" and "xã" twice) in 87 s: 16.6 per minute.
        self.assertEqual(
            by_key(typed(wrong, ms=87_000))["speed"].reason,
            "16.6 correct words per minute, 25 wanted.",
        )

    def test_a_slow_typist_earns_nothing_for_speed(self) -> None:
        self.assertEqual(by_key(typed(PASSAGE, ms=300_000))["speed"].earned, 0)

    def test_a_missing_or_absurd_time_earns_nothing(self) -> None:
        for ms in (0, -5, None, "abc", float("nan"), float("inf"), True):
            verdict = by_key(typed(PASSAGE, ms=ms))["speed"]
            self.assertEqual(verdict.earned, 0, ms)
            self.assertEqual(verdict.reason, "The typing time was not recorded.")
        instant = by_key(typed(PASSAGE, ms=2_000))["speed"]
        self.assertEqual(instant.earned, 0)
        self.assertIn("beyond any typing", instant.reason)

    def test_a_paste_earns_nothing_for_typing_by_hand(self) -> None:
        verdict = by_key(typed(PASSAGE, pastes=2))["no_paste"]
        self.assertEqual(verdict.earned, 0)
        self.assertEqual(
            verdict.reason, "Pasting was tried 2 times: the passage must be typed by hand."
        )
        for pastes in (None, "0", -1, 1.5, True):
            self.assertEqual(by_key(typed(PASSAGE, pastes=pastes))["no_paste"].earned, 0, pastes)


class HostileResponseTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_anything_but_a_typed_text_earns_nothing_without_raising(self) -> None:
        responses: list[Any] = [
            None,
            [],
            "text",
            5,
            {"text": 5},
            {"text": None},
            {"text": " \n"},
            {},
        ]
        for response in responses:
            verdicts = grade_typed(response, ALL, starter=STARTER)
            self.assertEqual([v.key for v in verdicts], [s["key"] for s in ALL])
            self.assertEqual({v.earned for v in verdicts}, {Decimal(0)}, response)
            self.assertEqual(verdicts[0].reason, "Nothing was typed.")

    def test_a_huge_text_is_capped_and_graded_quickly(self) -> None:
        for text in ("x" * 1_000_000, (PASSAGE + " ") * 5_000, PASSAGE + "y" * 400):
            verdicts = by_key(typed(text))
            self.assertEqual(verdicts["accuracy"].earned, 0)

    def test_a_task_without_a_passage_earns_nothing(self) -> None:
        for starter in (None, {}, {"passage": 5}, {"passage": "  "}):
            verdicts = grade_typed(typed(PASSAGE), ALL, starter=starter)
            self.assertEqual({v.earned for v in verdicts}, {Decimal(0)})
            self.assertEqual(verdicts[0].reason, "The task has no passage to type.")

    def test_unknown_criteria_and_bad_params_earn_nothing_and_the_rest_is_graded(self) -> None:
        specs = [{"key": "style"}, {"key": "accuracy", "params": {"full": 50, "zero": 90}}, ALL[0]]
        verdicts = grade_typed(typed(PASSAGE), specs, starter=STARTER)
        self.assertEqual([v.earned for v in verdicts], [0, 0, 1])


class ValidateSpecsTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_the_defaults_are_valid_and_nothing_is_downloaded(self) -> None:
        self.assertEqual(validate_specs(ALL), [])
        self.assertIsNone(make_starter(STARTER))

    def test_it_names_each_problem(self) -> None:
        problems = validate_specs(
            [
                {"key": "accuracy", "weight": "1", "params": {"full": 80, "zero": 98}},
                {"key": "accuracy", "weight": "1", "params": {"full": "lots"}},
                {"key": "speed", "weight": "1", "params": {"max": 20}},
                {"key": "typing", "weight": "1"},
                {"key": "unicode", "weight": "1", "params": 3},
                {"key": "no_paste", "weight": "-1"},
                {"key": "unicode", "weight": "1", "params": {"strict": True}},
            ]
        )
        self.assertEqual(len(problems), 7, problems)
        self.assertTrue(re.search(r"“zero” < “full” ≤ 100", problems[0]), problems[0])
        self.assertEqual(problems[2], "Typing speed: “max” must be a number above “full”.")
        self.assertEqual(problems[3], "Criterion 4: “typing” is not a criterion of a typing task.")
        self.assertEqual(problems[5], "Typed, not pasted: the weight must be a positive number.")
        self.assertEqual(problems[6], "Precomposed Unicode: unknown parameter “strict”.")
