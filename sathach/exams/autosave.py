"""The autosave over HTTP, the request every examinee sends for every answer.

`AutosaveApplication` is the ASGI application that `sathach.asgi` serves in production
(gunicorn's asyncio worker: `make run`, the deployment, the bench). On PostgreSQL it
answers the autosave on the event loop, before Django's request cycle, and hands every other
request to Django (in threads, sathach.core.threaded_wsgi). The request is authenticated by
the attempt's token in its body, so sessions, the user, CSRF, the language, the middleware,
the URL resolver and the request and response objects have nothing to do for it; on two
cores they cost more than the save itself (docs/PERFORMANCE.md). The saves of one process
are written in batches over its own connection (services.save_batches). On SQLite, and under
any WSGI server or the test client, Django's view `attempt-save` answers the same through
`autosave_reply`.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.urls import reverse

from sathach.core.threaded_wsgi import Receive, Scope, Send, ThreadedWSGI, read_body
from sathach.exams.services.answers import parse_answers, refused_answers
from sathach.exams.services.attempts import (
    SaveOutcome,
    attempt_save_answers,
    submit_overdue_on_save,
)
from sathach.exams.services.save_batches import SaveBatcher

logger = logging.getLogger(__name__)

MAX_BODY = 256 * 1024

# What Django's SecurityMiddleware adds to every response, and no caching of an answer.
_HEADERS = [
    (b"content-type", b"application/json"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
_SAMPLE_PK = 987654321
_ERROR = {"state": "error"}


class BadSave(ValueError):
    """A body that is not an autosave."""


def parse_save_body(body: bytes) -> tuple[str, list[Any]]:
    """The token and the answers of an autosave body
    {"t": token, "a": [{"p": position, "s": seq, "r": response, "f": flagged}]}."""
    try:
        data: Any = json.loads(body)
        token = str(data["t"])
        answers = data.get("a") or []
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise BadSave from error
    if not isinstance(answers, list):
        raise BadSave
    return token, answers


def _reply_data(outcome: SaveOutcome, refused: dict[int, int] | None = None) -> dict[str, Any]:
    """The state, the seconds left, each position acknowledged with its sequence number and,
    while the attempt is open, each answer refused ("bad") with its number."""
    data: dict[str, Any] = {
        "state": outcome.state,
        "left": outcome.seconds_left,
        "ack": {str(k): v for k, v in outcome.acknowledged.items()},
    }
    refused = {**(refused or {}), **outcome.unknown}
    if refused and outcome.state == "open":
        data["bad"] = {str(k): v for k, v in refused.items()}
    return data


def autosave_reply(attempt_id: int, body: bytes) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON) for an autosave body. Idempotent; see attempt_save_answers."""
    if len(body) > MAX_BODY:
        return 413, _ERROR
    try:
        token, answers = parse_save_body(body)
    except BadSave:
        return 400, _ERROR
    outcome = attempt_save_answers(attempt_id=attempt_id, token=token, answers=answers)
    return 200, _reply_data(outcome, refused_answers(answers, parse_answers(answers)))


class AutosaveApplication:
    """ASGI: the autosave answered at once, everything else passed to Django (`pages`)."""

    def __init__(self, pages: ThreadedWSGI) -> None:
        self.pages = pages
        path = reverse("attempt-save", args=[_SAMPLE_PK])
        self.pattern = re.compile("^" + re.escape(path).replace(str(_SAMPLE_PK), r"(\d+)") + "$")
        self.batcher: SaveBatcher | None = None
        # Read once: under ASGI each request would build its own connection object to ask.
        self.batched = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.batched and scope["type"] == "http" and scope["method"] == "POST":
            match = self.pattern.match(scope["path"])
            if match is not None:
                await self.save(int(match[1]), scope, receive, send)
                return
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        await self.pages(scope, receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        """Start and stop with the server (Django's handler does not take this scope); the
        autosave's connection is closed at the end."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.batcher is not None:
                    await self.batcher.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def save(self, attempt_id: int, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(scope, receive, MAX_BODY)
        if body is None:
            status, data = 413, _ERROR
        else:
            status, data = await self._reply(attempt_id, body)
        payload = json.dumps(data, separators=(",", ":")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*_HEADERS, (b"content-length", str(len(payload)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def _reply(self, attempt_id: int, body: bytes) -> tuple[int, dict[str, Any]]:
        try:
            token, answers = parse_save_body(body)
        except BadSave:
            return 400, _ERROR
        try:
            if self.batcher is None:
                self.batcher = SaveBatcher()
            parsed = parse_answers(answers)
            outcome = await self.batcher.save(attempt_id, token, parsed)
            if outcome.state == "overdue":
                outcome = await self.pages.run_sync(_submit_overdue, attempt_id)
            return 200, _reply_data(outcome, refused_answers(answers, parsed))
        except Exception:
            # The browser keeps the answers and sends them again; the error is logged as
            # Django logs a failed request.
            logger.exception("Autosave of attempt %s failed", attempt_id)
            return 503, _ERROR


def _submit_overdue(attempt_id: int) -> SaveOutcome:
    """In a page thread, with its database connection tended as around a request."""
    close_old_connections()
    try:
        return submit_overdue_on_save(attempt_id)
    finally:
        close_old_connections()
