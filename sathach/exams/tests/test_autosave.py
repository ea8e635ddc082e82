"""The application gunicorn serves (sathach.asgi), over real ASGI calls: on PostgreSQL the
autosave answered in front of Django, the same replies as the view, and the batches of
concurrent saves over the autosave's own connection; everything else (and the autosave on
SQLite) to Django's WSGI handler in threads. Committed data, hence TransactionTestCase."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.test import TransactionTestCase
from django.urls import reverse

from sathach.asgi import django_application
from sathach.core.threaded_wsgi import ThreadedWSGI
from sathach.exams.autosave import MAX_BODY, AutosaveApplication
from sathach.exams.models import Attempt
from sathach.exams.services import save_batches
from sathach.exams.services.attempts import attempt_start
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import World

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the batches are PostgreSQL's path"
)


class Reply:
    def __init__(self, messages: list[dict[str, Any]]) -> None:
        start = next(m for m in messages if m["type"] == "http.response.start")
        self.status: int = start["status"]
        self.headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        self.body = b"".join(m.get("body", b"") for m in messages if m["type"].endswith("body"))

    def json(self) -> Any:
        return json.loads(self.body)


async def call(
    app: Any, method: str, path: str, body: bytes = b"", length: bytes | None = None
) -> Reply:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode() if length is None else length),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if chunks:
            return chunks.pop()
        await asyncio.Event().wait()  # the client stays until the response is sent
        raise AssertionError

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return Reply(sent)


class AutosaveApplicationTestCase(TransactionTestCase):
    def setUp(self) -> None:
        world = World()
        session = make_exam(world)
        self.attempts = []
        for person in [world.leader_person, world.an_thanh_1_chairman]:
            person.refresh_from_db()
            attempt = Attempt.objects.get(session=session, person=person)
            self.attempts.append(
                attempt_start(user=person.user, attempt=attempt, access_code=session.access_code)
            )
        self.attempt = self.attempts[0]

    def run_app(self, scenario: Callable[[AutosaveApplication], Awaitable[Any]]) -> Any:
        """Run `scenario` with a new application on one event loop, as a server's process
        does, and close its autosave connection at the end."""
        app = AutosaveApplication(ThreadedWSGI(django_application, threads=1, max_body=MAX_BODY))

        async def main() -> Any:
            try:
                return await scenario(app)
            finally:
                if app.batcher is not None:
                    await app.batcher.close()
                await app.pages.run_sync(connections.close_all)
                app.pages.executor.shutdown()

        return asyncio.run(main())

    @staticmethod
    def body(attempt: Attempt, answers: list[dict[str, Any]], token: str | None = None) -> bytes:
        return json.dumps({"t": token or attempt.token, "a": answers}).encode()

    def save(
        self, answers: list[dict[str, Any]], token: str | None = None
    ) -> Callable[[AutosaveApplication], Awaitable[Reply]]:
        url = reverse("attempt-save", args=[self.attempt.pk])
        return lambda app: call(app, "POST", url, self.body(self.attempt, answers, token))

    def test_an_answer_is_stored_and_acknowledged_with_the_security_headers(self) -> None:
        reply = self.run_app(self.save([{"p": 2, "s": 4, "r": {"choice": 1}, "f": True}]))
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json()["state"], "open")
        self.assertEqual(reply.json()["ack"], {"2": 4})
        self.assertGreater(reply.json()["left"], 0)
        self.assertEqual(reply.headers["content-length"], str(len(reply.body)))
        self.assertEqual(reply.headers["content-type"], "application/json")
        self.assertEqual(reply.headers["x-content-type-options"], "nosniff")
        self.assertIn("no-store", reply.headers["cache-control"])
        self.assertNotIn("set-cookie", reply.headers)
        item = self.attempt.items.get(position=2)
        self.assertEqual((item.seq, item.response, item.flagged), (4, {"choice": 1}, True))

    def test_a_foreign_token_is_answered_as_an_attempt_that_does_not_exist(self) -> None:
        # Another examinee's open attempt must reveal neither that it exists nor its time.
        other = self.attempts[1]
        answers = [{"p": 1, "s": 1, "r": {"choice": 0}}]

        async def scenario(app: AutosaveApplication) -> list[Reply]:
            return [
                await call(app, "POST", reverse("attempt-save", args=[pk]), body)
                for pk, body in [
                    (other.pk, self.body(other, answers, token=self.attempt.token)),
                    (other.pk, self.body(other, answers, token="forged")),
                    (other.pk, self.body(other, answers, token="giả mạo")),
                    (987654321, self.body(other, answers, token=self.attempt.token)),
                ]
            ]

        replies = self.run_app(scenario)
        missing = replies[-1]
        self.assertEqual(
            (missing.status, missing.json()), (200, {"state": "unknown", "left": 0, "ack": {}})
        )
        for reply in replies[:-1]:
            self.assertEqual((reply.status, reply.body), (missing.status, missing.body))
        self.assertIsNone(other.items.get(position=1).response)

    def test_bad_bodies_get_a_status_and_change_nothing(self) -> None:
        url = reverse("attempt-save", args=[self.attempt.pk])

        async def scenario(app: AutosaveApplication) -> list[tuple[int, Any]]:
            replies = []
            for body in [b"nope", b"{}", b"[1]", b'{"t": "x", "a": 5}', b"[" * 100000]:
                reply = await call(app, "POST", url, body)
                replies.append((reply.status, reply.json()))
            too_long = await call(app, "POST", url, b" " * (MAX_BODY + 1))
            replies.append((too_long.status, None))
            return replies

        replies = self.run_app(scenario)
        error = {"state": "error"}
        self.assertEqual(replies, [(400, error)] * 5 + [(413, None)])
        self.assertFalse(self.attempt.items.exclude(response=None).exists())

    def test_a_nul_character_in_an_answer_is_skipped_not_stored(self) -> None:
        # PostgreSQL's jsonb cannot store it: the save would fail again at every resend.
        reply = self.run_app(
            self.save([{"p": 1, "s": 1, "r": {"text": "a\x00b"}}, {"p": 2, "s": 1, "r": {}}])
        )
        self.assertEqual((reply.status, reply.json()["ack"]), (200, {"2": 1}))
        self.assertIsNone(self.attempt.items.get(position=1).response)

    def test_an_answer_no_question_takes_is_refused_by_name_and_the_rest_stored(self) -> None:
        reply = self.run_app(
            self.save(
                [
                    {"p": 1, "s": 3, "r": {"choices": list(range(25))}},
                    {"p": 2, "s": 1, "r": {"choice": 1}},
                    {"p": 3, "s": 2, "r": {"text": "x" * 5000}},
                ]
            )
        )
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json()["ack"], {"2": 1})
        self.assertEqual(reply.json()["bad"], {"1": 3, "3": 2})
        self.assertIsNone(self.attempt.items.get(position=1).response)

    def test_an_answer_to_a_position_the_form_does_not_have_is_refused(self) -> None:
        count = self.attempt.items.count()
        reply = self.run_app(
            self.save(
                [
                    {"p": count + 1, "s": 4, "r": {"choice": 0}},
                    {"p": 30000, "s": 1, "r": {"choice": 0}},
                    {"p": count, "s": 2, "r": {"choice": 1}},
                ]
            )
        )
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json()["ack"], {str(count): 2})
        self.assertEqual(reply.json()["bad"], {str(count + 1): 4, "30000": 1})

    def test_a_lone_surrogate_is_refused_not_a_failed_save(self) -> None:
        answers = [
            {"p": 1, "s": 1, "r": {"text": "aSURROGATEb"}},
            {"p": 2, "s": 1, "r": {"choice": 0}},
        ]
        body = self.body(self.attempt, answers).replace(b"SURROGATE", b"\\ud800")
        url = reverse("attempt-save", args=[self.attempt.pk])
        reply = self.run_app(lambda app: call(app, "POST", url, body))
        self.assertEqual(reply.status, 200)
        self.assertEqual((reply.json()["ack"], reply.json()["bad"]), ({"2": 1}, {"1": 1}))
        self.assertEqual(self.attempt.items.get(position=2).response, {"choice": 0})

    @on_postgresql
    def test_a_database_failure_is_logged_and_answered_so_that_the_browser_resends(
        self,
    ) -> None:
        failure = OperationalError("server closed the connection")
        with (
            mock.patch.object(save_batches.SaveBatcher, "_connect", side_effect=failure),
            self.assertLogs("sathach.exams.autosave", "ERROR") as logs,
        ):
            reply = self.run_app(self.save([{"p": 1, "s": 1, "r": {"choice": 0}}]))
        self.assertEqual((reply.status, reply.json()), (503, {"state": "error"}))
        self.assertIn(f"Autosave of attempt {self.attempt.pk} failed", logs.output[0])

    def test_everything_else_goes_to_django_in_a_thread(self) -> None:
        seen: list[tuple[str, str, str, bytes, str]] = []

        def inner(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            seen.append(
                (
                    environ["REQUEST_METHOD"],
                    environ["PATH_INFO"],
                    environ["QUERY_STRING"],
                    environ["wsgi.input"].read(),
                    environ["REMOTE_ADDR"],
                )
            )
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"x" * 70000, b"y"]

        url = reverse("attempt-save", args=[self.attempt.pk])

        async def scenario(app: AutosaveApplication) -> list[Reply]:
            own = AutosaveApplication(ThreadedWSGI(inner, threads=1, max_body=10))
            replies = [await call(own, "POST", "/thi/abc/luu/", b"hello")]
            replies.append(await call(own, "POST", "/", b"more than ten"))
            # Through Django, the same addresses answer as its URLs say.
            replies += [await call(app, "GET", url), await call(app, "POST", url + "x/")]
            own.pages.executor.shutdown()
            return replies

        big, too_big, get, unknown = self.run_app(scenario)
        self.assertEqual(seen, [("POST", "/thi/abc/luu/", "", b"hello", "127.0.0.1")])
        self.assertEqual((big.status, big.body), (200, b"x" * 70000 + b"y"))
        self.assertEqual(big.headers["content-type"], "text/plain")
        self.assertEqual(too_big.status, 413)
        self.assertEqual((get.status, unknown.status), (405, 404))
        self.assertEqual(get.headers["content-length"], str(len(get.body)))

    def test_a_failing_application_gets_a_500_not_a_traceback(self) -> None:
        def broken(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            raise RuntimeError("bug")

        async def scenario(app: AutosaveApplication) -> Reply:
            own = AutosaveApplication(ThreadedWSGI(broken, threads=1, max_body=10))
            reply = await call(own, "GET", "/")
            own.pages.executor.shutdown()
            return reply

        with self.assertLogs("sathach.core.threaded_wsgi", "ERROR"):
            reply = self.run_app(scenario)
        self.assertEqual((reply.status, reply.body), (500, b"Internal Server Error"))

    def test_the_server_s_start_and_stop_are_answered(self) -> None:
        async def scenario(app: AutosaveApplication) -> list[str]:
            inbox = [{"type": "lifespan.shutdown"}, {"type": "lifespan.startup"}]
            sent: list[str] = []

            async def send(message: dict[str, Any]) -> None:
                sent.append(message["type"])

            async def receive() -> dict[str, Any]:
                return inbox.pop()

            await self.save([{"p": 1, "s": 1, "r": {"choice": 0}}])(app)
            await app({"type": "lifespan"}, receive, send)
            return sent

        self.assertEqual(
            self.run_app(scenario), ["lifespan.startup.complete", "lifespan.shutdown.complete"]
        )

    @on_postgresql
    def test_concurrent_saves_share_a_write_and_one_attempt_s_saves_keep_their_order(
        self,
    ) -> None:
        first, second = self.attempts
        urls = [reverse("attempt-save", args=[a.pk]) for a in self.attempts]
        writes: list[list[int]] = []
        write = save_batches.SaveBatcher._write

        async def counted(batcher: save_batches.SaveBatcher, batch: list[Any]) -> None:
            writes.append([save.attempt_id for save in batch])
            await write(batcher, batch)

        async def scenario(app: AutosaveApplication) -> list[Reply]:
            return list(
                await asyncio.gather(
                    call(app, "POST", urls[0], self.body(first, [{"p": 1, "s": 1, "r": {}}])),
                    call(app, "POST", urls[0], self.body(first, [{"p": 1, "s": 2, "r": None}])),
                    call(app, "POST", urls[1], self.body(second, [{"p": 3, "s": 7, "r": {}}])),
                    call(app, "POST", urls[1], self.body(second, [], token="forged")),
                )
            )

        with mock.patch.object(save_batches.SaveBatcher, "_write", counted):
            replies = self.run_app(scenario)
        self.assertEqual(
            [(r.status, r.json()["state"], r.json()["ack"]) for r in replies],
            [
                (200, "open", {"1": 1}),
                (200, "open", {"1": 2}),
                (200, "open", {"3": 7}),
                (200, "unknown", {}),
            ],
        )
        # The first write took one save of each attempt; the others waited for the next.
        self.assertEqual(writes, [[first.pk, second.pk], [first.pk, second.pk]])
        self.assertEqual(first.items.get(position=1).seq, 2)
        self.assertIsNone(first.items.get(position=1).response)
        self.assertEqual(second.items.get(position=3).seq, 7)

    @on_postgresql
    def test_a_failed_write_is_tried_again_save_by_save(self) -> None:
        first, second = self.attempts
        write = save_batches.SaveBatcher._write

        async def fails_together(batcher: save_batches.SaveBatcher, batch: list[Any]) -> None:
            await batcher._connect()  # the connection stays usable: a statement failed
            if len(batch) > 1 or batch[0].attempt_id == second.pk:
                raise OperationalError("deadlock detected")
            await write(batcher, batch)

        async def scenario(app: AutosaveApplication) -> list[Reply]:
            bodies = [
                (a, self.body(a, [{"p": 2, "s": 1, "r": {"choice": 2}}])) for a in self.attempts
            ]
            return list(
                await asyncio.gather(
                    *(
                        call(app, "POST", reverse("attempt-save", args=[a.pk]), body)
                        for a, body in bodies
                    )
                )
            )

        with (
            mock.patch.object(save_batches.SaveBatcher, "_write", fails_together),
            self.assertLogs("sathach.exams", "WARNING") as logs,
        ):
            replies = self.run_app(scenario)
        self.assertEqual([r.status for r in replies], [200, 503])
        self.assertIn("A write of 2 saves failed; writing them one by one", logs.output[0])
        self.assertEqual(first.items.get(position=2).response, {"choice": 2})
        self.assertIsNone(second.items.get(position=2).response)

    @on_postgresql
    def test_a_lost_connection_is_replaced_and_the_save_answered(self) -> None:
        # PostgreSQL restarted or the connection cut: the write is tried again on a new
        # connection, and the browser gets its acknowledgement, not a 503 and a pause.
        async def scenario(app: AutosaveApplication) -> list[int]:
            statuses = [(await self.save([{"p": 1, "s": 1, "r": {"choice": 0}}])(app)).status]
            assert app.batcher is not None
            pid = app.batcher._connection.info.backend_pid
            with connection.cursor() as cursor:  # another connection ends the autosave's
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for seq in (2, 3):
                reply = await self.save([{"p": 1, "s": seq, "r": {"choice": seq}}])(app)
                statuses.append(reply.status)
            return statuses

        with self.assertLogs("sathach.exams.services.save_batches", "WARNING"):
            statuses = self.run_app(scenario)
        self.assertEqual(statuses, [200, 200, 200])
        item = self.attempt.items.get(position=1)
        self.assertEqual((item.seq, item.response), (3, {"choice": 3}))
