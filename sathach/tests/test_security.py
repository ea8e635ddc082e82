"""What a refused request leaves in the log, the headers every page carries, and pages
without inline script for the Content-Security-Policy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse

from sathach.organization.testing import BaseTestCase
from sathach.tests.test_access import ACCESS, ANON, ROLES, build_access_world

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# A <script> that runs: any without src, except data (type="application/json").
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>")
HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)


class RefusalLogTestCase(BaseTestCase):
    def test_a_forbidden_page_logs_one_line_with_the_user_and_path(self) -> None:
        self.login(self.world.leader)
        url = reverse("audit-list")
        with self.assertLogs("django.request", "WARNING") as logs:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(len(logs.records), 1)
        record = logs.records[0]
        self.assertEqual(record.levelname, "WARNING")
        self.assertIsNone(record.exc_info)
        line = record.getMessage()
        self.assertEqual(line.count("\n"), 0)
        self.assertIn(self.world.leader.username, line)
        self.assertIn(url, line)
        self.assertIn("403", line)
        self.assertNotIn("Traceback", logs.output[0])


class SecurityHeadersTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_access_world(cls.world)

    def assert_headers(self, response: Any, what: str) -> None:
        # The views that frame their own PDFs allow their origin in both headers.
        framed = response.get("X-Frame-Options") == "SAMEORIGIN"
        self.assertEqual(
            response.get("Content-Security-Policy"),
            POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
            if framed
            else POLICY,
            what,
        )
        self.assertIn(response.get("X-Frame-Options"), ["DENY", "SAMEORIGIN"], what)
        self.assertEqual(response.get("X-Content-Type-Options"), "nosniff", what)
        self.assertEqual(response.get("Referrer-Policy"), "same-origin", what)

    def assert_no_inline_code(self, response: Any, what: str) -> None:
        page = response.content.decode()
        self.assertEqual(INLINE_SCRIPT.findall(page), [], what)
        self.assertEqual(HANDLER.findall(page), [], what)
        self.assertEqual(STYLE_ATTRIBUTE.findall(page), [], what)

    def test_every_page_of_every_role_has_the_headers_and_no_inline_code(self) -> None:
        checked = 0
        for name, (kwargs, _table) in ACCESS.items():
            url = reverse(name, kwargs=kwargs(self.world))
            for role in ROLES:
                self.client.logout()
                if role != ANON:
                    user = self.world.nobody if role == "nobody" else self.world.personas()[role]
                    self.client.force_login(user)
                response = self.client.get(url)
                what = f"{role} GET {url} ({response.status_code})"
                if response.get("Content-Type", "").startswith("application/pdf"):
                    self.assertNotIn("Content-Security-Policy", response, what)
                    continue
                self.assert_headers(response, what)
                if response.get("Content-Type", "").startswith("text/html"):
                    self.assert_no_inline_code(response, what)
                    checked += 1
        self.assertGreater(checked, 500)

    def test_the_examinees_test_pages_have_no_inline_code(self) -> None:
        from sathach.eoffice.services.tasks import task_start
        from sathach.exams.services.attempts import attempt_start

        world: Any = self.world
        attempt_start(
            user=world.leader, attempt=world.attempt, access_code=world.session.access_code
        )
        task_start(user=world.leader, task=world.eoffice_task)
        self.login(world.leader)
        document = world.eoffice_task.documents.order_by("position").first()
        for url in [
            reverse("attempt", args=[world.attempt.pk]),
            reverse("eoffice-inbox", args=[world.eoffice_task.pk]),
            reverse("eoffice-document", args=[world.eoffice_task.pk, document.position]),
            reverse("eoffice-finish", args=[world.eoffice_task.pk]),
        ]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assert_headers(response, url)
            self.assert_no_inline_code(response, url)
            self.assertContains(response, "core/site.js")

    def test_error_pages_and_json_have_the_headers(self) -> None:
        self.assert_headers(self.client.get("/khong-co-trang-nay/"), "404")
        self.login(self.world.leader)
        self.assert_headers(self.client.get(reverse("audit-list")), "403")
        save = self.client.post(reverse("attempt-save", args=[1]), "{}", "application/json")
        self.assert_headers(save, "autosave")

    def test_a_pdf_shown_in_a_frame_may_be_framed_by_our_pages_only(self) -> None:
        world: Any = self.world
        self.login(world.leader)
        url = reverse("eoffice-pdf", args=[world.eoffice_task.pk, 1])
        from sathach.eoffice.services.tasks import task_start

        task_start(user=world.leader, task=world.eoffice_task)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")


class TransportSecurityTestCase(SimpleTestCase):
    def test_behind_tls_cookies_are_secure_and_hsts_is_sent(self) -> None:
        # The settings read HTTPS once, at start: a fresh process with the deployment's
        # environment, a request as nginx forwards it over TLS.
        script = (
            "import django, json; django.setup()\n"
            "from django.conf import settings; from django.test import Client\n"
            "r = Client().get('/accounts/login/', headers={'X-Forwarded-Proto': 'https'})\n"
            "plain = Client().get('/accounts/login/')\n"
            "print(json.dumps({'status': r.status_code, 'hsts': r.get('Strict-Transport-Security'),"
            " 'csp': r.get('Content-Security-Policy'), 'csrf_secure': r.cookies['csrftoken']['secure'],"
            " 'session_secure': settings.SESSION_COOKIE_SECURE, 'redirect': plain.status_code,"
            " 'location': plain.get('Location')}))\n"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sathach.settings",
            "HTTPS": "true",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_HSTS_SECONDS": "63072000",
        }
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
            env=env,
        )
        import json

        seen = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(seen["status"], 200)
        self.assertEqual(seen["hsts"], "max-age=63072000")
        self.assertTrue(seen["csp"].endswith("; upgrade-insecure-requests"))
        self.assertTrue(seen["csrf_secure"])
        self.assertTrue(seen["session_secure"])
        self.assertEqual(
            (seen["redirect"], seen["location"]), (301, "https://testserver/accounts/login/")
        )

    def test_over_plain_http_there_is_no_hsts(self) -> None:
        self.assertFalse(settings.HTTPS)
        self.assertEqual(settings.SECURE_HSTS_SECONDS, 0)
