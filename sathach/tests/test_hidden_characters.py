"""Names and answers hold what the reader sees (issue 15, point 3): Vietnamese typed in NFD
is stored in NFC; zero-width, right-to-left and control characters are refused with a clear
message, and nothing is stored."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.urls import reverse

from sathach.core.errors import ImportErrors
from sathach.exams.models import AttemptItem
from sathach.exams.services.attempts import attempt_save_answers, attempt_start
from sathach.exams.tests.factories import make_exam
from sathach.organization.models import Person
from sathach.organization.testing import BaseTestCase
from sathach.organization.tests.test_transfer import xlsx
from sathach.organization.transfer import people_import

RLO = "\u202e"  # right-to-left override
ZWSP = "\u200b"  # zero-width space


class HiddenCharactersInNamesTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.login(self.w.district_admin)

    def post_person(self, name: str) -> Any:
        return self.client.post(
            reverse("person-create"),
            {
                "full_name": name,
                "gender": "nam",
                "unit": self.w.dai_an_1.pk,
                "position": "van_thu",
                "phone": "",
                "email": "",
            },
        )

    def test_a_name_with_a_right_to_left_override_is_refused(self) -> None:
        before = Person.objects.count()
        response = self.post_person(f"Nguyễn Văn {RLO}nauQ")
        self.assertContains(response, "ký tự không nhìn thấy được (U+202E)")
        self.assertEqual(Person.objects.count(), before)

    def test_a_name_typed_in_nfd_is_stored_in_nfc(self) -> None:
        typed = unicodedata.normalize("NFD", "Lê Thị Hồng Nhung")
        self.assertNotEqual(typed, "Lê Thị Hồng Nhung")
        self.post_person(typed)
        self.assertTrue(Person.objects.filter(full_name="Lê Thị Hồng Nhung").exists())

    def test_an_import_row_with_a_zero_width_space_names_its_cell(self) -> None:
        rows = [["", f"Trần{ZWSP} Văn Tâm", "Nam", "31618", "Văn thư", "", ""]]
        before = Person.objects.count()
        with self.assertRaises(ImportErrors) as caught:
            people_import(actor=self.w.district_admin, content=xlsx(rows))
        ((row, column, message),) = caught.exception.problems
        self.assertEqual((row, column), (2, "Họ và tên"))
        self.assertIn("U+200B", message)
        self.assertEqual(Person.objects.count(), before)


class HiddenCharactersInAnswersTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        session = make_exam(self.w)
        attempt = session.attempts.get(person=self.w.leader_person)
        self.attempt = attempt_start(
            user=self.w.leader, attempt=attempt, access_code=session.access_code
        )
        self.item = self.attempt.items.order_by("position").first()

    def save(self, text: str, seq: int) -> Any:
        return attempt_save_answers(
            attempt_id=self.attempt.pk,
            token=self.attempt.token,
            answers=[{"p": self.item.position, "s": seq, "r": {"text": text}}],
        )

    def test_an_answer_typed_in_nfd_is_stored_in_nfc(self) -> None:
        outcome = self.save(unicodedata.normalize("NFD", "Định dạng"), 1)
        self.assertEqual(outcome.acknowledged, {self.item.position: 1})
        stored = AttemptItem.objects.get(pk=self.item.pk).response
        self.assertEqual(stored, {"text": "Định dạng"})

    def test_an_answer_with_hidden_characters_is_refused_and_not_stored(self) -> None:
        for seq, text in enumerate((f"đ{ZWSP}", f"{RLO}đ", "đ\x07"), start=1):
            with self.subTest(text=ascii(text)):
                outcome = self.save(text, seq)
                self.assertEqual(outcome.acknowledged, {})
                self.assertIsNone(AttemptItem.objects.get(pk=self.item.pk).response)
