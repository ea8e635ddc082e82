"""Who may see a background job's page: its creator, and users who hold the job's
permission (`JOB_PERMS`) over the job's unit; nobody else. (The jobs themselves are
core's, `core/jobs.py`; who may see them is a matter of roles, which live here.)"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sathach.core.models import Job
from sathach.organization.permissions import Perm, user_can

# The permission a job's page asks for, over the job's unit.
JOB_PERMS: dict[str, str] = {
    Job.Kind.CERTIFICATES: Perm.EXPORT_REPORTS,
    Job.Kind.REGRADE: Perm.MANAGE_EXAMS,
    Job.Kind.STATISTICS: Perm.MANAGE_EXAMS,
    Job.Kind.QUESTION_IMPORT: Perm.MANAGE_EXAMS,
    Job.Kind.UNITS_IMPORT: Perm.MANAGE_UNITS,
    Job.Kind.PEOPLE_IMPORT: Perm.MANAGE_PEOPLE,
}


def user_can_see_job(user: Any, job: Job) -> bool:
    perm = JOB_PERMS.get(job.kind, Perm.MANAGE_EXAMS)
    if not user_can(user, perm):
        return False
    return job.created_by_id == user.pk or user_can(user, perm, job.unit)


def get_job_for_user(user: Any, pk: int) -> Job:
    """The job for its creator or a holder of its permission over its unit. Users without
    the permission of any job get 403 before the job is looked up, others 404 for a job they
    may not see, as for one that does not exist: job numbers are sequential, and which of
    them exist, and of what kind, is not told to those who may not see them."""
    if not any(user_can(user, perm) for perm in set(JOB_PERMS.values())):
        raise PermissionDenied
    job = Job.objects.select_related("unit", "campaign", "created_by").filter(pk=pk).first()
    if job is None or job.kind not in JOB_PERMS or not user_can_see_job(user, job):
        raise Http404
    return job
