"""Files in the database (issue 20, point 1): every application server reaches them, and a
file is written in the transaction of the row that points to it."""

from __future__ import annotations

import datetime
import tempfile
from io import StringIO
from pathlib import Path

import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from sathach.core.models import Job, StoredFile
from sathach.core.storage import DatabaseStorage
from sathach.organization.testing import BaseTestCase


class DatabaseStorageTestCase(BaseTestCase):
    def test_the_default_storage_is_the_database(self) -> None:
        self.assertIsInstance(default_storage, DatabaseStorage)

    def test_a_file_is_saved_read_listed_and_deleted(self) -> None:
        name = default_storage.save("reports/2026/bao-cao.pdf", ContentFile(b"%PDF-1.7 \x00\xff"))
        self.assertEqual(name, "reports/2026/bao-cao.pdf")
        self.assertTrue(default_storage.exists(name))
        self.assertEqual(default_storage.size(name), 11)
        with default_storage.open(name) as file:
            self.assertEqual(file.read(), b"%PDF-1.7 \x00\xff")
        self.assertEqual(default_storage.listdir("reports"), (["2026"], []))
        self.assertEqual(default_storage.listdir("reports/2026"), ([], ["bao-cao.pdf"]))
        default_storage.delete(name)
        self.assertFalse(default_storage.exists(name))
        with self.assertRaises(FileNotFoundError):
            default_storage.open(name)

    def test_the_same_name_twice_keeps_both_files(self) -> None:
        first = default_storage.save("evidence/anh.jpg", ContentFile(b"one"))
        second = default_storage.save("evidence/anh.jpg", ContentFile(b"two"))
        self.assertNotEqual(first, second)
        self.assertEqual(default_storage.open(first).read(), b"one")
        self.assertEqual(default_storage.open(second).read(), b"two")

    def test_a_change_rolled_back_leaves_no_file_behind(self) -> None:
        with self.assertRaises(RuntimeError), transaction.atomic():
            job = Job.objects.create(kind="certificates", unit=self.world.district)
            job.result.save("bao-cao.xlsx", ContentFile(b"PK\x03\x04"))
            raise RuntimeError("the request failed after the file was written")
        self.assertFalse(StoredFile.objects.exists())

    def test_its_signed_address_serves_the_file_to_a_signed_in_user_only(self) -> None:
        name = default_storage.save("questions/2026/hinh 1.png", ContentFile(b"\x89PNG..."))
        url = default_storage.url(name)
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(self.world.leader)
        answer = self.client.get(url)
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.content, b"\x89PNG...")
        self.assertEqual(answer["Content-Type"], "image/png")
        self.assertEqual(self.client.get(url[:-3] + "abc").status_code, 404)
        # A page prepared days before the test still shows its pictures.
        with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=9)):
            self.client.force_login(self.world.leader)
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_files_of_an_older_installation_are_imported_once(self) -> None:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            folder = Path(media) / "evidence" / "2026"
            folder.mkdir(parents=True)
            (folder / "bien-ban.pdf").write_bytes(b"%PDF-1.4 old")
            out = StringIO()
            call_command("files", "import-media", stdout=out)
            self.assertIn("1 files copied", out.getvalue())
            call_command("files", "import-media", stdout=out)
            self.assertIn("0 files copied", out.getvalue())
        self.assertEqual(default_storage.open("evidence/2026/bien-ban.pdf").read(), b"%PDF-1.4 old")
