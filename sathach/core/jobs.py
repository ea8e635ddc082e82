"""What every background task shares: creating its job, taking it up in the worker,
advancing its progress, recording errors in Vietnamese and closing it. The tasks run in the
django-tasks database worker (`sathach worker`); the page `/jobs/<pk>/` shows them.

A task receives only ids as arguments (stored in clear by the task backend). Progress is
written with `UPDATE … SET done = done + 1` outside the task's own transactions, so the
page sees it while the work goes on.

Who may see a job is decided with the roles, in `organization/job_access.py`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError
from sathach.core.models import Job

logger = logging.getLogger(__name__)


def job_files_dir() -> Path:
    """Where an uploaded file waits for the task that imports it (under VAR_DIR, which the
    web process and the worker share)."""
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_create(
    *,
    actor: Any,
    kind: str,
    unit: Any,
    total: int = 0,
    campaign: Any = None,
    next_url: str = "",
) -> Job:
    """A queued job; the caller enqueues its task with `job_enqueue` and audits."""
    return Job.objects.create(
        kind=kind,
        unit=unit,
        campaign=campaign,
        total=total,
        next_url=next_url,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def job_enqueue(job: Job, task: Any, *args: Any) -> Job:
    """Queue `task(job.pk, *args)` and remember its id on the job."""
    result = task.enqueue(job.pk, *args)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def job_begin(job_id: int, kind: str) -> Job | None:
    """Take a queued job up in the worker: None when it is not (or no longer) queued, so
    a task run twice does its work once."""
    taken = Job.objects.filter(pk=job_id, kind=kind, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return None
    return Job.objects.select_related("created_by", "unit", "campaign").get(pk=job_id)


def job_set_total(job: Job, total: int) -> None:
    job.total = total
    Job.objects.filter(pk=job.pk).update(total=total)


def job_advance(job: Job, steps: int = 1) -> None:
    Job.objects.filter(pk=job.pk).update(done=F("done") + steps)


def job_add_error(job: Job, message: str) -> None:
    """A step that failed without stopping the job, shown in the list of errors."""
    job.errors = [*job.errors, message]
    Job.objects.filter(pk=job.pk).update(errors=job.errors)


def job_finish(job: Job, *, message: str = "", next_url: str | None = None) -> None:
    fields: dict[str, Any] = {
        "status": Job.Status.DONE,
        "done": F("total"),
        "message": message[:300],
        "finished_at": timezone.now(),
    }
    if next_url is not None:
        fields["next_url"] = next_url
    Job.objects.filter(pk=job.pk).update(**fields)


def job_fail(job: Job, message: str, *, next_url: str | None = None) -> None:
    """Stop the job with an error a person can read; the PIN column is emptied too."""
    job.errors = [*job.errors, message]
    fields: dict[str, Any] = {
        "status": Job.Status.FAILED,
        "errors": job.errors,
        "secret": b"",
        "finished_at": timezone.now(),
    }
    if next_url is not None:
        fields["next_url"] = next_url
    Job.objects.filter(pk=job.pk).update(**fields)


@contextmanager
def job_failing_on_errors(job: Job) -> Iterator[None]:
    """Around a task's work: a refusal (`DomainError`) ends the job with its message; any
    other error with a plain sentence (the traceback goes to the log and the task's row,
    never to the page) and is raised again for the worker to record."""
    try:
        yield
    except DomainError as error:
        job_fail(job, error.message)
    except Exception:
        logger.exception("job %s failed", job.pk)
        job_fail(
            job,
            _(
                "An unexpected error stopped the work; nothing after the last step done was "
                "saved. Try again, and tell the district IT staff if it happens again."
            ),
        )
        raise
