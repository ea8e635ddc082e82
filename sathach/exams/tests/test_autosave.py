"""The autosave served in front of Django (sathach.wsgi): the same replies as the view,
over a real WSGI call."""

from __future__ import annotations

import io
import json
from typing import Any
from unittest import mock

from django.core.cache import cache
from django.db import OperationalError
from django.urls import reverse

from sathach.core.testing import BaseTestCase
from sathach.exams.autosave import MAX_BODY, AutosaveApplication
from sathach.exams.models import Attempt
from sathach.exams.services.attempts import attempt_start
from sathach.exams.tests.factories import make_exam
from sathach.wsgi import application


class Reply:
    def __init__(self) -> None:
        self.status = ""
        self.headers: dict[str, str] = {}
        self.body = b""

    def start_response(self, status: str, headers: list[tuple[str, str]]) -> None:
        self.status = status
        self.headers = dict(headers)

    def json(self) -> Any:
        return json.loads(self.body)


def call(app: Any, method: str, path: str, body: bytes = b"", length: str | None = None) -> Reply:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)) if length is None else length,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    reply = Reply()
    reply.body = b"".join(app(environ, reply.start_response))
    return reply


class AutosaveApplicationTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        session = make_exam(self.world)
        attempt = Attempt.objects.get(session=session, person=self.world.leader_person)
        self.attempt = attempt_start(
            user=self.world.leader, attempt=attempt, access_code=session.access_code
        )
        self.url = reverse("attempt-save", args=[self.attempt.pk])

    def save(self, answers: list[dict[str, Any]], token: str | None = None) -> Reply:
        body = json.dumps({"t": token or self.attempt.token, "a": answers}).encode()
        return call(application, "POST", self.url, body)

    def test_an_answer_is_stored_and_acknowledged_with_the_security_headers(self) -> None:
        reply = self.save([{"p": 2, "s": 4, "r": {"choice": 1}, "f": True}])
        self.assertEqual(reply.status, "200 OK")
        self.assertEqual(reply.json()["state"], "open")
        self.assertEqual(reply.json()["ack"], {"2": 4})
        self.assertGreater(reply.json()["left"], 0)
        self.assertEqual(reply.headers["Content-Length"], str(len(reply.body)))
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        self.assertEqual(reply.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(reply.headers["Cache-Control"], "no-store")
        self.assertNotIn("Set-Cookie", reply.headers)
        item = self.attempt.items.get(position=2)
        self.assertEqual((item.seq, item.response, item.flagged), (4, {"choice": 1}, True))

    def test_a_forged_token_is_told_and_saves_nothing(self) -> None:
        reply = self.save([{"p": 1, "s": 1, "r": {"choice": 0}}], token="forged")
        self.assertEqual(
            reply.json(), {"state": "taken_over", "left": reply.json()["left"], "ack": {}}
        )
        self.assertIsNone(self.attempt.items.get(position=1).response)

    def test_bad_bodies_get_a_status_and_change_nothing(self) -> None:
        for body, status in [
            (b"nope", "400 Bad Request"),
            (b"{}", "400 Bad Request"),
            (b"[1]", "400 Bad Request"),
            (b'{"t": "x", "a": 5}', "400 Bad Request"),
        ]:
            with self.subTest(body=body):
                reply = call(application, "POST", self.url, body)
                self.assertEqual((reply.status, reply.json()), (status, {"state": "error"}))
        too_long = call(application, "POST", self.url, b"", length=str(MAX_BODY + 1))
        self.assertEqual(too_long.status, "413 Content Too Large")
        no_length = call(application, "POST", self.url, b"", length="x")
        self.assertEqual(no_length.status, "400 Bad Request")
        self.assertFalse(self.attempt.items.exclude(response=None).exists())

    def test_a_database_failure_is_logged_and_answered_so_that_the_browser_resends(
        self,
    ) -> None:
        with (
            mock.patch(
                "sathach.exams.autosave.attempt_save_answers",
                side_effect=OperationalError("server closed the connection"),
            ),
            self.assertLogs("sathach.exams.autosave", "ERROR") as logs,
        ):
            reply = self.save([{"p": 1, "s": 1, "r": {"choice": 0}}])
        self.assertEqual(
            (reply.status, reply.json()), ("503 Service Unavailable", {"state": "error"})
        )
        self.assertIn(f"Autosave of attempt {self.attempt.pk} failed", logs.output[0])

    def test_everything_else_goes_to_django(self) -> None:
        seen: list[str] = []

        def django_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            seen.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
            start_response("204 No Content", [])
            return []

        app = AutosaveApplication(django_app)
        call(app, "GET", self.url)
        call(app, "POST", self.url + "x/")
        call(app, "POST", "/thi/abc/luu/")
        self.assertEqual(seen, [f"GET {self.url}", f"POST {self.url}x/", "POST /thi/abc/luu/"])
        # Through Django, the same addresses answer as its URLs say.
        self.assertEqual(call(application, "GET", self.url).status.split()[0], "405")
        self.assertEqual(call(application, "POST", self.url + "x/").status.split()[0], "404")
