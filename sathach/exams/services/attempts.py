"""An examinee's attempt: start, autosave, submit and grade, overdue submission.

The server owns the clock. A save is accepted until the deadline plus a short grace window
for answers in flight; after that the attempt is submitted as it stands on its next access or
by `sathach exams submit-overdue`, whichever comes first.
"""

from __future__ import annotations

import hmac
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache as memoize
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.pass_rules import campaign_fix_rules, content1_passed
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.exams.grading import grade
from sathach.exams.models import (
    PRACTICAL,
    Attempt,
    AttemptItem,
    AttemptPage,
    ExamSession,
    QuestionVersion,
    blueprint_of,
    random_token,
)
from sathach.exams.services.answers import Answer, parse_answers
from sathach.exams.services.recording import attempt_record
from sathach.practical.services import practical_fractions

GRACE = timedelta(seconds=30)
CODE_TRIES = 5  # wrong access codes in a row before the attempt locks for CODE_LOCK
CODE_LOCK = timedelta(minutes=5)


def attempt_start(*, user: Any, attempt: Attempt, access_code: str) -> Attempt:
    """Start a ready attempt with the session's access code, read out by the proctor at
    the opening. The code is compared in constant time; five wrong codes in a row lock the
    attempt for five minutes."""
    session = attempt.session
    if attempt.user_id != user.pk:
        raise DomainError(_("This is not your test."))
    if attempt.status != Attempt.Status.READY:
        return attempt
    now = timezone.now()
    if session.status == ExamSession.Status.PAUSED:
        raise DomainError(_("The session is paused; wait for the proctor."))
    if session.status != ExamSession.Status.OPEN or now < session.opens_at:
        raise DomainError(_("The session has not opened yet."))
    if now > session.closes_at:
        raise DomainError(_("The time to start this session is over."))
    if attempt.codes_locked(now):
        raise DomainError(_("Too many wrong codes; ask the proctor and try again in 5 minutes."))
    given = access_code.strip().upper().encode()
    if not hmac.compare_digest(given, session.access_code.upper().encode()):
        _count_wrong_code(attempt, now)
        raise DomainError(_("The access code is wrong."))
    duration = timedelta(minutes=blueprint_of(session.campaign).duration_minutes)
    deadline = now + duration + timedelta(seconds=attempt.extra_seconds)
    started = {
        "status": Attempt.Status.IN_PROGRESS,
        "started_at": now,
        "deadline": deadline,
        "token": random_token(),
    }
    with transaction.atomic():
        updated = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.READY).update(
            **started
        )
        if not updated:  # another request started it first
            attempt.refresh_from_db()
            return attempt
        # Set what was written rather than read it back: the related rows loaded with the
        # attempt stay, and the start (all examinees at once) costs four queries less.
        for name, value in started.items():
            setattr(attempt, name, value)
        campaign_fix_rules(session.campaign)
        audit_log(
            actor=user,
            action=AuditAction.ATTEMPT_STARTED,
            obj=attempt,
            unit=attempt.person.unit,
            summary={"deadline": deadline.isoformat()},
        )
    return attempt


def _count_wrong_code(attempt: Attempt, now: datetime) -> None:
    """One more wrong code, counted in one statement so that concurrent tries from several
    server processes all count; the last try allowed locks the attempt and starts over."""
    last = Q(wrong_codes__gte=CODE_TRIES - 1)
    Attempt.objects.filter(pk=attempt.pk).update(
        wrong_codes=Case(When(last, then=Value(0)), default=F("wrong_codes") + 1),
        codes_locked_until=Case(
            When(last, then=Value(now + CODE_LOCK)), default=F("codes_locked_until")
        ),
    )


def attempt_take_over(*, user: Any, attempt: Attempt) -> Attempt:
    """Give the attempt to the browser that opens it now: a new token, so the page that
    held it is told on its next request. Reloading the page does the same, harmlessly."""
    if attempt.user_id != user.pk:
        raise DomainError(_("This is not your test."))
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return attempt
    attempt.token = random_token()
    Attempt.objects.filter(pk=attempt.pk).update(token=attempt.token)
    return attempt


# What a save answers for an attempt that does not exist or whose token is not the one sent.
UNKNOWN = "unknown"


