"""Who sits which session: a session of the communes or people the district chooses, a
leader moved to another session before starting, a make-up session for the absentees of
closed sessions, and a retake session for those who failed, under the campaign's retake
policy.

A leader is in at most one session that is not closed and has not been submitted in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.exams.models import Attempt, ExamSession
from sathach.exams.services.sessions import session_create, session_prepare
from sathach.exams.signals import session_changed
from sathach.organization.models import LEADER_POSITIONS, AdministrativeUnit, Person


def _leaders(campaign: Campaign) -> Any:
    return Person.objects.filter(
        unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS
    ).select_related("unit")


def _names(people: Iterable[Person]) -> str:
    return ", ".join(p.full_name for p in people)


def waiting_elsewhere(campaign: Campaign, people: Iterable[Person]) -> list[Person]:
    """Those already in a session of the campaign that is not closed."""
    ids = [p.pk for p in people]
    busy = set(
        ExamSession.objects.filter(campaign=campaign, examinees__in=ids)
        .exclude(status=ExamSession.Status.CLOSED)
        .values_list("examinees", flat=True)
    )
    return [p for p in people if p.pk in busy]


def _submitted(campaign: Campaign) -> set[int]:
    return set(
        Attempt.objects.filter(
            session__campaign=campaign, status=Attempt.Status.SUBMITTED
        ).values_list("person_id", flat=True)
    )


def chosen_examinees(
    campaign: Campaign,
    *,
    units: Iterable[AdministrativeUnit] = (),
    people: Iterable[Person] = (),
) -> list[Person]:
    """The leaders of the chosen communes and the chosen leaders, for a regular session:
    each once, none who is waiting in another session or has been tested already."""
    unit_ids = [u.pk for u in units]
    found = {p.pk: p for p in _leaders(campaign).filter(unit_id__in=unit_ids)}
    for person in people:
        found.setdefault(person.pk, person)
    chosen = sorted(found.values(), key=lambda p: (p.unit.code, p.position, p.sort_key))
    if not chosen:
        raise DomainError(_("Choose the communes or the leaders who sit this session."))
    outsiders = [p for p in chosen if p.position not in LEADER_POSITIONS]
    if outsiders:
        raise DomainError(
            _("Only Chairmen and Vice-Chairmen sit the test: %(names)s.")
            % {"names": _names(outsiders)}
        )
    busy = waiting_elsewhere(campaign, chosen)
    if busy:
        raise DomainError(
            _("%(names)s already wait in another session: move them from there instead.")
            % {"names": _names(busy)}
        )
    done = _submitted(campaign)
    tested = [p for p in chosen if p.pk in done]
    if tested:
        raise DomainError(
            _("%(names)s took the test already; a retake needs a retake session.")
            % {"names": _names(tested)}
        )
    return chosen


def absentees(campaign: Campaign) -> list[Person]:
    """Leaders who were in a closed session without starting, and have sat no other."""
    done = _submitted(campaign)
    missed = Attempt.objects.filter(
        session__campaign=campaign,
        session__status=ExamSession.Status.CLOSED,
        status=Attempt.Status.READY,
    ).values_list("person_id", flat=True)
    people = list(_leaders(campaign).filter(pk__in=missed).exclude(pk__in=done))
    busy = {p.pk for p in waiting_elsewhere(campaign, people)}
    return [p for p in people if p.pk not in busy]


def retake_candidates(campaign: Campaign) -> list[Person]:
    """Leaders whose IT-skills result is failed after one attempt, when the campaign allows
    a retake, and who do not wait in another session."""
    if campaign.retake_policy == Campaign.RetakePolicy.NONE:
        return []
    submitted = list(
        Attempt.objects.filter(
            session__campaign=campaign, status=Attempt.Status.SUBMITTED
        ).values_list("person_id", "passed")
    )
    counts = Counter(person_id for person_id, _passed in submitted)
    failed_once = {pid for pid, passed in submitted if counts[pid] == 1 and not passed}
    people = list(_leaders(campaign).filter(pk__in=failed_once))
    busy = {p.pk for p in waiting_elsewhere(campaign, people)}
    return [p for p in people if p.pk not in busy]


def special_session_create(
    *,
    actor: Any,
    campaign: Campaign,
    purpose: str,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    room: str = "",
    proctor: Any = None,
    units: Iterable[AdministrativeUnit] = (),
    people: Iterable[Person] = (),
) -> ExamSession:
    """A make-up session (the absentees of closed sessions) or a retake session (those who
    failed, when the campaign allows a retake): every one who qualifies, or those of them
    in the chosen communes, and the chosen leaders (who must qualify)."""
    if purpose == ExamSession.Purpose.MAKEUP:
        allowed = absentees(campaign)
        nobody = _("Nobody missed a closed session and still waits for a make-up.")
    elif purpose == ExamSession.Purpose.RETAKE:
        if campaign.retake_policy == Campaign.RetakePolicy.NONE:
            raise DomainError(_("This campaign allows no retake (see its pass rules)."))
        allowed = retake_candidates(campaign)
        nobody = _("Nobody failed the IT-skills test and still waits for a retake.")
    else:
        raise DomainError(_("Unknown kind of session."))
    allowed_ids = {p.pk for p in allowed}
    unit_ids = {u.pk for u in units}
    people = list(people)
    chosen = people + [p for p in allowed if p.unit_id in unit_ids and p not in people]
    if not unit_ids and not people:
        chosen = allowed
    refused = [p for p in chosen if p.pk not in allowed_ids]
    if refused:
        raise DomainError(_("%(names)s cannot sit this session.") % {"names": _names(refused)})
    if not chosen:
        raise DomainError(nobody)
    return session_create(
        actor=actor,
        campaign=campaign,
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        room=room,
        proctor=proctor,
        examinees=chosen,
        purpose=purpose,
    )


def session_move_examinee(
    *, actor: Any, person: Person, source: ExamSession, target: ExamSession
) -> None:
    """Move a leader who has not started to another session of the same campaign that is
        not closed; a form drawn for them in the first session is dropped, and one is drawn in
        the second if it is prepared already. Once committed, `session_changed` tells the
    notices (which send the leader the new time and place)."""
    if source.campaign_id != target.campaign_id:
        raise DomainError(_("Both sessions must belong to the same campaign."))
    if target.status == ExamSession.Status.CLOSED or source.pk == target.pk:
        raise DomainError(_("Choose another session that is not closed."))
    if target.purpose != source.purpose:
        raise DomainError(_("Move a leader only between sessions of the same kind."))
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().filter(session=source, person=person).first()
        if attempt is not None and attempt.status != Attempt.Status.READY:
            raise DomainError(
                _("%(name)s has started in %(session)s and stays there.")
                % {"name": person.full_name, "session": source.name}
            )
        if not source.examinees.filter(pk=person.pk).exists():
            raise DomainError(_("This leader is not in that session."))
        if attempt is not None:
            attempt.delete()
        source.examinees.remove(person)
        target.examinees.add(person)
        audit_log(
            actor=actor,
            action=AuditAction.SESSION_EXAMINEE_MOVED,
            obj=target,
            unit=person.unit,
            summary={"person": person.full_name, "from": source.name, "to": target.name},
        )
        if target.prepared_at is not None:
            session_prepare(actor=actor, session=target)
        transaction.on_commit(
            lambda: session_changed.send(
                sender=ExamSession, session=target, persons=[person], actor=actor
            )
        )


def _when_where(values: dict[str, Any]) -> dict[str, str]:
    """A session's times (local, ISO, as the audit page writes dates) and room."""
    return {
        key: timezone.localtime(value).isoformat() if isinstance(value, datetime) else value
        for key, value in values.items()
    }


