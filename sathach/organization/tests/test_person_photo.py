"""A leader's photo for the exam card (issue 19, point 3): uploaded on the person's form,
kept as a small upright JPEG without metadata, shown only to those who may see the person."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase

ORIENTATION = 0x0112
GPS = 0x8825


def jpeg(width: int, height: int, *, rotated: bool = False, colour: str = "navy") -> bytes:
    """A phone's picture: with `rotated`, stored sideways with the EXIF orientation that
    turns it upright (6: rotate 90° clockwise), and a GPS tag."""
    image = Image.new("RGB", (width, height), colour)
    exif = Image.Exif()
    exif[GPS] = {1: "N"}
    if rotated:
        exif[ORIENTATION] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


class PersonPhotoTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.person = self.w.leader_person
        self.client.force_login(self.w.district_admin)
        self.url = reverse("person-edit", args=[self.person.pk])

    def post(self, **extra: Any) -> Any:
        data = {
            "full_name": self.person.full_name,
            "gender": self.person.gender,
            "unit": self.person.unit_id,
            "position": self.person.position,
            "phone": "",
            "email": "",
            **extra,
        }
        return self.client.post(self.url, data)

    def test_a_sideways_phone_picture_is_kept_upright_small_and_without_its_metadata(
        self,
    ) -> None:
        answer = self.post(photo=SimpleUploadedFile("anh.jpg", jpeg(1600, 1200, rotated=True)))
        self.assertEqual(answer.status_code, 302)
        self.person.refresh_from_db()
        with self.person.photo.open("rb") as file, Image.open(file) as kept:
            self.assertEqual(kept.format, "JPEG")
            # Stored 1600 wide and 1200 high, turned upright: 600 wide and 800 high at most.
            self.assertEqual(kept.size, (600, 800))
            self.assertEqual(dict(kept.getexif()), {})
        shown = self.client.get(reverse("person-photo", args=[self.person.pk]))
        self.assertEqual(shown["Content-Type"], "image/jpeg")
        self.assertTrue(shown.getvalue().startswith(b"\xff\xd8"))
        entry = AuditEntry.objects.filter(action="person.updated").latest("seq")
        self.assertEqual(entry.summary["after"]["photo"], True)
        form = self.client.get(self.url)
        self.assertContains(form, reverse("person-photo", args=[self.person.pk]))

    def test_a_file_that_is_not_a_picture_is_refused_in_vietnamese_and_changes_nothing(
        self,
    ) -> None:
        answer = self.post(
            photo=SimpleUploadedFile("anh.jpg", b"%PDF-1.7 not a picture"), phone="0912345678"
        )
        self.assertEqual(answer.status_code, 200)
        self.assertContains(answer, "Tệp này không phải là ảnh đọc được.")
        self.person.refresh_from_db()
        self.assertFalse(self.person.photo)
        self.assertEqual(self.person.phone, "")

    def test_a_picture_too_small_to_print_is_refused(self) -> None:
        answer = self.post(photo=SimpleUploadedFile("anh.png", jpeg(40, 50)))
        self.assertContains(answer, "quá nhỏ")

    def test_the_photo_can_be_removed(self) -> None:
        self.post(photo=SimpleUploadedFile("anh.jpg", jpeg(300, 400)))
        self.post(remove_photo="on")
        self.person.refresh_from_db()
        self.assertFalse(self.person.photo)
        self.assertEqual(
            self.client.get(reverse("person-photo", args=[self.person.pk])).status_code, 404
        )

    def test_another_district_cannot_see_the_photo(self) -> None:
        self.post(photo=SimpleUploadedFile("anh.jpg", jpeg(300, 400)))
        self.client.force_login(self.w.outsider)
        answer = self.client.get(reverse("person-photo", args=[self.person.pk]))
        self.assertEqual(answer.status_code, 404)
