"""`sathach worker`: the background worker, kept alive through database restarts."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger(__name__)

FIRST_WAIT_SECONDS = 1.0
LAST_WAIT_SECONDS = 60.0
# A worker that ran this long since its last database error starts again from the first
# wait after the next one.
STEADY_SECONDS = 60.0


class KeptAliveWorker(db_worker.Worker):
    """django-tasks' worker loop, run again after a database error instead of exiting."""

    def run(self) -> None:
        wait = FIRST_WAIT_SECONDS
        while self.running:
            began = time.monotonic()
            try:
                super().run()
                return  # --batch or --max-tasks: done
            except DatabaseError as error:
                if time.monotonic() - began >= STEADY_SECONDS:
                    wait = FIRST_WAIT_SECONDS
                logger.warning(
                    "The background worker lost the database (%s); starting again in %.0f s",
                    str(error).strip(),
                    wait,
                )
                # A SIGTERM meanwhile ends the wait and the worker (Worker.shutdown).
                connections.close_all()
                time.sleep(wait)
                wait = min(wait * 2, LAST_WAIT_SECONDS)


class Command(db_worker.Command):
    help = (
        "Run the background jobs (django-tasks' db_worker, with the same options). After a "
        "database error (PostgreSQL restarted or unreachable) the worker starts again after "
        "1 s, then twice as long each time up to 60 s, instead of exiting; a task that the "
        "error interrupted is left failed or running, as db_worker leaves it. `make run` and "
        "the systemd unit of docs/DEPLOYMENT.md run this command."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = KeptAliveWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only in the child that runs the tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
