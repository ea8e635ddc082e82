"""Filters of the logging configuration (settings.LOGGING)."""

from __future__ import annotations

import logging
from typing import Any


class ClientErrorOneLine(logging.Filter):
    """Django logs a refused request (403 for PermissionDenied, 400 for a bad body) as a
    warning with the exception's traceback: a traceback per refusal fills the log with noise
    that looks like a fault, while what the operator needs is who asked for what. Such a
    record (status 4xx, on django.request) becomes one line: status, method, path, user and
    the reason when the exception gives one. Server errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", 0)
        if not 400 <= status < 500 or not record.exc_info:
            return True
        request = getattr(record, "request", None)
        error = record.exc_info[1]
        user: Any = getattr(request, "user", None)
        name = user.get_username() if getattr(user, "is_authenticated", False) else "anonymous"
        record.msg = "Refused %s: %s %s by %s%s"
        record.args = (
            status,
            getattr(request, "method", "-"),
            # As Django logs it: a path made of the user's characters cannot forge a new line.
            str(getattr(request, "path", "-")).encode("unicode_escape").decode("ascii"),
            name.encode("unicode_escape").decode("ascii"),
            f" ({error})".encode("unicode_escape").decode("ascii") if str(error) else "",
        )
        record.exc_info = None
        record.exc_text = None
        return True
