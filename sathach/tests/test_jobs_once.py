"""Background jobs run on every server and each job runs once (issue 20, point 1): three
workers, as three application servers start them, drain one queue on PostgreSQL; django-tasks'
database backend claims a job with SELECT … FOR UPDATE SKIP LOCKED."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase

from sathach.core.models import StoredFile
from sathach.tests.worker_tasks import note_run

JOBS = 60
WORKERS = 3


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL (CI runs it there)"
)
class JobsRunOnceTestCase(TransactionTestCase):
    def test_three_workers_run_each_of_sixty_jobs_exactly_once(self) -> None:
        for number in range(JOBS):
            note_run.enqueue(number)
        database = connection.settings_dict
        url = (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "sathach.settings"}
        command = [sys.executable, "-m", "django", "db_worker", "--batch", "--interval", "0"]
        workers = [
            subprocess.Popen(
                command,
                env=env,
                cwd=settings.BASE_DIR,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for _ in range(WORKERS)
        ]
        for worker in workers:
            _out, errors = worker.communicate(timeout=120)
            self.assertEqual(worker.returncode, 0, errors.decode()[-2000:])
        runs = Counter(
            name.split("/")[1] for name in StoredFile.objects.values_list("name", flat=True)
        )
        self.assertEqual(runs, Counter({str(n): 1 for n in range(JOBS)}))
        processes = {bytes(pid) for pid in StoredFile.objects.values_list("content", flat=True)}
        self.assertGreater(len(processes), 1, "one worker took every job: no race was tried")
