"""Large units and people imports, run by the background worker (`sathach worker`)
with their progress on the job page. Small files are imported in the request, where the
bad rows show on the form (settings.IMPORT_IN_REQUEST_BYTES decides)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from sathach.core.errors import DomainError, ImportErrors
from sathach.core.jobs import (
    job_add_error,
    job_advance,
    job_begin,
    job_create,
    job_enqueue,
    job_fail,
    job_failing_on_errors,
    job_files_dir,
    job_finish,
)
from sathach.core.models import Job
from sathach.organization import transfer as excel
from sathach.organization.permissions import Perm, units_for_user

KINDS = {
    "units": (Job.Kind.UNITS_IMPORT, Perm.MANAGE_UNITS, "unit-list", "unit-import"),
    "people": (Job.Kind.PEOPLE_IMPORT, Perm.MANAGE_PEOPLE, "person-list", "person-import"),
}
MAX_ERRORS_SHOWN = 200


def organization_import_start(*, actor: Any, what: str, content: bytes, era: str = "") -> Job:
    """Keep the file where the worker reads it and queue its import. Steps: read the file,
    then import every row in one transaction (all or nothing, as in the request)."""
    kind, perm, list_name, _form = KINDS[what]
    unit = units_for_user(actor, perm).order_by("path").first()
    if unit is None:
        raise PermissionDenied
    key = f"{what}-{secrets.token_hex(8)}.xlsx"
    (job_files_dir() / key).write_bytes(content)
    job = job_create(actor=actor, kind=kind, unit=unit, total=2, next_url=reverse(list_name))
    return job_enqueue(job, organization_import_run, what, key, era)


@task()
def organization_import_run(job_id: int, what: str, key: str, era: str) -> int:
    """The worker's side: the same service as the request, as the user who uploaded the
    file. Every bad row goes to the job's errors with its row and column; nothing is stored
    then. Returns how many rows were imported."""
    kind, _perm, _list, form_name = KINDS[what]
    job = job_begin(job_id, kind)
    if job is None:
        return 0
    with job_failing_on_errors(job):
        path = job_files_dir() / Path(key).name
        if not path.is_file():
            raise DomainError(_("Nothing to import: upload the file again."))
        content = path.read_bytes()
        path.unlink()
        job_advance(job)
        actor = job.created_by
        try:
            if what == "units":
                summary = excel.units_import(actor=actor, content=content, era=era)
            else:
                summary = excel.people_import(actor=actor, content=content)
        except ImportErrors as errors:
            for problem in excel.located_problems(errors)[:MAX_ERRORS_SHOWN]:
                job_add_error(job, excel.problem_line(*problem))
            job_fail(job, errors.message, next_url=reverse(form_name))
            return 0
        job_advance(job)
        job_finish(job, message=summary.describe())
        return summary.created + summary.updated
