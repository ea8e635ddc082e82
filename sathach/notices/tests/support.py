"""A session of the Cù Lao Dung campaign for the notices' tests, a real SMTP server and a
local HTTP server standing in for the SMS/Zalo gateway."""

from __future__ import annotations

import datetime
import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from django.test import TransactionTestCase

from sathach.campaigns.models import Campaign
from sathach.campaigns.tests.factories import make_campaign
from sathach.exams.models import ExamSession
from sathach.organization.testing import World

OPENS_AT = datetime.datetime(
    2026, 12, 8, 8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
)


def make_session(world: World, opens_at: datetime.datetime = OPENS_AT) -> ExamSession:
    """Ca 1 of 8/12/2026 08:30 (Hanoi time), with the Đại Ân 1 chairman (e-mail and phone)
    and the An Thạnh 1 chairman (e-mail only)."""
    campaign = make_campaign(world, status=Campaign.Status.TESTING)
    session = ExamSession.objects.create(
        campaign=campaign,
        name="Ca 1",
        room="Phòng máy UBND huyện",
        opens_at=opens_at,
        closes_at=opens_at + datetime.timedelta(minutes=30),
        access_code="ABC123",
        status=ExamSession.Status.SCHEDULED,
    )
    world.leader_person.email = "ngan.tt@daian1.example"
    world.leader_person.phone = "0912345678"
    world.leader_person.save()
    world.an_thanh_1_chairman.email = "binh.nv@anthanh1.example"
    world.an_thanh_1_chairman.save()
    session.examinees.set([world.leader_person, world.an_thanh_1_chairman])
    return session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """aiosmtpd's handler: keeps what the server received."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class Gateway:
    """The provider: refuses the first `failures` requests with HTTP 500 and a body, then
    accepts; keeps each request's headers and body."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests: list[tuple[dict[str, str], bytes]] = []


@contextmanager
def gateway_server(failures: int = 0) -> Iterator[tuple[Gateway, str]]:
    gateway = Gateway(failures)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            gateway.requests.append((dict(self.headers), body))
            if len(gateway.requests) <= gateway.failures:
                answer = b'{"error": "provider busy, try later"}'
                self.send_response(500)
            else:
                answer = b'{"status": "accepted"}'
                self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, f"http://127.0.0.1:{server.server_address[1]}/send"
    finally:
        server.shutdown()
        server.server_close()


class WorkerTestCase(TransactionTestCase):
    """Tests that run the background worker: its db_worker closes the database connection,
    which a TestCase's open transaction cannot survive on PostgreSQL."""

    world: World

    def setUp(self) -> None:
        self.world = World()

    def login(self, user: Any) -> None:
        self.client.force_login(user)
