"""Blueprints, sessions and their forms, and what a proctor does to a running session."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.services import result_record
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.exams.models import (
    AUTO_GRADED,
    DRAWN,
    Attempt,
    AttemptItem,
    AttemptPage,
    Blueprint,
    BlueprintRule,
    ExamSession,
    Incident,
    QuestionBank,
    QuestionType,
    QuestionVersion,
    blueprint_of,
)
from sathach.exams.selectors import form_digest, form_page_html
from sathach.organization.models import LEADER_POSITIONS, Person, User

# Letters and digits that cannot be mistaken for one another when read aloud or on a board.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"


def access_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


@dataclass(frozen=True)
class RuleSpec:
    module: str
    count: int
    category_id: int | None = None
    difficulty: str = ""
    kind: str = BlueprintRule.Kind.QUESTIONS


def blueprint_save(
    *,
    actor: Any,
    campaign: Campaign,
    bank: QuestionBank,
    rules: list[RuleSpec],
    duration_minutes: int = 45,
    shuffle_questions: bool = True,
    shuffle_options: bool = True,
    review_score: str = "immediately",
    review_answers: str = "after_close",
    review_key: str = "after_close",
) -> Blueprint:
    """Set what the campaign's test draws. Refused once forms have been drawn from it, and
    when the bank cannot supply a rule."""
    if not rules:
        raise DomainError(_("A blueprint needs at least one rule."))
    if bank.unit is not None and not (
        bank.unit.contains(campaign.unit) or campaign.unit.contains(bank.unit)
    ):
        raise DomainError(
            _("The bank %(bank)s belongs to another unit: copy it into yours first.")
            % {"bank": bank.name}
        )
    if ExamSession.objects.filter(campaign=campaign, prepared_at__isnull=False).exists():
        raise DomainError(_("Forms have been drawn from this blueprint; it cannot change now."))
    with transaction.atomic():
        blueprint, _created = Blueprint.objects.update_or_create(
            campaign=campaign,
            defaults={
                "bank": bank,
                "duration_minutes": duration_minutes,
                "shuffle_questions": shuffle_questions,
                "shuffle_options": shuffle_options,
                "review_score": review_score,
                "review_answers": review_answers,
                "review_key": review_key,
            },
        )
        blueprint.rules.all().delete()
        BlueprintRule.objects.bulk_create(
            BlueprintRule(
                blueprint=blueprint,
                module=rule.module,
                category_id=rule.category_id,
                difficulty=rule.difficulty,
                count=rule.count,
                kind=rule.kind,
            )
            for rule in rules
        )
        shortages = blueprint_shortages(blueprint)
        if shortages:
            raise DomainError(" ".join(shortages))
        audit_log(
            actor=actor,
            action=AuditAction.BLUEPRINT_SAVED,
            obj=campaign,
            summary={
                "bank": bank.name,
                "rules": [[r.module, r.category_id, r.difficulty, r.count, r.kind] for r in rules],
                "duration": duration_minutes,
            },
        )
    return blueprint


def _candidates(blueprint: Blueprint, *, graded: bool = True) -> list[QuestionVersion]:
    """The bank's questions a form may hold. Essays are never drawn: the test is graded the
    moment it is submitted, and an essay would count as 0 (`graded=False` lists them)."""
    found = QuestionVersion.objects.filter(
        question__bank=blueprint.bank,
        question__is_active=True,
        question__current_id=F("pk"),
    )
    found = found.filter(type__in=DRAWN) if graded else found.filter(type=QuestionType.ESSAY)
    return list(found.select_related("question__category"))


def _rule_pool(
    rule: BlueprintRule, versions: list[QuestionVersion], *, by_kind: bool = True
) -> list[QuestionVersion]:
    """The versions a rule draws from: its module (topic, difficulty) and, `by_kind`, its
    kind: objective questions, or practical tasks of one kind."""
    return [
        v
        for v in versions
        if v.question.category.module == rule.module
        and (not by_kind or _of_kind(v, rule.kind))
        and (rule.category_id is None or v.question.category_id == rule.category_id)
        and (not rule.difficulty or v.question.difficulty == rule.difficulty)
    ]


def _of_kind(version: QuestionVersion, kind: str) -> bool:
    if kind == BlueprintRule.Kind.QUESTIONS:
        return version.type in AUTO_GRADED
    return version.type == kind


def blueprint_shortages(blueprint: Blueprint) -> list[str]:
    """Rules the bank cannot supply, as messages; empty when every rule can be drawn."""
    versions = _candidates(blueprint)
    essays = _candidates(blueprint, graded=False)
    problems = []
    for rule in blueprint.rules.select_related("category"):
        available = len(_rule_pool(rule, versions))
        if available < rule.count and rule.kind != BlueprintRule.Kind.QUESTIONS:
            problems.append(
                _(
                    "%(module)s: %(count)s tasks of the kind “%(kind)s” asked, "
                    "%(available)s in the bank."
                )
                % {
                    "module": rule.module,
                    "kind": rule.get_kind_display(),
                    "count": rule.count,
                    "available": available,
                }
            )
        elif available < rule.count:
            problems.append(
                _("%(module)s %(topic)s: %(count)s questions asked, %(available)s in the bank.")
                % {
                    "module": rule.module,
                    "topic": rule.category.path if rule.category else "",
                    "count": rule.count,
                    "available": available,
                }
            )
            left_out = (
                len(_rule_pool(rule, essays, by_kind=False))
                if rule.kind == BlueprintRule.Kind.QUESTIONS
                else 0
            )
            if left_out:
                problems.append(
                    _(
                        "%(count)s essay questions there are not drawn: the test is graded "
                        "automatically when it is submitted, and an essay cannot be."
                    )
                    % {"count": left_out}
                )
    return problems


def draw_form(
    blueprint: Blueprint,
    rng: random.Random,
    versions: list[QuestionVersion] | None = None,
) -> list[tuple[QuestionVersion, list[int]]]:
    """One random form: for each rule, questions spread evenly over the module's topics (TT
    44/2017: drawn at random and evenly across topic areas); with each its option order."""
    versions = _candidates(blueprint) if versions is None else versions
    chosen: list[QuestionVersion] = []
    used: set[int] = set()
    for rule in blueprint.rules.all():
        by_topic: dict[int, list[QuestionVersion]] = defaultdict(list)
        for version in _rule_pool(rule, versions):
            if version.pk not in used:
                by_topic[version.question.category_id].append(version)
        topics = sorted(by_topic)
        rng.shuffle(topics)
        for topic in topics:
            rng.shuffle(by_topic[topic])
        taken = 0
        while taken < rule.count and any(by_topic[t] for t in topics):
            for topic in topics:
                if taken == rule.count:
                    break
                if by_topic[topic]:
                    version = by_topic[topic].pop()
                    chosen.append(version)
                    used.add(version.pk)
                    taken += 1
        if taken < rule.count:
            raise DomainError(
                _("The bank has too few questions for %(module)s.") % {"module": rule.module}
            )
    if blueprint.shuffle_questions:
        rng.shuffle(chosen)
    form = []
    for version in chosen:
        size = len(version.data.get("pairs") or version.data.get("answers") or [])
        order = list(range(size))
        if blueprint.shuffle_options and version.shuffle and version.type != "shortanswer":
            rng.shuffle(order)
        form.append((version, order))
    return form


def session_create(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    room: str = "",
    proctor: Any = None,
    examinees: list[Person] | None = None,
    purpose: str = ExamSession.Purpose.REGULAR,
) -> ExamSession:
    """A session of the campaign's test; examinees default to every leader of the
    participating units who is not yet in another session (see `exams.services.scheduling`
    for choosing them, make-up and retake sessions)."""
    if not hasattr(campaign, "blueprint"):
        raise DomainError(_("Set the test blueprint of the campaign first."))
    if closes_at <= opens_at:
        raise DomainError(_("The last start must come after the opening."))
    if campaign.status in (Campaign.Status.AWARDED, Campaign.Status.CLOSED):
        raise DomainError(_("The campaign is over; no session can be added."))
    if examinees is None:
        taken = Person.objects.filter(exam_sessions__campaign=campaign)
        examinees = list(
            Person.objects.filter(
                unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS
            ).exclude(pk__in=taken)
        )
    outsiders = [p for p in examinees if not campaign.participants.filter(pk=p.unit_id).exists()]
    if outsiders:
        raise DomainError(
            _("%(names)s do not belong to a unit of this campaign.")
            % {"names": ", ".join(p.full_name for p in outsiders)}
        )
    with transaction.atomic():
        session = ExamSession.objects.create(
            campaign=campaign,
            name=nfc(name),
            room=nfc(room),
            opens_at=opens_at,
            closes_at=closes_at,
            proctor=proctor,
            access_code=access_code_new(),
            purpose=purpose,
        )
        session.examinees.set(examinees)
        audit_log(
            actor=actor,
            action=AuditAction.SESSION_CREATED,
            obj=session,
            unit=campaign.issuing_unit,
            summary={"name": session.name, "examinees": len(examinees), "purpose": purpose},
        )
    return session


def session_prepare(*, actor: Any, session: ExamSession, seed: int | None = None) -> int:
    """Draw a form and create a ready attempt for every examinee who has none yet, before
    the opening, so that the start costs nothing. Returns the number of attempts created."""
    if session.status == ExamSession.Status.CLOSED:
        raise DomainError(_("The session is closed."))
    blueprint = blueprint_of(session.campaign)
    examinees = list(
        session.examinees.exclude(attempts__session=session).select_related("user", "unit")
    )
    without = [p.full_name for p in examinees if p.user_id is None]
    if without:
        raise DomainError(
            _("Issue examinee accounts first; these leaders have none: %(names)s.")
            % {"names": ", ".join(without)}
        )
    # A seed makes the draw reproducible (the demo, tests); otherwise forms are unpredictable.
    rng = random.Random(seed) if seed is not None else random.SystemRandom()  # noqa: S311
    versions = _candidates(blueprint)
    language = settings.LANGUAGE_CODE
    with transaction.atomic():
        pages = []
        for person in examinees:
            user = cast(User, person.user)  # every examinee has an account: checked above
            attempt = Attempt.objects.create(session=session, person=person, user=user)
            form = draw_form(blueprint, rng, versions)
            AttemptItem.objects.bulk_create(
                AttemptItem(
                    attempt=attempt,
                    position=position,
                    version=version,
                    order=order,
                    mark=version.default_mark,
                )
                for position, (version, order) in enumerate(form, start=1)
            )
            attempt.max_score = sum((version.default_mark for version, _o in form), Decimal(0))
            attempt.save(update_fields=["max_score"])
            # The exam page's questions, made now rather than by every examinee at once at
            # the opening (selectors.prepared_page).
            slots = [(position, v, order) for position, (v, order) in enumerate(form, start=1)]
            html, nav = form_page_html(slots, language)
            pages.append(
                AttemptPage(
                    attempt=attempt,
                    language=language,
                    html=html,
                    nav=nav,
                    digest=form_digest([(p, v.pk, order) for p, v, order in slots]),
                )
            )
        AttemptPage.objects.bulk_create(pages, batch_size=200)
        session.prepared_at = timezone.now()
        session.save(update_fields=["prepared_at"])
        audit_log(
            actor=actor,
            action=AuditAction.SESSION_PREPARED,
            obj=session,
            unit=session.campaign.issuing_unit,
            summary={"attempts": len(examinees)},
        )
    return len(examinees)


def _set_status(actor: Any, session: ExamSession, status: str, **summary: Any) -> None:
    session.status = status
    session.save(update_fields=["status", "paused_at"])
    audit_log(
        actor=actor,
        action=AuditAction.SESSION_STATUS_CHANGED,
        obj=session,
        unit=session.campaign.issuing_unit,
        summary={"status": status, **summary},
    )


def session_open(*, actor: Any, session: ExamSession) -> ExamSession:
    """Let examinees start with the access code. The campaign must be in its testing phase
    and the forms drawn."""
    if session.status != ExamSession.Status.SCHEDULED:
        raise DomainError(_("Only a scheduled session can be opened."))
    if session.campaign.status != Campaign.Status.TESTING:
        raise DomainError(_("Sessions open while the campaign is in its testing phase."))
    if session.prepared_at is None or session.examinees.exclude(attempts__session=session).exists():
        raise DomainError(_("Draw the forms of every examinee before opening the session."))
    with transaction.atomic():
        _set_status(actor, session, ExamSession.Status.OPEN)
    return session


def session_pause(*, actor: Any, session: ExamSession, reason: str = "") -> ExamSession:
    """Stop every clock of the session (a power cut, a network failure in the room)."""
    if session.status != ExamSession.Status.OPEN:
        raise DomainError(_("Only an open session can be paused."))
    with transaction.atomic():
        session.paused_at = timezone.now()
        _set_status(actor, session, ExamSession.Status.PAUSED, reason=reason)
        Incident.objects.create(
            session=session, kind=Incident.Kind.PAUSE, reason=nfc(reason), by=_user(actor)
        )
    return session


def session_resume(*, actor: Any, session: ExamSession) -> ExamSession:
    """Restart the clocks: every attempt in progress gets back the time the pause took."""
    if session.status != ExamSession.Status.PAUSED or session.paused_at is None:
        raise DomainError(_("Only a paused session can be resumed."))
    with transaction.atomic():
        lost = timezone.now() - session.paused_at
        Attempt.objects.filter(session=session, status=Attempt.Status.IN_PROGRESS).update(
            deadline=F("deadline") + lost
        )
        session.paused_at = None
        _set_status(actor, session, ExamSession.Status.OPEN, paused_seconds=int(lost.seconds))
        Incident.objects.create(session=session, kind=Incident.Kind.RESUME, by=_user(actor))
    return session


def session_close(*, actor: Any, session: ExamSession) -> ExamSession:
    """Close the session: attempts in progress are submitted as they stand, examinees who
    never started are recorded absent."""
    from sathach.exams.services.attempts import attempt_submit

    if session.status == ExamSession.Status.CLOSED:
        raise DomainError(_("The session is already closed."))
    with transaction.atomic():
        # Every attempt in progress is locked first, in the order of ids that the autosave
        # locks in too: a save under way finishes before its attempt is graded, a later one
        # finds it submitted, and neither waits on the other in a circle.
        in_progress = list(
            session.attempts.filter(status=Attempt.Status.IN_PROGRESS)
            .select_for_update()
            .order_by("pk")
        )
        for attempt in in_progress:
            attempt_submit(actor=actor, attempt=attempt, by=Attempt.SubmittedBy.PROCTOR)
        if session.campaign.status == Campaign.Status.TESTING:
            for attempt in session.attempts.filter(status=Attempt.Status.READY).select_related(
                "person__unit"
            ):
                if Attempt.objects.filter(
                    session__campaign=session.campaign,
                    person=attempt.person,
                    status=Attempt.Status.SUBMITTED,
                ).exists():
                    continue  # absent from a retake: the earlier result stands
                result_record(
                    actor=actor,
                    campaign=session.campaign,
                    person=attempt.person,
                    content=1,
                    outcome=Result.Outcome.ABSENT,
                    source=Result.Source.EXAM,
                )
        session.paused_at = None
        _set_status(actor, session, ExamSession.Status.CLOSED)
    return session


def attempt_unlock_code(*, actor: Any, attempt: Attempt, reason: str) -> Attempt:
    """Let an examinee locked out by five wrong access codes try again before the five
    minutes are over, with the reason recorded."""
    reason = nfc(reason)
    if not reason:
        raise DomainError(_("Write the reason for unlocking."))
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.codes_locked(timezone.now()):
            raise DomainError(_("This examinee's access code entry is not locked."))
        attempt.wrong_codes = 0
        attempt.codes_locked_until = None
        attempt.save(update_fields=["wrong_codes", "codes_locked_until"])
        _attempt_incident(
            actor, attempt, Incident.Kind.CODE_UNLOCK, AuditAction.ATTEMPT_CODE_UNLOCKED, reason
        )
    return attempt


def attempt_extra_time(*, actor: Any, attempt: Attempt, minutes: int, reason: str) -> Attempt:
    """Give one examinee more time, with the reason recorded."""
    reason = nfc(reason)
    if not 1 <= minutes <= 120:
        raise DomainError(_("Extra time is between 1 and 120 minutes."))
    if not reason:
        raise DomainError(_("Write the reason for the extra time."))
    if attempt.status == Attempt.Status.SUBMITTED:
        raise DomainError(_("The attempt is submitted; reopen it instead."))
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        attempt.extra_seconds += minutes * 60
        if attempt.deadline is not None:
            attempt.deadline += timedelta(minutes=minutes)
        attempt.save(update_fields=["extra_seconds", "deadline"])
        _attempt_incident(
            actor,
            attempt,
            Incident.Kind.EXTRA_TIME,
            AuditAction.ATTEMPT_EXTRA_TIME,
            reason,
            minutes=minutes,
        )
    return attempt


def attempt_reopen(*, actor: Any, attempt: Attempt, minutes: int, reason: str) -> Attempt:
    """Let an examinee go on after an incident; the answers stay, the grade waits for the new
    submission."""
    reason = nfc(reason)
    if len(reason) < 10:
        raise DomainError(_("Write the reason for reopening (at least 10 characters)."))
    if not 1 <= minutes <= 120:
        raise DomainError(_("The time given back is between 1 and 120 minutes."))
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("session").get(pk=attempt.pk)
        if attempt.status != Attempt.Status.SUBMITTED:
            raise DomainError(_("Only a submitted attempt can be reopened."))
        if attempt.session.status == ExamSession.Status.CLOSED:
            raise DomainError(_("The session is closed."))
        attempt.status = Attempt.Status.IN_PROGRESS
        attempt.deadline = timezone.now() + timedelta(minutes=minutes)
        attempt.submitted_at = None
        attempt.submitted_by = ""
        attempt.save(update_fields=["status", "deadline", "submitted_at", "submitted_by"])
        _attempt_incident(
            actor,
            attempt,
            Incident.Kind.REOPEN,
            AuditAction.ATTEMPT_REOPENED,
            reason,
            minutes=minutes,
        )
    return attempt


def _attempt_incident(
    actor: Any, attempt: Attempt, kind: str, action: AuditAction, reason: str, **summary: Any
) -> None:
    """What a proctor did to one attempt: an incident on the console and an audit entry."""
    Incident.objects.create(
        session_id=attempt.session_id, attempt=attempt, kind=kind, reason=reason, by=_user(actor)
    )
    audit_log(
        actor=actor,
        action=action,
        obj=attempt,
        unit=attempt.person.unit,
        summary={**summary, "reason": reason},
    )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def session_statistics_store(*, actor: Any, session: ExamSession) -> ExamSession:
    """Compute the session's item and test statistics over its submitted attempts and keep
    them on the session, for the statistics page (the statistics job runs this)."""
    from sathach.exams.statistics import session_statistics, statistics_as_json

    stats = session_statistics(session)
    with transaction.atomic():
        session.statistics = statistics_as_json(stats)
        session.statistics_at = timezone.now()
        session.save(update_fields=["statistics", "statistics_at"])
        audit_log(
            actor=actor,
            action=AuditAction.EXAM_STATISTICS_COMPUTED,
            obj=session,
            unit=session.campaign.issuing_unit,
            summary={"attempts": stats.attempts, "flagged": len(stats.flagged)},
        )
    return session
