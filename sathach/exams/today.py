"""The test day as the home page shows it: a proctor's sessions of today (both contents), and
an examinee's two contents of each campaign with when, where and how long.

Read at every sign-in, so each function reads a fixed number of queries whatever the number
of sessions, attempts or examinees.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign, Result
from sathach.eoffice.models import OfficeSession, ScenarioSet, Task
from sathach.exams.models import Attempt, Blueprint, ExamSession
from sathach.organization.models import LEADER_POSITIONS, Person

CAMPAIGNS_SHOWN = 3
LIVE = ("open", "paused")  # the statuses of a running session, both kinds


@dataclass
class SessionToday:
    """A session the proctor runs: an IT-skills or an e-office one."""

    content: str  # the content's name
    session: ExamSession | OfficeSession
    campaign: Campaign
    examinees: int
    started: int
    submitted: int
    url: str

    @property
    def live(self) -> bool:
        return self.session.status in LIVE


def _today() -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _sessions(model: Any, user: Any, when: Q, work: str) -> Any:
    """The user's sessions of one kind matching `when`, with their examinees counted and
    the attempts or tasks (`work`) started and submitted."""
    return (
        model.objects.filter(when, proctor=user)
        .select_related("campaign")
        .annotate(
            examinee_count=Count("examinees", distinct=True),
            started_count=Count(work, filter=~Q(**{f"{work}__status": "ready"}), distinct=True),
            submitted_count=Count(
                work, filter=Q(**{f"{work}__status": "submitted"}), distinct=True
            ),
        )
        .order_by("opens_at", "pk")
    )


def _rows(exam: Any, office: Any) -> list[SessionToday]:
    content = dict(Result.Content.choices)
    rows = [
        SessionToday(
            str(content[1]),
            s,
            s.campaign,
            s.examinee_count,
            s.started_count,
            s.submitted_count,
            reverse("session-console", args=[s.pk]),
        )
        for s in exam
    ] + [
        SessionToday(
            str(content[2]),
            s,
            s.campaign,
            s.examinee_count,
            s.started_count,
            s.submitted_count,
            reverse("eoffice-session", args=[s.pk]),
        )
        for s in office
    ]
    return sorted(rows, key=lambda row: (row.session.opens_at, row.content))


def proctor_sessions_today(
    user: Any, *, upcoming: bool = True
) -> tuple[list[SessionToday], list[SessionToday]]:
    """The sessions of both contents that name the user as proctor and run today (their
    window to start meets today, or they are open or paused now); with none today and
    `upcoming`, the next ones to come (of each content, the first)."""
    start, end = _today()
    today = Q(status__in=LIVE) | Q(opens_at__lt=end, closes_at__gte=start)
    rows = _rows(
        _sessions(ExamSession, user, today, "attempts"),
        _sessions(OfficeSession, user, today, "tasks"),
    )
    if rows or not upcoming:
        return rows, []
    later = Q(opens_at__gte=end, status="scheduled")
    return [], _rows(
        _sessions(ExamSession, user, later, "attempts")[:1],
        _sessions(OfficeSession, user, later, "tasks")[:1],
    )


@dataclass
class ContentSlot:
    """One content of a campaign as the examinee sits it: where, when, how long, in what
    state, and the page to go to."""

    content: str
    state: str  # a short phrase: not started, in progress, submitted, …
    place: str = ""
    opens_at: datetime.datetime | None = None
    closes_at: datetime.datetime | None = None
    first_day: datetime.date | None = None  # without a session: the campaign's test days
    last_day: datetime.date | None = None
    anytime: bool = False  # started whenever the campaign is testing
    minutes: int | None = None
    url: str = ""
    action: str = ""
    tone: str = ""  # ok when done, waiting when something is to do now


@dataclass
class CampaignTests:
    campaign: Campaign
    slots: list[ContentSlot] = field(default_factory=list)


def _attempt_slot(attempt: Attempt, content: str, minutes: int | None) -> ContentSlot:
    session = attempt.session
    slot = ContentSlot(
        content,
        str(attempt.get_status_display()),
        place=", ".join(part for part in (session.name, session.room) if part),
        opens_at=session.opens_at,
        closes_at=session.closes_at,
        minutes=minutes,
        url=reverse("my-tests"),
    )
    if attempt.status == Attempt.Status.SUBMITTED:
        slot.url, slot.action, slot.tone = (
            reverse("attempt-review", args=[attempt.pk]),
            _("See the result"),
            "ok",
        )
    elif attempt.status == Attempt.Status.IN_PROGRESS:
        slot.url, slot.action, slot.tone = (
            reverse("attempt", args=[attempt.pk]),
            _("Go on with the test"),
            "waiting",
        )
    elif session.status == ExamSession.Status.OPEN:
        slot.action, slot.tone = _("Enter the access code and start"), "waiting"
    elif session.status == ExamSession.Status.CLOSED:
        slot.state = _("The session is closed.")
    else:
        slot.action = _("My tests")
    return slot


def _task_slot(task: Task, content: str, minutes: int | None) -> ContentSlot:
    campaign = task.campaign
    slot = ContentSlot(
        content,
        str(task.get_status_display()),
        minutes=minutes,
        url=reverse("eoffice-my"),
    )
    if task.session is not None:
        slot.place = ", ".join(part for part in (task.session.name, task.session.room) if part)
        slot.opens_at, slot.closes_at = task.session.opens_at, task.session.closes_at
    else:
        slot.first_day, slot.last_day = campaign.test_start, campaign.test_end
        slot.anytime = True
    if task.status == Task.Status.SUBMITTED:
        slot.url, slot.action, slot.tone = (
            reverse("eoffice-result", args=[task.pk]),
            _("See the result"),
            "ok",
        )
    elif task.status == Task.Status.IN_PROGRESS:
        slot.url, slot.action, slot.tone = (
            reverse("eoffice-inbox", args=[task.pk]),
            _("Go on with the test"),
            "waiting",
        )
    elif campaign.status != Campaign.Status.TESTING:
        slot.state = _(
            "Not open yet: the test can be started once the district opens the test day."
        )
    elif task.session is not None and task.session.status != OfficeSession.Status.OPEN:
        slot.action = _("E-office test")
    else:
        slot.action, slot.tone = _("Start the test"), "waiting"
    return slot


def examinee_tests(user: Any, person: Person | None) -> list[CampaignTests]:
    """The examinee's campaigns not closed yet, newest first, each with both contents: the
    IT-skills attempts and the e-office tasks drawn for them, or, for a leader of a
    commune in a campaign that has drawn nothing for them yet, that nothing is scheduled."""
    content = dict(Result.Content.choices)
    attempts = list(
        Attempt.objects.filter(user=user)
        .exclude(session__campaign__status=Campaign.Status.CLOSED)
        .select_related("session__campaign")
        .order_by("session__opens_at", "pk")
    )
    tasks = list(
        Task.objects.filter(user=user)
        .exclude(campaign__status=Campaign.Status.CLOSED)
        .select_related("campaign", "session")
        .order_by("round", "pk")
    )
    campaigns = {a.session.campaign.pk: a.session.campaign for a in attempts}
    campaigns.update({t.campaign.pk: t.campaign for t in tasks})
    if person is not None and person.position in LEADER_POSITIONS:
        for campaign in Campaign.objects.filter(
            participants=person.unit_id,
            status__in=(Campaign.Status.PREPARING, Campaign.Status.TESTING),
        ):
            campaigns.setdefault(campaign.pk, campaign)
    shown = sorted(campaigns.values(), key=lambda c: (c.issued_on, c.pk), reverse=True)
    shown = shown[:CAMPAIGNS_SHOWN]
    ids = [c.pk for c in shown]
    exam_minutes = dict(
        Blueprint.objects.filter(campaign__in=ids).values_list("campaign_id", "duration_minutes")
    )
    office_minutes = dict(
        ScenarioSet.objects.filter(campaign__in=ids).values_list("campaign_id", "duration_minutes")
    )
    result = []
    for campaign in shown:
        entry = CampaignTests(campaign)
        own_attempts = [a for a in attempts if a.session.campaign_id == campaign.pk]
        own_tasks = [t for t in tasks if t.campaign_id == campaign.pk]
        entry.slots += [
            _attempt_slot(a, str(content[1]), exam_minutes.get(campaign.pk)) for a in own_attempts
        ] or [ContentSlot(str(content[1]), _("No session scheduled for you yet."))]
        entry.slots += [
            _task_slot(t, str(content[2]), office_minutes.get(campaign.pk)) for t in own_tasks
        ] or [ContentSlot(str(content[2]), _("No documents drawn for you yet."))]
        result.append(entry)
    return result