@dataclass
class SaveOutcome:
    """What the autosave endpoint answers: the state and each position acknowledged with
    the sequence number the server now holds for it."""

    state: str
    seconds_left: int = 0
    acknowledged: dict[int, int] = field(default_factory=dict)
    # Answers to positions the form does not have (position: sequence number): refused.
    unknown: dict[int, int] = field(default_factory=dict)


def attempt_state(attempt: Attempt, now: datetime) -> str:
    return _state(attempt.status, attempt.session.status, attempt.deadline, now)


def _state(status: str, session_status: str, deadline: datetime | None, now: datetime) -> str:
    if status == Attempt.Status.SUBMITTED:
        return "submitted"
    if status == Attempt.Status.READY:
        return "ready"
    if session_status == ExamSession.Status.PAUSED:
        return "paused"
    if deadline is not None and now > deadline + GRACE:
        return "overdue"
    return "open"


def _seconds_left(deadline: datetime | None, now: datetime) -> int:
    return 0 if deadline is None else max(0, int((deadline - now).total_seconds()))


# The autosave, written out: building it with the ORM took longer than running it, on the
# request that every examinee sends for every answer. The write is the conditional
# AttemptItem.objects.filter(..., seq__lt=seq).update(...) for every answer of the request.
#
# On PostgreSQL it is one statement, prepared once per connection, for one save or for a
# batch of saves of different attempts (save_batches): it reads the attempts and, in the same
# snapshot, writes the answers of each attempt whose token matches and which is open (the
# conditions of _state() == "open"); the rows it returns tell each save the state to answer.
# On SQLite, the read, then the update run for each answer by one executemany.
# The attempts are locked FOR KEY SHARE, in the order of their ids, until the commit: a
# submission (which locks its attempt FOR UPDATE before it grades) waits for the saves under
# way, and a save that waited for a submission reads the attempt as submitted and writes
# nothing. So no save is acknowledged and then left out of the grade; and since a session's
# close locks its attempts in the same order, the two cannot deadlock.
SAVE_POSTGRESQL = """
WITH a AS (
    SELECT a.id, a.status, a.token, a.deadline, s.status AS session_status,
        (SELECT max(i.position) FROM exams_attemptitem i WHERE i.attempt_id = a.id) AS items,
        a.token = r.token AND a.status = %(in_progress)s AND s.status <> %(paused)s
            AND (a.deadline IS NULL OR a.deadline >= %(open_after)s) AS open
    FROM unnest(%(attempts)s::bigint[], %(tokens)s::text[]) AS r(id, token)
    JOIN exams_attempt a ON a.id = r.id
    JOIN exams_examsession s ON s.id = a.session_id
    ORDER BY a.id
    FOR KEY SHARE OF a
), w AS (
    UPDATE exams_attemptitem AS i
    SET response = v.r, seq = v.s, flagged = v.f, saved_at = %(now)s
    FROM a, jsonb_to_recordset(%(answers)s::jsonb)
        AS v(k bigint, p integer, s integer, r jsonb, f boolean)
    WHERE a.open AND v.k = a.id AND i.attempt_id = a.id AND i.position = v.p AND i.seq < v.s
)
SELECT id, status, token, deadline, session_status, items FROM a
"""
SAVE_READ = (
    "SELECT a.status, a.token, a.deadline, s.status,"
    " (SELECT max(i.position) FROM exams_attemptitem i WHERE i.attempt_id = a.id)"
    " FROM exams_attempt a JOIN exams_examsession s ON s.id = a.session_id WHERE a.id = %s"
)
SAVE_WRITE = (
    "UPDATE exams_attemptitem SET response = %s, seq = %s, flagged = %s, saved_at = %s"
    " WHERE attempt_id = %s AND position = %s AND seq < %s"
)


@memoize
def _prepared_cursor_class() -> type[Any]:
    import psycopg

    class PreparedCursor(psycopg.Cursor[Any]):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs.setdefault("prepare", True)
            return super().execute(query, params, **kwargs)

    return PreparedCursor


