"""Django's PostgreSQL backend, waiting a few seconds for a database that is restarting.

settings.py uses it for every PostgreSQL DATABASE_URL. A restart of PostgreSQL (an update,
`systemctl restart postgresql`) refuses connections for a moment; a page, a job or the
background worker that needs a new connection then waits for it (at most
CONNECT_WAIT_SECONDS) instead of failing. Together with CONN_HEALTH_CHECKS, which notices a
kept connection that the restart cut, a request arriving after a restart is served as any
other (issue 15, point 5; the fault drill, sathach.exams.bench.faults). Errors that waiting
cannot cure, such as a wrong password or a missing database, fail at once.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
from django.db.backends.postgresql import base

CONNECT_WAIT_SECONDS = 5.0
_PAUSE_SECONDS = 0.2
# SQLSTATE of "the database system is starting up / shutting down"; a refused or reset
# connection has none.
_CANNOT_CONNECT_NOW = "57P03"


def is_restarting(error: psycopg.OperationalError) -> bool:
    """Whether a failed connection attempt may succeed in a moment."""
    return error.sqlstate in (None, _CANNOT_CONNECT_NOW)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        deadline = time.monotonic() + CONNECT_WAIT_SECONDS
        while True:
            try:
                return super().get_new_connection(conn_params)
            except psycopg.OperationalError as error:
                if not is_restarting(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(_PAUSE_SECONDS)
