"""A task for the test that several workers run each job once (test_jobs_once.py): it
records which process ran which job, as a stored file, in the database all workers share."""

from __future__ import annotations

import os
import time
import uuid

from django_tasks import task

from sathach.core.models import StoredFile


@task()
def note_run(number: int) -> int:
    time.sleep(0.02)  # long enough for the workers to race for the next job
    StoredFile.objects.create(
        name=f"ran/{number}/{uuid.uuid4().hex}", content=str(os.getpid()).encode(), size=0
    )
    return number
