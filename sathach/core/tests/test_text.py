from __future__ import annotations

import unicodedata

from django.test import SimpleTestCase

from sathach.core.text import fold, name_sort_key, nfc


class TextTestCase(SimpleTestCase):
    def test_it_normalises_decomposed_text_to_nfc(self) -> None:
        decomposed = unicodedata.normalize("NFD", "Nguyễn  Thị   Ánh")
        self.assertEqual(nfc(decomposed), "Nguyễn Thị Ánh")
        self.assertTrue(unicodedata.is_normalized("NFC", nfc(decomposed)))

    def test_it_folds_diacritics_for_search(self) -> None:
        self.assertEqual(fold("Đại Ân 1"), "dai an 1")
        self.assertEqual(fold(unicodedata.normalize("NFD", "Thạnh")), "thanh")

    def test_names_sort_by_given_name_then_family_name(self) -> None:
        names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Phạm Thị Ánh", "Võ Anh"]
        ordered = sorted(names, key=name_sort_key)
        self.assertEqual(
            ordered, ["Lê Văn An", "Nguyễn Thị An", "Võ Anh", "Phạm Thị Ánh", "Trần Văn Bình"]
        )

    def test_vietnamese_letters_follow_the_alphabet(self) -> None:
        # a < ă < â, d < đ, o < ô < ơ, u < ư: not the code-point order.
        given = ["Ân", "Ăn", "An", "Đông", "Dung", "Ơn", "Ôn", "On", "Ưng", "Ung"]
        ordered = sorted((f"Lê {g}" for g in given), key=name_sort_key)
        self.assertEqual(
            [name.split()[-1] for name in ordered],
            ["An", "Ăn", "Ân", "Dung", "Đông", "On", "Ôn", "Ơn", "Ung", "Ưng"],
        )

    def test_tones_order_only_where_letters_are_equal(self) -> None:
        # Dictionary tone order: ngang, huyền, hỏi, ngã, sắc, nặng.
        given = ["Mạ", "Má", "Mã", "Mả", "Mà", "Ma", "Man"]
        ordered = sorted((f"Lê {g}" for g in given), key=name_sort_key)
        self.assertEqual(
            [name.split()[-1] for name in ordered], ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ", "Man"]
        )

    def test_the_key_is_digits_only_so_any_collation_orders_it_alike(self) -> None:
        self.assertTrue(name_sort_key("Huỳnh Thành Anh").isdigit())
