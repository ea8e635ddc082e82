"""The audit log's change column in words (issue 17, point 3): before, the page showed the
stored summary as a Python dictionary ("{'by': 'examinee', 'passed': True}")."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from sathach.core.audit_summary import summary_text


class AuditSummaryTextTests(SimpleTestCase):
    def setUp(self) -> None:
        translation.activate("vi")
        self.addCleanup(translation.deactivate)

    def test_keys_are_labelled_and_codes_booleans_and_decimals_written_in_vietnamese(self) -> None:
        text = summary_text(
            {"by": "examinee", "passed": True, "score": "86.67", "outcome": "failed"}
        )
        self.assertEqual(
            text, "người thực hiện: thí sinh; đạt: có; điểm: 86,67; kết quả: Không đạt"
        )

    def test_dates_lists_and_empty_values_are_written_for_people(self) -> None:
        text = summary_text({"deadline": "2026-12-20", "coordinators": [], "note": None})
        self.assertEqual(text, "hạn: 20/12/2026; phối hợp: —; ghi chú: —")

    def test_an_unknown_key_gets_a_generic_label_and_never_its_name(self) -> None:
        text = summary_text({"some_new_key": "x", "nested": {"passed": False}})
        self.assertNotIn("some_new_key", text)
        self.assertEqual(text, "chi tiết khác: x; chi tiết khác: (đạt: không)")

    def test_an_empty_summary_is_an_empty_cell(self) -> None:
        self.assertEqual(summary_text({}), "")
