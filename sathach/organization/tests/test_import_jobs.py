"""A large units or people file is imported by the background worker (the real database
queue and worker: TransactionTestCase, because the worker commits and closes its
connection)."""

from __future__ import annotations

from typing import Any

from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from sathach.core.models import Job
from sathach.organization.models import Person
from sathach.organization.testing import World, run_task_worker
from sathach.organization.tests.test_transfer import GOOD_PERSON, xlsx
from sathach.organization.tests.test_transfer_views import upload


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    IMPORT_IN_REQUEST_BYTES=1,
)
class LargeImportTestCase(TransactionTestCase):
    def setUp(self) -> None:
        self.world = World()
        self.client.force_login(self.world.commune_officer)

    def post(self, rows: list[list[Any]]) -> Any:
        return self.client.post(reverse("person-import"), {"file": upload(xlsx(rows))})

    def test_a_large_file_is_imported_in_the_background(self) -> None:
        response = self.post([GOOD_PERSON])
        job = Job.objects.get(kind=Job.Kind.PEOPLE_IMPORT)
        self.assertRedirects(response, reverse("job-detail", args=[job.pk]))
        self.assertFalse(Person.objects.filter(full_name="Lê Thị Hồng").exists())

        run_task_worker()

        job.refresh_from_db()
        self.assertEqual((job.status, job.done, job.total, job.errors), ("done", 2, 2, []))
        self.assertTrue(
            Person.objects.filter(full_name="Lê Thị Hồng", unit=self.world.an_thanh_1).exists()
        )
        page = self.client.get(reverse("job-detail", args=[job.pk]))
        self.assertContains(page, "100%")
        self.assertContains(page, f'href="{reverse("person-list")}"')

    def test_a_large_file_that_is_not_a_workbook_is_refused_at_upload(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from sathach.core.jobs import job_files_dir
        from sathach.exams.tests.test_import_refusals import word_document

        waiting = set(job_files_dir().iterdir())
        csv = "ho_ten,don_vi\n" + "Lê Thị Hồng,31618\n" * 20_000
        for name, content in (
            ("can-bo.xlsx", csv.encode()),  # a CSV under an Excel name, about 0.5 MB
            ("can-bo.csv", csv.encode()),
            ("can-bo.xlsx", word_document()),  # a zip, but a Word file
        ):
            with self.subTest(name=name):
                upload = SimpleUploadedFile(name, content)
                response = self.client.post(reverse("person-import"), {"file": upload})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'class="field invalid"')
        self.assertFalse(Job.objects.exists())
        self.assertEqual(set(job_files_dir().iterdir()), waiting)

    def test_bad_rows_fail_the_job_with_their_row_and_column_and_store_nothing(self) -> None:
        people = Person.objects.count()
        self.post([GOOD_PERSON, ["", "Trương Thị Lan", "Nữ", "31618", "Văn thư", "12", ""]])
        run_task_worker()
        job = Job.objects.get(kind=Job.Kind.PEOPLE_IMPORT)
        self.assertEqual(job.status, "failed")
        # The bad row with its row and column (letter and title), then the verdict.
        self.assertEqual(
            job.errors[0], "Dòng 3, cột F (Điện thoại): Số điện thoại gồm 9 đến 12 chữ số."
        )
        self.assertEqual(len(job.errors), 2, job.errors)
        self.assertEqual(Person.objects.count(), people)
        page = self.client.get(reverse("job-detail", args=[job.pk]))
        self.assertContains(page, "Điện thoại")
        self.assertContains(page, f'href="{reverse("person-import")}"')

    def test_another_commune_officer_cannot_see_the_job(self) -> None:
        self.post([GOOD_PERSON])
        job = Job.objects.get(kind=Job.Kind.PEOPLE_IMPORT)
        self.client.force_login(self.world.leader)
        self.assertEqual(self.client.get(reverse("job-detail", args=[job.pk])).status_code, 403)
