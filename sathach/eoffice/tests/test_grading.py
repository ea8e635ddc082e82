from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from sathach.eoffice import grading

DAY = datetime.date(2020, 8, 20)
LATEST = datetime.date(2020, 8, 27)


def grade(**changes: object) -> list[str]:
    values: dict[str, object] = {
        "forwarded": True,
        "handler_position": "tu_phap_ho_tich",
        "expected_position": "tu_phap_ho_tich",
        "instruction": "Giao đ/c Tư pháp chủ trì rà soát, tham mưu báo cáo huyện đúng hạn.",
        "deadline": datetime.date(2020, 8, 25),
        "given_on": DAY,
        "latest": LATEST,
    }
    values.update(changes)
    return grading.grade_incoming(**values)  # type: ignore[arg-type]


class IncomingGradingTests(SimpleTestCase):
    def test_a_right_forward_passes(self) -> None:
        self.assertEqual(grade(), [])

    def test_the_last_allowed_day_and_the_same_day_pass(self) -> None:
        self.assertEqual(grade(deadline=LATEST), [])
        self.assertEqual(grade(deadline=DAY), [])

    def test_a_document_not_forwarded_fails(self) -> None:
        self.assertEqual(grade(forwarded=False), [grading.NOT_FORWARDED])

    def test_a_wrong_main_handler_fails(self) -> None:
        self.assertEqual(grade(handler_position="van_hoa_xa_hoi"), [grading.WRONG_HANDLER])

    def test_an_empty_instruction_fails(self) -> None:
        self.assertEqual(grade(instruction="  "), [grading.INSTRUCTION_EMPTY])

    def test_placeholder_instructions_fail(self) -> None:
        for text in (
            "chuyển",
            "Xem",
            "ok",
            "Đồng ý.",
            "chuyển xử lý",
            "Chuyển xử lý gấp nhé",
            "abc xyz",
        ):
            with self.subTest(text=text):
                self.assertEqual(grade(instruction=text), [grading.INSTRUCTION_PLACEHOLDER])

    def test_a_short_real_instruction_passes(self) -> None:
        self.assertEqual(grade(instruction="Tư pháp chủ trì, báo cáo trước hạn"), [])

    def test_a_missing_deadline_fails(self) -> None:
        self.assertEqual(grade(deadline=None), [grading.DEADLINE_MISSING])

    def test_a_deadline_in_the_past_fails(self) -> None:
        self.assertEqual(grade(deadline=DAY - datetime.timedelta(days=1)), [grading.DEADLINE_PAST])

    def test_a_deadline_later_than_the_document_allows_fails(self) -> None:
        self.assertEqual(
            grade(deadline=LATEST + datetime.timedelta(days=1)), [grading.DEADLINE_LATE]
        )

    def test_every_failure_is_reported_together(self) -> None:
        self.assertEqual(
            grade(handler_position="khac", instruction="", deadline=None),
            [grading.WRONG_HANDLER, grading.INSTRUCTION_EMPTY, grading.DEADLINE_MISSING],
        )

    def test_every_reason_has_a_message(self) -> None:
        message = grading.reason_message(
            grading.DEADLINE_LATE, expected="Tư pháp - hộ tịch", latest=LATEST
        )
        self.assertIn("27/08/2020", message)
        self.assertIn("Tư pháp", grading.reason_message(grading.WRONG_HANDLER, expected="Tư pháp"))