def _save_cursor(db: BaseDatabaseWrapper) -> Any:
    """A cursor for the autosave. On PostgreSQL it binds on the server and prepares its
    statement (Django's own cursors bind on the client and leave preparing off, for the
    sake of connection poolers); it still goes through Django's wrapper, so that errors,
    logging and the query count behave as for any other query."""
    if db.vendor != "postgresql":
        return db.cursor()
    db.ensure_connection()
    db.validate_thread_sharing()
    raw = _prepared_cursor_class()(db.connection)
    if db.queries_logged:
        return db.make_debug_cursor(raw)
    return db.make_cursor(raw)


def save_postgresql_params(
    saves: list[tuple[int, str, list[Answer]]], now: datetime
) -> dict[str, Any]:
    """SAVE_POSTGRESQL's parameters for saves (attempt, token, answers), at most one per
    attempt so that no slot is written twice by one statement."""
    return {
        "attempts": [attempt for attempt, _token, _answers in saves],
        "tokens": [token for _attempt, token, _answers in saves],
        "now": now,
        "open_after": now - GRACE,
        "in_progress": Attempt.Status.IN_PROGRESS.value,
        "paused": ExamSession.Status.PAUSED.value,
        "answers": json.dumps(
            [
                {"k": attempt, "p": a.position, "s": a.seq, "r": a.response, "f": a.flagged}
                for attempt, _token, answers in saves
                for a in answers
            ],
            separators=(",", ":"),
        ),
    }


def _save_postgresql(
    cursor: Any, attempt_id: int, token: str, now: datetime, answers: list[Answer]
) -> Any:
    cursor.execute(SAVE_POSTGRESQL, save_postgresql_params([(attempt_id, token, answers)], now))
    row = cursor.fetchone()
    return None if row is None else row[1:]


def _save_sqlite(
    db: BaseDatabaseWrapper,
    cursor: Any,
    attempt_id: int,
    token: str,
    now: datetime,
    answers: list[Answer],
) -> Any:
    cursor.execute(SAVE_READ, [attempt_id])
    row = cursor.fetchone()
    if row is None or not answers or _row_state(row, token, now)[0] != "open":
        return row
    field = AttemptItem._meta.get_field("response")
    stamp = AttemptItem._meta.get_field("saved_at").get_db_prep_save(now, db)
    cursor.executemany(
        SAVE_WRITE,
        [
            [
                field.get_db_prep_save(a.response, db),
                a.seq,
                a.flagged,
                stamp,
                attempt_id,
                a.position,
                a.seq,
            ]
            for a in answers
        ],
    )
    return row


def _row_state(row: Any, token: str, now: datetime) -> tuple[str, datetime | None]:
    """The state a save answers from the attempt's row, and the attempt's deadline. A token
    that is not the attempt's is "unknown" without a deadline, as an attempt that does not
    exist: another examinee's attempt reveals neither its existence nor its time, and the
    browser replaced by another computer stops on it as well."""
    status, stored_token, deadline, session_status = row[:4]
    # Bytes: compare_digest refuses str with non-ASCII characters, which anyone may send.
    if not hmac.compare_digest(stored_token.encode(), token.encode()):
        return UNKNOWN, None
    if isinstance(deadline, str):  # SQLite without a column type to convert it
        deadline = datetime.fromisoformat(deadline)
    if deadline is not None and timezone.is_naive(deadline):  # SQLite stores UTC
        deadline = timezone.make_aware(deadline, UTC)
    return _state(status, session_status, deadline, now), deadline


def attempt_save_answers(
    *, attempt_id: int, token: str, answers: list[dict[str, Any]]
) -> SaveOutcome:
    """Store answers as the browser gives them: one query on PostgreSQL (two on SQLite)
    that reads the attempt and changes a slot only when the attempt is open, the token is
    the attempt's and the client's sequence number is newer than the stored one. A retried
    or late save is acknowledged and changes nothing, so the browser may resend freely.
    The ASGI server batches the same statement over concurrent saves (save_batches)."""
    now = timezone.now()
    parsed = parse_answers(answers)
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "postgresql":
        with _save_cursor(db) as cursor:
            row = _save_postgresql(cursor, attempt_id, token, now, list(parsed.values()))
    else:
        # One IMMEDIATE transaction (settings): no submission commits between the read that
        # finds the attempt open and the write.
        with transaction.atomic(), _save_cursor(db) as cursor:
            row = _save_sqlite(db, cursor, attempt_id, token, now, list(parsed.values()))
    outcome = save_outcome(row, token, now, parsed)
    if outcome.state == "overdue":
        return submit_overdue_on_save(attempt_id)
    return outcome


