"""`sathach worker`: the background worker starts again after a database error instead of
exiting, as django-tasks' db_worker does (issue 15, point 5)."""

from __future__ import annotations

import logging
import threading

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_starts_again_after_the_database_refused_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a database that refuses a connection needs a server database")
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    connection.close()
    # The worker's next connection is refused (no such database) until the name is back.
    settings_dict["NAME"] = f"{name}_absent"
    restore = threading.Timer(0.3, settings_dict.__setitem__, ("NAME", name))
    restore.start()
    try:
        with caplog.at_level(logging.WARNING, logger="sathach.core.management.commands.worker"):
            call_command("worker", batch=True, interval=0, startup_delay=False, reload=False)
    finally:
        restore.join()
        settings_dict["NAME"] = name
    assert "lost the database" in caplog.text
    assert connection.cursor() is not None
