from __future__ import annotations

import io
import zipfile
from typing import Any

from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sathach.core.models import Job
from sathach.organization.testing import World, run_task_worker
from sathach.reports.models import CertificateFile
from sathach.reports.tests.certificates import PIN, TemporaryMedia, awarded_campaign
from sathach.signatures.services import certificate_chain
from sathach.signatures.trust import installed_trust_roots
from sathach.signatures.validation import validate_pdf


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class CertificateJobTestCase(TemporaryMedia, TransactionTestCase):
    """A real database queue and worker: TransactionTestCase, because the worker commits."""

    def setUp(self) -> None:
        self.media_start()
        self.addCleanup(self.media_stop)
        self.world = World()
        self.w: Any = self.world
        self.campaign, self.token = awarded_campaign(self.world)

    def page(self) -> str:
        return reverse("report-certificates", args=[self.campaign.pk])

    def start(self, pin: str = PIN) -> Any:
        self.client.force_login(self.w.district_admin)
        return self.client.post(self.page(), {"pin": pin})

    def test_the_batch_runs_in_the_worker_and_offers_a_zip_of_valid_certificates(self) -> None:
        response = self.start()
        job = Job.objects.get()
        self.assertRedirects(
            response, reverse("report-certificates-job", args=[self.campaign.pk, job.pk])
        )
        # Queued in the database, without the PIN anywhere in clear.
        task = DBTaskResult.objects.get()
        self.assertEqual(task.args_kwargs, {"args": [job.pk], "kwargs": {}})
        self.assertNotIn(PIN.encode(), bytes(job.secret))
        self.assertTrue(job.secret)
        waiting = self.client.get(response["Location"])
        self.assertContains(waiting, 'data-live-url="')
        self.assertContains(waiting, "0%")

        run_task_worker()

        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.DONE)
        self.assertEqual((job.done, job.total, job.errors), (3, 3, []))
        self.assertEqual(bytes(job.secret), b"")
        part = self.client.get(response["Location"], headers={"X-Requested-With": "fetch"})
        self.assertContains(part, "100%")
        self.assertNotContains(part, "<html")
        zipped = self.client.get(
            reverse("report-certificates-zip", args=[self.campaign.pk, job.pk])
        )
        self.assertEqual(zipped["Content-Type"], "application/zip")
        content = b"".join(zipped.streaming_content)  # type: ignore[attr-defined]
        archive = zipfile.ZipFile(io.BytesIO(content))
        self.assertEqual(archive.namelist(), ["giay-khen-01-31606.pdf", "giay-khen-02-31627.pdf"])
        for name in archive.namelist():
            verdict = validate_pdf(
                archive.read(name),
                trust_roots=installed_trust_roots(),
                other_certs=certificate_chain(),
                signer=bytes(self.token.certificate),
                require_visible=True,
            )
            self.assertTrue(verdict.valid, verdict.reasons)
        stored = CertificateFile.objects.filter(job=job).order_by("award__position").first()
        assert stored is not None
        single = self.client.get(
            reverse("report-certificate-pdf", args=[self.campaign.pk, stored.pk])
        )
        self.assertEqual(single["Content-Type"], "application/pdf")
        self.assertIn("giay-khen-01-31606.pdf", single["Content-Disposition"])
        overview = self.client.get(self.page())
        self.assertContains(overview, "Thị trấn Cù Lao Dung")

    def test_the_job_page_says_it_finished_and_lists_the_certificates_in_ranking_order(
        self,
    ) -> None:
        response = self.start()
        waiting = self.client.get(response["Location"])
        self.assertContains(waiting, "Đang chờ ký Giấy khen")

        run_task_worker()

        for headers in ({}, {"X-Requested-With": "fetch"}):  # the page, then live.js's part
            with self.subTest(headers=headers):
                page = self.client.get(response["Location"], headers=headers)
                self.assertContains(page, "Đã xong: đã ký 2 Giấy khen.")
                self.assertNotContains(page, "Đang ký")
                # The part tells live.js to stop fetching it.
                self.assertContains(page, "data-live-final")
                self.assertNotContains(page, "data-live-url")
                text = page.content.decode()
                first, second = (
                    text.index(name) for name in ("Thị trấn Cù Lao Dung", "Xã Đại Ân 1")
                )
                self.assertLess(first, second)
                self.assertContains(page, "hạng 1")

    def test_a_batch_that_breaks_says_it_finished_without_certificates(self) -> None:
        from unittest import mock

        response = self.start()
        with (
            mock.patch(
                "sathach.reports.jobs.award_certificate_sign", side_effect=RuntimeError("hỏng")
            ),
            self.assertLogs("sathach.core.jobs", "ERROR"),
        ):
            run_task_worker()
        job = Job.objects.get()
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertEqual(bytes(job.secret), b"")
        page = self.client.get(response["Location"])
        self.assertContains(page, "Đã xong: không ký được Giấy khen.")
        self.assertContains(page, "lỗi ngoài dự kiến")
        self.assertNotContains(page, "Đang ký")
        self.assertNotContains(page, "data-live-url")

    def test_a_wrong_pin_is_refused_in_the_request_and_queues_nothing(self) -> None:
        response = self.start("000000")
        self.assertContains(response, "Mã PIN không đúng")
        self.assertFalse(Job.objects.exists())
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_batch_left_waiting_too_long_refuses_its_pin(self) -> None:
        self.start()
        with override_settings(SIGNING_JOB_TTL=-1):
            run_task_worker()
        job = Job.objects.get()
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertIn("nhập lại mã PIN", job.errors[0])
        self.assertEqual(bytes(job.secret), b"")
        self.assertFalse(CertificateFile.objects.exists())

    def test_only_district_roles_reach_the_certificates(self) -> None:
        self.start()
        run_task_worker()
        job = Job.objects.get()
        stored = CertificateFile.objects.first()
        assert stored is not None
        urls = [
            self.page(),
            reverse("report-certificates-job", args=[self.campaign.pk, job.pk]),
            reverse("report-certificates-zip", args=[self.campaign.pk, job.pk]),
            reverse("report-certificate-pdf", args=[self.campaign.pk, stored.pk]),
        ]
        for persona, expected in [
            ("council", 200),
            ("commune_officer", 403),
            ("examinee", 403),
            ("outsider", 404),
        ]:
            self.client.force_login(self.world.personas()[persona])
            for url in urls:
                response = self.client.get(url)
                self.assertEqual(response.status_code, expected, (persona, url))
        self.client.force_login(self.w.commune_officer)
        self.client.post(self.page(), {"pin": PIN})
        self.assertEqual(Job.objects.count(), 1)