def save_outcome(row: Any, token: str, now: datetime, parsed: dict[int, Answer]) -> SaveOutcome:
    """What a save answers from the attempt's row as its statement read it: the state
    ("overdue" for the caller to submit the attempt), the seconds left and, when the
    answers were written, each position with the sequence number sent."""
    if row is None:
        return SaveOutcome(state=UNKNOWN)
    state, deadline = _row_state(row, token, now)
    if state != "open":
        return SaveOutcome(state=state, seconds_left=_seconds_left(deadline, now))
    # Positions run from 1 to the number of questions of the form; any other is no slot.
    items = row[4] or 0
    return SaveOutcome(
        state=state,
        seconds_left=_seconds_left(deadline, now),
        acknowledged={p: answer.seq for p, answer in parsed.items() if p <= items},
        unknown={p: answer.seq for p, answer in parsed.items() if p > items},
    )


def submit_overdue_on_save(attempt_id: int) -> SaveOutcome:
    """A save that came after the deadline and its grace window submits the attempt."""
    attempt_submit(actor=None, attempt=Attempt(pk=attempt_id), by=Attempt.SubmittedBy.DEADLINE)
    return SaveOutcome(state="submitted")


def _percent(score: Decimal, maximum: Decimal) -> Decimal:
    if maximum <= 0:
        return Decimal(0)
    return (score * 100 / maximum).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def attempt_grade(attempt: Attempt) -> None:
    """Grade every slot from its stored answer and the key of its question version."""
    slots = attempt.items.values_list(
        "pk",
        "response",
        "mark",
        "version__type",
        "version__data",
        "version__question__category__module",
    )
    by_fraction: dict[Decimal, list[int]] = defaultdict(list)
    score = Decimal(0)
    maximum = Decimal(0)
    modules: dict[str, tuple[Decimal, Decimal]] = {}
    rows = list(slots)
    # Practical tasks are graded from the file (or the typed text) criterion by criterion,
    # with the proctor's changes (sathach.practical).
    practical = practical_fractions(attempt) if any(row[3] in PRACTICAL for row in rows) else {}
    for pk, response, mark, kind, data, module in rows:
        fraction = practical[pk] if pk in practical else grade(kind, data, response)
        by_fraction[fraction].append(pk)
        score += fraction * mark
        maximum += mark
        if module:
            module_score, module_max = modules.get(module, (Decimal(0), Decimal(0)))
            modules[module] = (module_score + fraction * mark, module_max + mark)
    # One update per distinct fraction (mostly two: right and wrong) instead of bulk_update's
    # CASE over every slot, which took most of the submission's time at the end of a test.
    for fraction, pks in by_fraction.items():
        AttemptItem.objects.filter(pk__in=pks).update(fraction=fraction)
    attempt.score = score.quantize(Decimal("0.001"))
    attempt.max_score = maximum
    attempt.percent = _percent(score, attempt.max_score)
    attempt.module_scores = {
        module: {
            "score": str(module_score.quantize(Decimal("0.001"))),
            "max": str(module_max),
            "percent": str(_percent(module_score, module_max)),
        }
        for module, (module_score, module_max) in sorted(modules.items())
    }
    attempt.passed = content1_passed(
        attempt.session.campaign, attempt.percent, attempt.module_scores
    )