def sitting_reschedule(
    *,
    actor: Any,
    session: Any,
    opens_at: datetime,
    closes_at: datetime,
    room: str,
    action: AuditAction,
) -> bool:
    """Change the time or the place of a session not yet open: an IT-skills session, or an
    e-office one (`eoffice.services.sessions.office_session_reschedule`), which have the
    same fields and statuses. Once committed, `session_changed` tells the notices, which
    send every examinee the new time and place. Returns whether anything changed: the same
    values change nothing and tell nobody."""
    if closes_at <= opens_at:
        raise DomainError(_("The last start must come after the opening."))
    model = type(session)
    after = {"opens_at": opens_at, "closes_at": closes_at, "room": nfc(room)}
    with transaction.atomic():
        session = model.objects.select_for_update().get(pk=session.pk)
        if session.status != model.Status.SCHEDULED:
            raise DomainError(_("Only a session not yet open can change its time or place."))
        before = {field: getattr(session, field) for field in after}
        if before == after:
            return False
        for field, value in after.items():
            setattr(session, field, value)
        session.save(update_fields=list(after))
        audit_log(
            actor=actor,
            action=action,
            obj=session,
            unit=session.campaign.issuing_unit,
            summary={
                "session": session.name,
                "before": _when_where(before),
                "after": _when_where(after),
            },
        )
        persons = list(session.examinees.all())
        transaction.on_commit(
            lambda: session_changed.send(
                sender=model, session=session, persons=persons, actor=actor
            )
        )
    return True


def session_reschedule(
    *, actor: Any, session: ExamSession, opens_at: datetime, closes_at: datetime, room: str
) -> bool:
    """An IT-skills session's new time or place (`sitting_reschedule`)."""
    return sitting_reschedule(
        actor=actor,
        session=session,
        opens_at=opens_at,
        closes_at=closes_at,
        room=room,
        action=AuditAction.SESSION_RESCHEDULED,
    )
