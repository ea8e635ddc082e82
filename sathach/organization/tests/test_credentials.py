from __future__ import annotations

import datetime
import re
import string
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import time_machine
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from reportlab.pdfbase.ttfonts import TTFont

from sathach.organization.credentials import FONTS, credentials_pdf
from sathach.organization.models import Person, Position, User
from sathach.organization.services import IssuedCredential, examinee_credentials_issue
from sathach.organization.testing import BaseTestCase, make_person

LOGIN_URL = "http://testserver/accounts/login/"
# Every letter of Vietnamese, upper and lower case: the base letters with each tone mark.
VIETNAMESE_LETTERS = {
    unicodedata.normalize("NFC", base + tone)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for tone in ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
} | set("đĐ" + string.ascii_letters)


def pdf_text(pdf: bytes, *pages: int) -> str:
    """The text of the PDF as poppler reads it, laid out as printed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        page_range = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
        return subprocess.run(
            ["pdftotext", "-layout", *page_range, file.name, "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def slips(text: str) -> dict[str, str]:
    """User name -> one-time password, as printed on the slips."""
    usernames = re.findall(r"Tên đăng nhập:\s+(\S+)", text)
    passwords = re.findall(r"Mật khẩu dùng một lần:\s+(\S+)", text)
    assert len(usernames) == len(passwords)
    return dict(zip(usernames, passwords, strict=True))


class CredentialsPdfTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.commune = self.world.an_thanh_1
        make_person("Đặng Thị Ngọc Hường", self.commune, Position.VICE_CHAIRMAN, gender="nu")
        make_person("Lê Quốc Trưởng", self.commune, Position.VICE_CHAIRMAN)

    def issue(self) -> list[IssuedCredential]:
        return examinee_credentials_issue(actor=self.world.district_admin, unit=self.commune)

    def test_it_prints_each_leaders_name_user_name_and_one_time_password(self) -> None:
        issued = self.issue()
        text = pdf_text(credentials_pdf(self.commune, issued, login_url=LOGIN_URL))
        self.assertEqual(len(issued), 3)
        for name in ("Nguyễn Văn Bình", "Đặng Thị Ngọc Hường", "Lê Quốc Trưởng"):
            self.assertIn(name, text)
        self.assertEqual(slips(text), {item.username: item.password for item in issued})
        # The officer of An Thạnh 1 is not a leader and gets no slip.
        self.assertNotIn("Huỳnh Thanh Long", text)

    def test_it_heads_the_sheet_with_the_title_the_unit_and_the_sign_in_address(self) -> None:
        text = pdf_text(credentials_pdf(self.commune, self.issue(), login_url=LOGIN_URL))
        self.assertIn("PHIẾU TÀI KHOẢN DỰ KIỂM TRA", text)
        self.assertIn("Xã An Thạnh 1, Huyện Cù Lao Dung, Tỉnh Sóc Trăng", text)
        self.assertEqual(text.count(LOGIN_URL), 3)
        self.assertEqual(text.count("đặt mật khẩu mới của riêng mình"), 3)

    def test_it_leaves_out_the_sign_in_address_when_none_is_given(self) -> None:
        text = pdf_text(credentials_pdf(self.commune, self.issue()))
        self.assertNotIn("Địa chỉ đăng nhập", text)
        self.assertEqual(len(slips(text)), 3)

    def test_it_prints_the_position_in_the_language_of_the_sheet(self) -> None:
        # Whatever language the admin reads the site in, the slip is Vietnamese.
        with translation.override("vi"):
            chairman = str(Person(position=Position.CHAIRMAN).get_position_display())
        with translation.override("en"):
            text = pdf_text(credentials_pdf(self.commune, self.issue()))
        self.assertRegex(text, rf"Chức vụ:\s+{re.escape(chairman)}\n")

    @time_machine.travel(datetime.datetime(2025, 3, 1, 18, 30, tzinfo=datetime.UTC), tick=False)
    def test_it_dates_the_sheet_in_vietnam_time(self) -> None:
        text = pdf_text(credentials_pdf(self.commune, self.issue()))
        self.assertIn("Ngày lập: 02/03/2025", text)

    def test_it_prints_decomposed_text_as_composed_letters(self) -> None:
        decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
        person = Person(full_name=decomposed, unit=self.commune, position=Position.CHAIRMAN)
        issued = [IssuedCredential(person, "31618.tuyetnta", "aB3kP7qxYz")]
        text = pdf_text(credentials_pdf(self.commune, issued))
        self.assertIn("Nguyễn Thị Ánh Tuyết", text)

    def test_it_continues_on_numbered_pages_when_the_slips_do_not_fit_one(self) -> None:
        for n in range(5):
            make_person(f"Phó Chủ Tịch Số {n}", self.commune, Position.VICE_CHAIRMAN)
        issued = self.issue()
        pdf = credentials_pdf(self.commune, issued, login_url=LOGIN_URL)
        first, second, third = (pdf_text(pdf, page) for page in (1, 2, 3))
        self.assertEqual((len(slips(first)), len(slips(second)), len(slips(third))), (3, 4, 1))
        self.assertIn("Trang 1/3", first)
        self.assertIn("Trang 3/3", third)
        self.assertIn("Phiếu 8/8", third)

    def test_it_fails_clearly_when_the_fonts_are_missing(self) -> None:
        with (
            tempfile.TemporaryDirectory() as empty,
            override_settings(PDF_FONT_DIR=empty),
            self.assertRaisesMessage(ImproperlyConfigured, "fonts-liberation2"),
        ):
            credentials_pdf(self.commune, [])

    def test_the_fonts_have_every_letter_the_sheet_prints(self) -> None:
        for name, filename in FONTS.items():
            glyphs = TTFont(name, str(Path(settings.PDF_FONT_DIR) / filename)).face.charToGlyph
            # User names, passwords and addresses are ASCII; names and labels Vietnamese.
            needed = set(string.printable.strip()) | VIETNAMESE_LETTERS
            missing = sorted(ch for ch in needed if ord(ch) not in glyphs)
            self.assertEqual(missing, [], name)


class ExamineeCredentialsViewTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.commune = self.world.an_thanh_1
        self.url = reverse("examinee-credentials", args=[self.commune.pk])
        make_person("Đặng Thị Ngọc Hường", self.commune, Position.VICE_CHAIRMAN, gender="nu")

    def test_it_sends_the_sheet_as_a_pdf_that_is_never_cached(self) -> None:
        self.login(self.world.district_admin)
        response = self.client.post(self.url)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertIn("attachment;", response["Content-Disposition"])
        text = pdf_text(response.content)
        self.assertIn(LOGIN_URL, text)
        self.assertIn("Đặng Thị Ngọc Hường", text)
        printed = slips(text)
        self.assertEqual(len(printed), 2)
        for username, password in printed.items():
            user = User.objects.get(username=username)
            self.assertTrue(user.check_password(password))
            self.assertTrue(user.must_change_password)

    def test_a_second_issue_without_reset_says_everyone_already_has_an_account(self) -> None:
        self.login(self.world.district_admin)
        self.client.post(self.url)
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/html"))
        with translation.override("vi"):
            expected = gettext("Every leader of %(unit)s already has an account.") % {
                "unit": self.commune.name
            }
        self.assertEqual(response.context["error"], expected)
        self.assertContains(response, expected)

    def test_a_reset_gives_every_leader_a_new_one_time_password(self) -> None:
        self.login(self.world.district_admin)
        before = slips(pdf_text(self.client.post(self.url).content))
        for username in before:
            user = User.objects.get(username=username)
            user.must_change_password = False
            user.save()
        after = slips(pdf_text(self.client.post(self.url, {"reset": "1"}).content))
        self.assertEqual(after.keys(), before.keys())
        for username, password in after.items():
            user = User.objects.get(username=username)
            self.assertNotEqual(password, before[username])
            self.assertTrue(user.check_password(password))
            self.assertFalse(user.check_password(before[username]))
            self.assertTrue(user.must_change_password)

    def test_a_commune_officer_may_not_issue_accounts(self) -> None:
        self.login(self.world.commune_officer)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertFalse(User.objects.filter(username__startswith="31618.").exists())

    def test_the_admin_of_another_district_does_not_see_the_commune(self) -> None:
        self.login(self.world.outsider)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.assertFalse(User.objects.filter(username__startswith="31618.").exists())


class FirstSignInTestCase(BaseTestCase):
    def test_an_issued_account_must_choose_its_own_password_at_first_sign_in(self) -> None:
        (credential,) = examinee_credentials_issue(
            actor=self.world.district_admin, unit=self.world.an_thanh_1
        )
        response = self.client.post(
            reverse("login"), {"username": credential.username, "password": credential.password}
        )
        self.assertRedirects(response, reverse("home"), target_status_code=302)
        self.assertRedirects(self.client.get("/"), reverse("password_change"))
        new_password = "An-Thanh-1-Binh-2020"
        response = self.client.post(
            reverse("password_change"),
            {
                "old_password": credential.password,
                "new_password1": new_password,
                "new_password2": new_password,
            },
        )
        self.assertRedirects(response, reverse("home"))
        self.assertEqual(self.client.get("/").status_code, 200)
        user = User.objects.get(username=credential.username)
        self.assertFalse(user.must_change_password)
        self.assertFalse(user.check_password(credential.password))