def attempt_submit(*, actor: Any, attempt: Attempt, by: str) -> Attempt:
    """Submit, grade at once and record the result in the campaign. Submitting twice is
    harmless: the second call returns the graded attempt."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("session__campaign__blueprint", "person__unit")
            .get(pk=attempt.pk)
        )
        if attempt.status == Attempt.Status.SUBMITTED:
            return attempt
        if attempt.status != Attempt.Status.IN_PROGRESS:
            raise DomainError(_("The test has not started."))
        now = timezone.now()
        attempt.status = Attempt.Status.SUBMITTED
        attempt.submitted_by = by
        # An overdue attempt is submitted at its deadline, however late the job runs.
        attempt.submitted_at = (
            min(now, attempt.deadline)
            if by == Attempt.SubmittedBy.DEADLINE and attempt.deadline
            else now
        )
        attempt_grade(attempt)
        attempt.save(
            update_fields=[
                "status",
                "submitted_by",
                "submitted_at",
                "score",
                "max_score",
                "percent",
                "passed",
                "module_scores",
            ]
        )
        # The campaign's result, then the audit entry: the audit chain is one row locked
        # until the commit, so what every submission at the end of a session writes to it
        # comes last, and submissions wait on each other for as short a time as possible.
        attempt_record(actor, attempt)
        # The prepared page serves a fresh attempt only: a submitted one no longer needs it.
        AttemptPage.objects.filter(attempt=attempt).delete()
        audit_log(
            actor=actor,
            action=AuditAction.ATTEMPT_SUBMITTED,
            obj=attempt,
            unit=attempt.person.unit,
            summary={"by": by, "score": str(attempt.score), "percent": str(attempt.percent)},
        )
    return attempt


def attempts_submit_overdue(now: datetime | None = None) -> int:
    """Submit every attempt whose time and grace have run out. Safe to run again."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(
        status=Attempt.Status.IN_PROGRESS, deadline__lt=now - GRACE
    ).exclude(session__status=ExamSession.Status.PAUSED)
    count = 0
    for attempt in overdue.only("pk"):
        attempt_submit(actor=None, attempt=attempt, by=Attempt.SubmittedBy.DEADLINE)
        count += 1
    return count


def _same_shape(old: QuestionVersion, new: QuestionVersion) -> bool:
    """A new version can replace an old one in a taken form when the examinee saw the same
    options: same type and the same number of choices or pairs."""

    def size(version: QuestionVersion) -> int:
        return len(version.data.get("answers") or version.data.get("pairs") or [])

    return old.type == new.type and size(old) == size(new)


def regrade_move_slots(session: ExamSession) -> int:
    """After a key was fixed: move every slot of the session's submitted attempts to its
    question's current version when that version has the same shape. Returns how many
    slots moved. The caller holds the transaction."""
    items = AttemptItem.objects.filter(
        attempt__session=session, attempt__status=Attempt.Status.SUBMITTED
    ).select_related("version__question__current")
    moved = []
    for item in items:
        current = item.version.question.current
        if (
            current is not None
            and current.pk != item.version_id
            and _same_shape(item.version, current)
        ):
            item.version = current
            moved.append(item)
    AttemptItem.objects.bulk_update(moved, ["version"])
    return len(moved)


def regrade_attempts(session: ExamSession) -> QuerySet[Attempt]:
    return session.attempts.filter(status=Attempt.Status.SUBMITTED).select_related(
        "session__campaign__blueprint", "person__unit"
    )


def attempt_regrade(*, actor: Any, attempt: Attempt) -> None:
    """Grade one submitted attempt again and update the campaign's results (one
    transaction; audited once for the whole session by the caller)."""
    with transaction.atomic():
        attempt_grade(attempt)
        attempt.save(update_fields=["score", "max_score", "percent", "passed", "module_scores"])
        attempt_record(actor, attempt)


def regrade_audit(*, actor: Any, session: ExamSession, attempts: int, moved: int) -> None:
    audit_log(
        actor=actor,
        action=AuditAction.EXAM_REGRADED,
        obj=session,
        unit=session.campaign.issuing_unit,
        summary={"attempts": attempts, "slots_moved_to_new_versions": moved},
    )


def attempts_regrade(*, actor: Any, session: ExamSession) -> int:
    """After a key was fixed: move the slots to the current versions, grade every
    submitted attempt again and update the campaign's results, in one transaction (the
    web page runs the same steps attempt by attempt in the background:
    `sathach.exams.jobs`). Returns the number of attempts regraded."""
    count = 0
    with transaction.atomic():
        moved = regrade_move_slots(session)
        for attempt in regrade_attempts(session):
            attempt_regrade(actor=actor, attempt=attempt)
            count += 1
        regrade_audit(actor=actor, session=session, attempts=count, moved=moved)
    return count
