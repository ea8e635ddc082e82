"""Background work of the exams app, run by the django-tasks database worker
(`sathach worker`) with its progress on the job page (`sathach.core.jobs`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from sathach.core.errors import DomainError
from sathach.core.jobs import (
    job_advance,
    job_begin,
    job_create,
    job_enqueue,
    job_fail,
    job_failing_on_errors,
    job_files_dir,
    job_finish,
    job_set_total,
)
from sathach.core.models import Job
from sathach.exams import formats
from sathach.exams.models import ExamSession
from sathach.exams.services.attempts import (
    attempt_regrade,
    regrade_attempts,
    regrade_audit,
    regrade_move_slots,
)
from sathach.exams.services.bank import questions_import
from sathach.exams.services.sessions import session_statistics_store
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import Perm, units_for_user


def session_regrade_start(*, actor: Any, session: ExamSession) -> Job:
    """Queue the grading again of the session's submitted attempts (after a key was
    fixed). The job's steps: one for moving the slots to the new versions, one per
    attempt."""
    job = job_create(
        actor=actor,
        kind=Job.Kind.REGRADE,
        unit=session.campaign.issuing_unit,
        campaign=session.campaign,
        total=regrade_attempts(session).count() + 1,
        next_url=reverse("session-statistics", args=[session.pk]),
    )
    return job_enqueue(job, session_regrade_run, session.pk)


@task()
def session_regrade_run(job_id: int, session_id: int) -> int:
    """The worker's side: move the slots (one transaction), then grade each attempt again
    in its own transaction, advancing the progress; one audit entry at the end, as the
    synchronous `attempts_regrade`. Returns how many attempts were graded."""
    job = job_begin(job_id, Job.Kind.REGRADE)
    if job is None:
        return 0
    count = 0
    with job_failing_on_errors(job):
        session = ExamSession.objects.select_related("campaign__issuing_unit").get(pk=session_id)
        with transaction.atomic():
            moved = regrade_move_slots(session)
        attempts = list(regrade_attempts(session))
        job_set_total(job, len(attempts) + 1)
        job_advance(job)
        for attempt in attempts:
            attempt_regrade(actor=job.created_by, attempt=attempt)
            count += 1
            job_advance(job)
        regrade_audit(actor=job.created_by, session=session, attempts=count, moved=moved)
        # The figures change with the marks: the statistics page shows the new ones.
        session_statistics_store(actor=job.created_by, session=session)
        job_finish(job, message=_("%(count)s attempts were graded again.") % {"count": count})
    return count


def session_statistics_start(*, actor: Any, session: ExamSession) -> Job:
    """Queue the computation of the session's item and test statistics."""
    job = job_create(
        actor=actor,
        kind=Job.Kind.STATISTICS,
        unit=session.campaign.issuing_unit,
        campaign=session.campaign,
        total=1,
        next_url=reverse("session-statistics", args=[session.pk]),
    )
    return job_enqueue(job, session_statistics_run, session.pk)


@task()
def session_statistics_run(job_id: int, session_id: int) -> int:
    """The worker's side: compute and keep the statistics; returns the attempts counted."""
    job = job_begin(job_id, Job.Kind.STATISTICS)
    if job is None:
        return 0
    with job_failing_on_errors(job):
        session = ExamSession.objects.select_related("campaign__issuing_unit").get(pk=session_id)
        session = session_statistics_store(actor=job.created_by, session=session)
        attempts = int((session.statistics or {}).get("attempts", 0))
        job_advance(job)
        job_finish(
            job,
            message=_("Statistics computed over %(count)s submitted attempts.")
            % {"count": attempts},
        )
    return attempts


def question_import_start(*, actor: Any, pending: dict[str, Any]) -> Job:
    """Queue the storing of a previewed question file. The job belongs to the highest
    unit over which the actor manages exams; the questions go to the bank of the unit
    chosen on the page (`pending["unit"]`, None for the installation's). Steps: read and
    check the file again, then store every question in one transaction
    (all or nothing; the page cannot see inside that transaction, so the second step is
    one step however many questions there are)."""
    unit = units_for_user(actor, Perm.MANAGE_EXAMS).order_by("path").first()
    if unit is None:
        raise PermissionDenied
    job = job_create(
        actor=actor,
        kind=Job.Kind.QUESTION_IMPORT,
        unit=unit,
        total=2,
        next_url=reverse("question-list"),
    )
    return job_enqueue(
        job,
        question_import_run,
        pending["key"],
        pending["format"],
        pending["bank"],
        pending["name"],
        pending.get("unit"),
    )


@task()
def question_import_run(
    job_id: int, key: str, fmt: str, bank_name: str, source: str, unit_id: int | None = None
) -> int:
    """The worker's side of the import's confirmation: read the waiting file (then delete
    it), store its questions or none, audited by `questions_import`. Returns how many
    questions were stored."""
    job = job_begin(job_id, Job.Kind.QUESTION_IMPORT)
    if job is None:
        return 0
    again = reverse("question-import")
    with job_failing_on_errors(job):
        path = job_files_dir() / Path(key).name
        if not path.is_file():
            raise DomainError(_("Nothing to import: upload the file again."))
        data = path.read_bytes()
        path.unlink()
        result = formats.read(data, fmt)
        job_advance(job)
        summary = questions_import(
            actor=job.created_by,
            result=result,
            bank_name=bank_name,
            source=source,
            unit=AdministrativeUnit.objects.filter(pk=unit_id).first() if unit_id else None,
        )
        if summary.errors:
            job_fail(job, _("The file has errors; nothing was stored."), next_url=again)
            return 0
        job_finish(
            job, message=_("%(count)s questions were imported.") % {"count": summary.imported}
        )
        return summary.imported
    Job.objects.filter(pk=job.pk).update(next_url=again)
    return 0
