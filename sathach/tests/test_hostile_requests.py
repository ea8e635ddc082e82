"""Hostile requests and files read as what they are (issue 15, points 2 and 3): a body cut
off before its Content-Length, bodies too large (refused unread), malformed JSON, text that
is not GIFT or Aiken, Moodle XML with entities. Each gets a clear Vietnamese answer, nothing
is stored and the server answers normally afterwards."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlencode

from django.test import SimpleTestCase
from django.urls import reverse

from sathach.exams import formats
from sathach.exams.models import Question
from sathach.organization.models import Person
from sathach.organization.testing import BaseTestCase

CUT_OFF = "Dữ liệu gửi lên bị cắt ngang"
TOO_LARGE = "lớn hơn"


class Unreadable(io.RawIOBase):
    """A body that fails the test if anyone reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    readline = read  # type: ignore[assignment]


def unreadable(length: int) -> dict[str, Any]:
    """A Content-Length and a body that fails the test if read."""
    return {"CONTENT_LENGTH": str(length), "wsgi.input": Unreadable()}


class RequestBodyTests(BaseTestCase):
    def person_body(self, person: Person, name: str) -> bytes:
        fields = {
            "gender": person.gender,
            "unit": person.unit_id,
            "position": person.position,
            "phone": person.phone,
            "email": person.email,
            "full_name": name,
        }
        return urlencode({k: v for k, v in fields.items() if v not in (None, "")}).encode()

    def post_raw(self, url: str, body: bytes, length: int) -> Any:
        extra: dict[str, Any] = {"CONTENT_LENGTH": str(length), "wsgi.input": io.BytesIO(body)}
        return self.client.generic(
            "POST", url, b"x", content_type="application/x-www-form-urlencoded", **extra
        )

    def test_a_body_cut_off_before_its_length_is_refused_and_stores_nothing(self) -> None:
        self.login(self.world.district_admin)
        person = self.world.leader_person
        old_name = person.full_name
        url = reverse("person-edit", args=[person.pk])
        body = self.person_body(person, "Nguyễn Văn Đức Trọng")
        cut = body[: body.index(b"Tr") + 4]  # ends in "Tr%E"
        response = self.post_raw(url, cut, len(body))
        self.assertContains(response, CUT_OFF, status_code=400)
        person.refresh_from_db()
        self.assertEqual(person.full_name, old_name)
        # The whole body is executed as before.
        response = self.post_raw(url, body, len(body))
        self.assertEqual(response.status_code, 302)
        person.refresh_from_db()
        self.assertEqual(person.full_name, "Nguyễn Văn Đức Trọng")

    def test_a_large_anonymous_body_is_refused_unread(self) -> None:
        response = self.client.generic(
            "POST",
            reverse("login"),
            b"x",
            content_type="application/x-www-form-urlencoded",
            **unreadable(12 * 2**20),  # 12 MB, as in the issue
        )
        self.assertContains(response, TOO_LARGE, status_code=413)
        self.assertEqual(self.client.get(reverse("login")).status_code, 200)

    def test_uploads_above_the_limit_are_refused_unread(self) -> None:
        self.login(self.world.district_admin)
        for url, megabytes in (("signature-verify", 100), ("question-import", 50)):
            with self.subTest(url):
                response = self.client.generic(
                    "POST",
                    reverse(url),
                    b"x",
                    content_type="multipart/form-data; boundary=xyz",
                    **unreadable(megabytes * 2**20),
                )
                self.assertContains(response, "21 MB", status_code=413)
        self.assertEqual(self.client.get(reverse("signature-verify")).status_code, 200)


class JsonEndpointTests(BaseTestCase):
    def test_the_signing_api_login_answers_400_to_json_that_is_not_an_object(self) -> None:
        url = reverse("remote-sign-login")
        for body in ("[]", '"chuỗi"', "[" * 10_000 + "]" * 10_000, "{không phải JSON"):
            with self.subTest(body[:10]):
                response = self.client.post(url, body, content_type="application/json")
                self.assertEqual(response.status_code, 400)
                self.assertIn("Hãy gửi một đối tượng JSON", response.json()["error"])
        good = json.dumps({"username": "khongco", "password": "sai"})
        response = self.client.post(url, good, content_type="application/json")
        self.assertEqual(response.status_code, 401)


class ReadAsWhatItIsTests(SimpleTestCase):
    def test_a_csv_or_plain_text_is_not_read_as_gift(self) -> None:
        for text in ("ho_ten,don_vi\nNguyễn Văn An,An Thạnh 1\n", "Kính gửi Ủy ban.\n"):
            result = formats.read(text.encode(), "gift")
            self.assertEqual(result.questions, [])
            self.assertIn("Tệp không phải là tệp câu hỏi GIFT", result.errors[0].message)

    def test_text_without_an_answer_line_is_not_read_as_aiken(self) -> None:
        result = formats.read("Câu 1?\nA. Có\nB. Không\n".encode(), "aiken")
        self.assertEqual(result.questions, [])
        self.assertIn("không phải là tệp câu hỏi Aiken", result.errors[0].message)

    def test_moodle_xml_with_entities_is_refused(self) -> None:
        external = (
            '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<quiz><question type='essay'><name><text>&x;</text></name></question></quiz>"
        )
        laughs = (
            '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "ha">'
            + "".join(
                f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
            )
            + "]><quiz>&j;</quiz>"
        )
        for document in (external, laughs):
            result = formats.read(document.encode(), "moodle-xml")
            self.assertEqual(result.questions, [])
            self.assertIn("DOCTYPE", result.errors[0].message)


class QuestionImportPageTests(BaseTestCase):
    def test_a_two_line_csv_stores_no_question(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login(self.world.district_admin)
        before = Question.objects.count()
        upload = SimpleUploadedFile("cau-hoi.txt", "cau_hoi,dap_an\nThủ đô?,Hà Nội\n".encode())
        response = self.client.post(reverse("question-import"), {"file": upload, "bank": "Tin học"})
        self.assertContains(response, "Tệp không phải là tệp câu hỏi GIFT")
        self.assertEqual(Question.objects.count(), before)
        self.assertNotIn("question_import", self.client.session)
