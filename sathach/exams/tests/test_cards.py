"""The printed exam cards of a session: read back with poppler (text, page size) and looked
at as a picture (the QR code), and who may print them."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from sathach.exams.cards import card_photo_area, card_qr_area, session_cards_pdf
from sathach.exams.tests.factories import make_exam
from sathach.organization.models import Position
from sathach.organization.services import IssuedCredential
from sathach.organization.testing import BaseTestCase, make_person

LOGIN_URL = "http://testserver/accounts/login/"
# 2026-03-10 07:30 and 09:00 in Asia/Ho_Chi_Minh (UTC+7).
OPENS = datetime.datetime(2026, 3, 10, 0, 30, tzinfo=datetime.UTC)
CLOSES = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return run("pdftotext", "-layout", file.name, "-")


def pdf_info(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return run("pdfinfo", file.name)


class CardsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.session = make_exam(self.world)
        self.session.opens_at, self.session.closes_at = OPENS, CLOSES
        self.session.room = "Phòng máy số 2"
        self.session.save()

    def add_examinees(self, count: int) -> None:
        names = ["Trần Thị Ánh", "Lê Văn Bảo", "Phạm Thị Yến"][:count]
        for name in names:
            self.session.examinees.add(
                make_person(name, self.w.dai_an_1, Position.VICE_CHAIRMAN, gender="nu")
            )

    def test_a_card_shows_the_leader_the_session_and_the_account(self) -> None:
        text = pdf_text(session_cards_pdf(self.session, login_url=LOGIN_URL))
        self.assertIn("THẺ DỰ KIỂM TRA", text)
        self.assertIn("75/KH-UBND", text)
        self.assertIn(self.w.leader_person.full_name, text)
        self.assertIn(self.w.an_thanh_1_chairman.full_name, text)
        self.assertIn("Chủ tịch", text)
        self.assertIn("Xã Đại Ân 1", text)
        self.assertIn("Phòng máy số 2", text)
        self.assertIn("10/03/2026", text)
        self.assertIn("07:30", text)
        self.assertIn("09:00", text)
        self.assertIn("31618.binhnv", text)
        self.assertIn(self.w.leader.username, text)
        self.assertEqual(text.count("Mật khẩu đã cấp riêng"), 2)

    def test_a_password_just_issued_is_printed_on_its_leaders_card_only(self) -> None:
        issued = [IssuedCredential(self.w.leader_person, self.w.leader.username, "K7mPq2xR9t")]
        text = pdf_text(session_cards_pdf(self.session, issued, login_url=LOGIN_URL))
        self.assertIn("K7mPq2xR9t", text)
        self.assertEqual(text.count("Mật khẩu đã cấp riêng"), 1)

    def test_cards_are_sorted_by_commune_then_given_name(self) -> None:
        self.add_examinees(3)
        text = pdf_text(session_cards_pdf(self.session, login_url=LOGIN_URL))
        # Cards are laid out two to a row: compare the reading order of the names alone.
        names = re.findall(r"Họ và tên:\s+(.+?)(?:\s{2,}|$)", text, re.MULTILINE)
        flat = " | ".join(names)
        self.assertIn("Nguyễn Văn Bình", names[0])  # Xã An Thạnh 1 before Xã Đại Ân 1
        self.assertLess(flat.index("Ánh"), flat.index("Bảo"))
        self.assertLess(flat.index("Bảo"), flat.index("Yến"))

    def test_five_examinees_make_two_a4_pages_of_four_cards(self) -> None:
        self.add_examinees(3)
        info = pdf_info(session_cards_pdf(self.session, login_url=LOGIN_URL))
        self.assertRegex(info, r"Pages:\s+2\n")
        self.assertRegex(info, r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)")

    def test_each_card_carries_a_qr_code_of_the_sign_in_address(self) -> None:
        pdf = session_cards_pdf(self.session, login_url=LOGIN_URL)
        self.assertIn(LOGIN_URL, pdf_text(pdf))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "card.pdf"
            path.write_bytes(pdf)
            run("pdftoppm", "-r", "72", "-gray", "-png", "-f", "1", "-l", "1", str(path),
                str(Path(folder) / "page"))  # fmt: skip
            image = Image.open(next(Path(folder).glob("page*.png"))).convert("L")
            height = image.height

            def dark_share(slot: int) -> float:
                x, y, w, h = card_qr_area(slot)
                box = image.crop((int(x), int(height - y - h), int(x + w), int(height - y)))
                pixels = box.tobytes()
                return sum(1 for p in pixels if p < 128) / len(pixels)

            # Two examinees: the two cards of the top row have a code, the empty slots none.
            self.assertGreater(dark_share(0), 0.3)
            self.assertGreater(dark_share(1), 0.3)
            self.assertEqual(dark_share(2), 0)

    def test_a_leader_with_a_photo_has_it_on_the_card_the_others_no_empty_frame(self) -> None:
        picture = io.BytesIO()
        Image.new("RGB", (300, 400), (0, 0, 160)).save(picture, "JPEG")
        self.w.leader_person.photo.save("anh.jpg", ContentFile(picture.getvalue()))
        pdf = session_cards_pdf(self.session, login_url=LOGIN_URL)
        text = pdf_text(pdf)
        self.assertIn(self.w.leader_person.full_name, text)
        self.assertIn("Xã Đại Ân 1", text)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "card.pdf"
            path.write_bytes(pdf)
            run("pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", str(path),
                str(Path(folder) / "page"))  # fmt: skip
            image = Image.open(next(Path(folder).glob("page*.png"))).convert("RGB")

            def blue_share(slot: int) -> float:
                x, y, w, h = card_photo_area(slot)
                box = image.crop((int(x) + 2, int(image.height - y - h) + 2,
                                  int(x + w) - 2, int(image.height - y) - 2))  # fmt: skip
                data = box.tobytes()
                pixels = [data[i : i + 3] for i in range(0, len(data), 3)]
                return sum(1 for r, _g, b in pixels if b > 120 and r < 60) / len(pixels)

            # An Thạnh 1's chairman (slot 0) has no photo; Đại Ân 1's (slot 1) has.
            self.assertEqual(blue_share(0), 0)
            self.assertGreater(blue_share(1), 0.9)

    def test_a_session_runner_downloads_the_cards_without_issuing_passwords(self) -> None:
        password = self.w.leader.password
        self.login(self.w.proctor)
        response = self.client.get(reverse("session-cards", args=[self.session.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        self.assertIn(self.w.leader_person.full_name, text)
        self.assertIn("Mật khẩu đã cấp riêng", text)
        self.w.leader.refresh_from_db()
        self.assertEqual(self.w.leader.password, password)

    def test_a_commune_officer_or_another_districts_admin_cannot_print_the_cards(self) -> None:
        url = reverse("session-cards", args=[self.session.pk])
        self.login(self.w.commune_officer)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login(self.w.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_session_without_examinees_sends_the_runner_back_with_a_reason(self) -> None:
        self.session.examinees.clear()
        self.login(self.w.district_admin)
        response = self.client.get(reverse("session-cards", args=[self.session.pk]), follow=True)
        self.assertRedirects(response, reverse("session-console", args=[self.session.pk]))
        messages = [str(m) for m in response.context["messages"]]
        self.assertEqual(len(messages), 1)
