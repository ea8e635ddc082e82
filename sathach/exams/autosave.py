"""The autosave over HTTP, the request every examinee sends for every answer.

One reply, `autosave_reply`, serves it two ways: Django's view `attempt-save` (the test
client, and any server that runs Django's handler alone), and `AutosaveApplication`, the
WSGI application that `sathach.wsgi` serves in production (gunicorn, `make run`, the
bench). The latter answers the autosave before Django's request cycle: the request is
authenticated by the attempt's token in its body, so sessions, the user, CSRF, the
language, the middleware, the URL resolver and the request and response objects have
nothing to do for it, and on two cores they cost more than the save itself
(docs/PERFORMANCE.md). Every other request goes to Django unchanged.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse

from sathach.exams.services.attempts import attempt_save_answers

logger = logging.getLogger(__name__)

MAX_BODY = 256 * 1024

StartResponse = Callable[..., Any]
WSGIApplication = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_REASONS = {200: "OK", 400: "Bad Request", 413: "Content Too Large", 503: "Service Unavailable"}
# What Django's SecurityMiddleware adds to every response, and no caching of an answer.
_HEADERS = [
    ("Content-Type", "application/json"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
]
_SAMPLE_PK = 987654321


def autosave_reply(attempt_id: int, body: bytes) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON) for an autosave body
    {"t": token, "a": [{"p": position, "s": seq, "r": response, "f": flagged}]}: the state,
    the seconds left and each position acknowledged with its sequence number. Idempotent;
    see attempt_save_answers."""
    if len(body) > MAX_BODY:
        return 413, {"state": "error"}
    try:
        data: Any = json.loads(body)
        token = str(data["t"])
        answers = data.get("a") or []
        if not isinstance(answers, list):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        return 400, {"state": "error"}
    outcome = attempt_save_answers(attempt_id=attempt_id, token=token, answers=answers)
    return 200, {
        "state": outcome.state,
        "left": outcome.seconds_left,
        "ack": {str(k): v for k, v in outcome.acknowledged.items()},
    }


class AutosaveApplication:
    """WSGI: the autosave answered at once, everything else passed to `application`."""

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application
        path = reverse("attempt-save", args=[_SAMPLE_PK])
        self.pattern = re.compile("^" + re.escape(path).replace(str(_SAMPLE_PK), r"(\d+)") + "$")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            match = self.pattern.match(environ.get("PATH_INFO", ""))
            if match is not None:
                return self.save(int(match[1]), environ, start_response)
        return self.application(environ, start_response)

    def save(
        self, attempt_id: int, environ: dict[str, Any], start_response: StartResponse
    ) -> list[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            status, data = 400, {"state": "error"}
        elif length > MAX_BODY:
            status, data = 413, {"state": "error"}
        else:
            status, data = self._reply(attempt_id, environ["wsgi.input"].read(length))
        payload = json.dumps(data, separators=(",", ":")).encode()
        start_response(
            f"{status} {_REASONS[status]}",
            [*_HEADERS, ("Content-Length", str(len(payload)))],
        )
        return [payload]

    def _reply(self, attempt_id: int, body: bytes) -> tuple[int, dict[str, Any]]:
        try:
            _close_old_connection()
            return autosave_reply(attempt_id, body)
        except Exception:
            # The browser keeps the answers and sends them again; the error is logged as
            # Django logs a failed request.
            logger.exception("Autosave of attempt %s failed", attempt_id)
            return 503, {"state": "error"}
        finally:
            _close_old_connection()


def _close_old_connection() -> None:
    """What Django does for its database around every request (the request_started and
    request_finished signals), for the one connection the autosave uses; never inside a
    transaction (a test's, as Django's test client does)."""
    db = connections[DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        db.close_if_unusable_or_obsolete()
