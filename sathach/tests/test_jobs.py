from __future__ import annotations

from django.urls import reverse

from sathach.core.jobs import job_advance, job_begin, job_create, job_fail, job_finish
from sathach.core.models import Job
from sathach.organization.testing import BaseTestCase


class JobPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.job = job_create(
            actor=self.world.district_admin,
            kind=Job.Kind.REGRADE,
            unit=self.world.district,
            total=4,
            next_url="/audit/",
        )
        self.url = reverse("job-detail", args=[self.job.pk])

    def test_the_page_shows_the_progress_and_refreshes_until_the_job_is_finished(self) -> None:
        job = job_begin(self.job.pk, Job.Kind.REGRADE)
        assert job is not None
        job_advance(job)
        self.login(self.world.district_admin)
        response = self.client.get(self.url)
        self.assertContains(response, "25%")
        self.assertContains(response, 'data-live-url="')
        part = self.client.get(self.url, headers={"X-Requested-With": "fetch"})
        self.assertNotContains(part, "<html")
        job_finish(job, message="Xong.")
        response = self.client.get(self.url)
        self.assertContains(response, "100%")
        self.assertContains(response, 'href="/audit/"')
        self.assertNotContains(response, "data-live-url")

    def test_a_failed_job_shows_its_error_in_vietnamese(self) -> None:
        job_fail(self.job, "Không mở được ngân hàng câu hỏi.")
        self.login(self.world.district_admin)
        self.assertContains(self.client.get(self.url), "Không mở được ngân hàng câu hỏi.")

    def test_a_job_is_taken_up_once(self) -> None:
        self.assertIsNotNone(job_begin(self.job.pk, Job.Kind.REGRADE))
        self.assertIsNone(job_begin(self.job.pk, Job.Kind.REGRADE))

    def test_holders_of_the_permission_over_the_unit_see_the_job_others_do_not(self) -> None:
        for user, status in (
            (self.world.province_admin, 200),
            # Holders of another job's right: not theirs, as if it did not exist.
            (self.world.council, 404),
            (self.world.commune_officer, 404),
            (self.world.outsider, 404),  # another district's administrator
            (self.world.nobody, 403),
        ):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, status)

    def test_a_job_out_of_reach_answers_as_a_job_that_does_not_exist(self) -> None:
        # Job numbers are sequential: whether one exists is not told to those who may not see it.
        missing = reverse("job-detail", args=[987654321])
        for user, status in (
            (self.world.council, 404),
            (self.world.outsider, 404),
            (self.world.proctor, 403),  # no right over any job: refused before any lookup
            (self.world.leader, 403),
            (self.world.nobody, 403),
        ):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, status)
                self.assertEqual(self.client.get(missing).status_code, status)

    def test_the_creator_sees_a_job_of_a_unit_outside_their_own(self) -> None:
        job = job_create(actor=self.world.outsider, kind=Job.Kind.REGRADE, unit=self.world.district)
        self.login(self.world.outsider)
        self.assertEqual(self.client.get(reverse("job-detail", args=[job.pk])).status_code, 200)

    def test_a_link_to_another_site_is_never_offered(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(next_url="https://example.com/")
        job_finish(self.job)
        self.login(self.world.district_admin)
        self.assertNotContains(self.client.get(self.url), "example.com")
