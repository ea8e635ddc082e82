"""What the people of a campaign have to do now, for their home pages: the district's (or
province's) campaigns in progress with their gaps, a commune's readiness and its leaders not
yet tested, and the rankings that wait for the council.

Every figure comes from the campaign's own reads (`selectors.readiness`,
`selectors.results_by_leader`), so the home page says what the pages behind its links say.
A home page is read at every sign-in: each function reads a bounded number of rows per
campaign and shows a bounded number of campaigns (CAMPAIGNS_SHOWN).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sathach.campaigns.models import (
    Appeal,
    Award,
    Campaign,
    RankingSnapshot,
    Result,
)
from sathach.campaigns.selectors import Gap, readiness, results_by_leader
from sathach.campaigns.services import snapshot_awarded_units
from sathach.organization.models import AdministrativeUnit, Person, Role
from sathach.organization.permissions import Perm, memberships, units_for_user, user_can

CAMPAIGNS_SHOWN = 5
# The statuses in which a commune's readiness still counts: devices and facilities are
# prepared before the test and verified until the results are ranked.
READINESS_STATUSES = (Campaign.Status.PREPARING, Campaign.Status.TESTING)
TESTING_STATUSES = (Campaign.Status.TESTING, Campaign.Status.RESULTS)
Status = Campaign.Status


@dataclass
class Step:
    """One thing to do (or a note that nothing is), with the page where it is done. `tone`
    is one of the stylesheet's gap classes: missing, waiting, ok."""

    text: str
    url: str = ""
    tone: str = "missing"


@dataclass
class CampaignWork:
    campaign: Campaign
    steps: list[Step] = field(default_factory=list)


@dataclass
class UntestedLeader:
    person: Person
    contents: list[str]  # the contents without a result, by name


@dataclass
class CommuneWork:
    """One commune's part in one campaign: what its readiness lacks, who is not tested."""

    campaign: Campaign
    unit: AdministrativeUnit
    gaps: list[Gap] | None  # None: readiness is over for this campaign
    untested: list[UntestedLeader] | None  # None: the test has not begun
    leaders: int = 0


@dataclass
class CouncilWork:
    campaign: Campaign
    waiting: bool  # the results are in and the ranking waits for the council
    approved_at: Any = None
    awarded: list[str] = field(default_factory=list)  # names, in ranking order


def _by_campaign(rows: Any, key: str = "campaign_id") -> dict[int, int]:
    return {row[key]: row["n"] for row in rows}


def _people_by_campaign(pairs: Any) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for campaign_id, person_id in pairs:
        found.setdefault(campaign_id, set()).add(person_id)
    return found


@dataclass
class _Figures:
    """What the steps of several campaigns need, each read once for all of them."""

    with_blueprint: set[int]
    sessions: dict[int, int]  # IT-skills sessions not closed
    unprepared: dict[int, int]  # of which without forms drawn
    seated: dict[int, set[int]]  # leaders in an IT-skills session
    drawn: dict[int, set[int]]  # leaders with e-office documents
    tested: dict[int, set[int]]  # leaders with a result in both contents
    appeals: dict[int, int]  # pending
    unproduced: dict[int, int]  # awards without a certificate file


def _figures(campaigns: list[Campaign]) -> _Figures:
    # Imported here: the exams and the e-office test are built on campaigns, not beside.
    from sathach.eoffice.models import Task
    from sathach.exams.models import Blueprint, ExamSession

    ids = [c.pk for c in campaigns]
    preparing = [c.pk for c in campaigns if c.status in READINESS_STATUSES]
    open_sessions = ExamSession.objects.filter(campaign__in=preparing).exclude(
        status=ExamSession.Status.CLOSED
    )
    return _Figures(
        with_blueprint=set(
            Blueprint.objects.filter(campaign__in=preparing).values_list("campaign_id", flat=True)
        ),
        sessions=_by_campaign(open_sessions.values("campaign_id").annotate(n=Count("pk"))),
        unprepared=_by_campaign(
            open_sessions.filter(prepared_at__isnull=True)
            .values("campaign_id")
            .annotate(n=Count("pk"))
        ),
        seated=_people_by_campaign(
            ExamSession.examinees.through.objects.filter(
                examsession__campaign__in=preparing
            ).values_list("examsession__campaign_id", "person_id")
        ),
        drawn=_people_by_campaign(
            Task.objects.filter(campaign__in=preparing).values_list("campaign_id", "person_id")
        ),
        tested=_people_by_campaign(
            (row["campaign_id"], row["person_id"])
            for row in Result.objects.filter(
                campaign__in=preparing, campaign__status=Status.TESTING
            )
            .exclude(outcome=Result.Outcome.ABSENT)
            .values("campaign_id", "person_id")
            .annotate(n=Count("content", distinct=True))
            .filter(n=2)
        ),
        appeals=_by_campaign(
            Appeal.objects.filter(campaign__in=ids, status=Appeal.Status.PENDING)
            .values("campaign_id")
            .annotate(n=Count("pk"))
        ),
        unproduced=_by_campaign(
            Award.objects.filter(decision__campaign__in=ids, certificate_files__isnull=True)
            .values("decision__campaign_id")
            .annotate(n=Count("pk")),
            "decision__campaign_id",
        ),
    )


def campaigns_to_run(user: Any) -> tuple[list[CampaignWork], bool]:
    """The campaigns the user manages that are not closed, newest first, each with what is
    still to be done (readiness, sessions and documents to prepare, results to approve,
    awards to produce), and whether there are more than CAMPAIGNS_SHOWN."""
    scope = units_for_user(user, Perm.MANAGE_CAMPAIGN)
    found = list(
        Campaign.objects.filter(issuing_unit__in=scope)
        .exclude(status=Status.CLOSED)
        .select_related("issuing_unit")
        .order_by("-issued_on", "-pk")[: CAMPAIGNS_SHOWN + 1]
    )
    campaigns = found[:CAMPAIGNS_SHOWN]
    figures = _figures(campaigns)
    work = []
    for campaign in campaigns:
        steps = _steps(user, campaign, figures)
        if not steps:
            steps.append(
                Step(_("Nothing is missing."), reverse("campaign-detail", args=[campaign.pk]), "ok")
            )
        work.append(CampaignWork(campaign, steps))
    return work, len(found) > CAMPAIGNS_SHOWN


def _steps(user: Any, campaign: Campaign, figures: _Figures) -> list[Step]:
    """What is still to be done in one campaign, in the order of its steps."""
    pk = campaign.pk
    steps: list[Step] = []
    if campaign.status == Status.DRAFT:
        steps.append(
            Step(
                _("Check the settings and the participating units, then start preparing."),
                reverse("campaign-detail", args=[pk]),
                "waiting",
            )
        )
    if campaign.status in READINESS_STATUSES:
        readiness_steps, leaders = _readiness_steps(campaign)
        steps += readiness_steps
        steps += _test_steps(
            campaign,
            leaders=leaders,
            has_blueprint=pk in figures.with_blueprint,
            sessions=figures.sessions.get(pk, 0),
            unprepared=figures.unprepared.get(pk, 0),
            unseated=len(leaders - figures.seated.get(pk, set())),
            undrawn=len(leaders - figures.drawn.get(pk, set())),
        )
        if campaign.status == Status.TESTING and leaders:
            done = len(leaders & figures.tested.get(pk, set()))
            steps.append(
                Step(
                    ngettext(
                        "%(n)s of %(total)s leader has been tested in both contents.",
                        "%(n)s of %(total)s leaders have been tested in both contents.",
                        len(leaders),
                    )
                    % {"n": done, "total": len(leaders)},
                    reverse("result-list", args=[pk]),
                    "ok" if done == len(leaders) else "waiting",
                )
            )
    if campaign.status == Status.RESULTS:
        steps.append(
            Step(
                _("The results are in: the ranking waits for the council's approval."),
                reverse("ranking", args=[pk]),
                "waiting",
            )
        )
    appeals = figures.appeals.get(pk, 0)
    if appeals:
        steps.append(
            Step(
                ngettext(
                    "%(n)s request for review waits for your decision.",
                    "%(n)s requests for review wait for your decision.",
                    appeals,
                )
                % {"n": appeals},
                reverse("campaign-appeals", args=[pk]),
            )
        )
    if campaign.status == Status.APPROVED:
        steps.append(
            Step(
                _("The ranking is approved: record the award decision."),
                reverse("ranking", args=[pk]),
                "waiting",
            )
        )
    if campaign.status == Status.AWARDED:
        unproduced = figures.unproduced.get(pk, 0)
        if unproduced and user_can(user, Perm.EXPORT_REPORTS, campaign.issuing_unit):
            steps.append(
                Step(
                    ngettext(
                        "%(n)s award certificate is not produced yet.",
                        "%(n)s award certificates are not produced yet.",
                        unproduced,
                    )
                    % {"n": unproduced},
                    reverse("report-certificates", args=[pk]),
                    "waiting",
                )
            )
        else:
            steps.append(
                Step(
                    _("Awarded: close the campaign once the certificates are handed over."),
                    reverse("campaign-detail", args=[pk]),
                    "ok",
                )
            )
    return steps


def _readiness_steps(campaign: Campaign) -> tuple[list[Step], set[int]]:
    """What the communes still lack, and the campaign's leaders (the frozen roster once
    the test day has opened) by id, as the readiness page reads them."""
    rows = readiness(campaign, campaign.participants.all())
    leaders = {leader.person.pk for row in rows for leader in row.leaders}
    url = reverse("readiness", args=[campaign.pk])
    lacking = sum(1 for row in rows if any(gap.severity == "missing" for gap in row.gaps))
    waiting = sum(1 for row in rows for gap in row.gaps if gap.severity == "waiting")
    steps = []
    if lacking:
        steps.append(
            Step(
                ngettext(
                    "%(n)s of %(total)s unit still lacks something for the test.",
                    "%(n)s of %(total)s units still lack something for the test.",
                    lacking,
                )
                % {"n": lacking, "total": len(rows)},
                url,
            )
        )
    if waiting:
        steps.append(
            Step(
                ngettext(
                    "%(n)s facility declaration waits for your verification.",
                    "%(n)s facility declarations wait for your verification.",
                    waiting,
                )
                % {"n": waiting},
                url,
                "waiting",
            )
        )
    return steps, leaders


def _test_steps(
    campaign: Campaign,
    *,
    leaders: set[int],
    has_blueprint: bool,
    sessions: int,
    unprepared: int,
    unseated: int,
    undrawn: int,
) -> list[Step]:
    exam = reverse("exam-overview", args=[campaign.pk])
    steps = []
    if not has_blueprint:
        steps.append(Step(_("The IT-skills test has no blueprint yet."), exam))
    if not sessions and campaign.status == Status.PREPARING:
        steps.append(Step(_("No IT-skills session is scheduled yet."), exam))
    if unprepared:
        steps.append(
            Step(
                ngettext(
                    "%(n)s IT-skills session has no forms drawn yet.",
                    "%(n)s IT-skills sessions have no forms drawn yet.",
                    unprepared,
                )
                % {"n": unprepared},
                exam,
            )
        )
    if sessions and unseated:
        steps.append(
            Step(
                ngettext(
                    "%(n)s leader is in no IT-skills session.",
                    "%(n)s leaders are in no IT-skills session.",
                    unseated,
                )
                % {"n": unseated},
                exam,
                "waiting",
            )
        )
    if leaders and undrawn:
        steps.append(
            Step(
                ngettext(
                    "%(n)s leader has no e-office documents drawn yet.",
                    "%(n)s leaders have no e-office documents drawn yet.",
                    undrawn,
                )
                % {"n": undrawn},
                reverse("eoffice-campaign", args=[campaign.pk]),
            )
        )
    return steps


def commune_work(user: Any) -> list[CommuneWork]:
    """For a commune officer: each campaign in progress their commune takes part in, with
    the commune's readiness gaps (while it is prepared) and its leaders not yet tested in
    both contents (once the test has begun). Only the officer's own communes are read."""
    units = [m.unit for m in memberships(user) if m.role == Role.COMMUNE_OFFICER]
    if not units:
        return []
    campaigns = list(
        Campaign.objects.filter(
            participants__in=units,
            status__in=(Status.PREPARING, Status.TESTING, Status.RESULTS),
        )
        .select_related("issuing_unit")
        .distinct()
        .order_by("-issued_on", "-pk")[:CAMPAIGNS_SHOWN]
    )
    if not campaigns:
        return []
    taking_part = set(
        Campaign.participants.through.objects.filter(
            campaign__in=campaigns, administrativeunit__in=units
        ).values_list("campaign_id", "administrativeunit_id")
    )
    labels = dict(Result.Content.choices)
    work = []
    for campaign in campaigns:
        own = AdministrativeUnit.objects.filter(
            pk__in=[u.pk for u in units if (campaign.pk, u.pk) in taking_part]
        ).order_by("code")
        gaps: dict[int, list[Gap]] = {}
        if campaign.status in READINESS_STATUSES:
            gaps = {row.unit.pk: row.gaps for row in readiness(campaign, own)}
        untested: dict[int, list[UntestedLeader]] = {}
        leaders: dict[int, int] = {}
        if campaign.status in TESTING_STATUSES:
            for row in results_by_leader(campaign, own):
                leaders[row.person.unit_id] = leaders.get(row.person.unit_id, 0) + 1
                missing = [
                    str(labels[content])
                    for content, result in ((1, row.content1), (2, row.content2))
                    if result is None or result.outcome == Result.Outcome.ABSENT
                ]
                if missing:
                    untested.setdefault(row.person.unit_id, []).append(
                        UntestedLeader(row.person, missing)
                    )
        for unit in own:
            work.append(
                CommuneWork(
                    campaign=campaign,
                    unit=unit,
                    gaps=gaps.get(unit.pk) if campaign.status in READINESS_STATUSES else None,
                    untested=(
                        untested.get(unit.pk, []) if campaign.status in TESTING_STATUSES else None
                    ),
                    leaders=leaders.get(unit.pk, 0),
                )
            )
    return work


def council_work(user: Any) -> list[CouncilWork]:
    """For the council: the campaigns of its units whose ranking waits for its approval
    first, then those under way or approved (with the units the approved ranking awards),
    newest first."""
    scope = units_for_user(user, Perm.APPROVE_RANKING)
    campaigns = list(
        Campaign.objects.filter(issuing_unit__in=scope)
        .exclude(status__in=(Status.DRAFT, Status.CLOSED))
        .select_related("issuing_unit")
        .annotate(waiting=Case(When(status=Status.RESULTS, then=0), default=1))
        .order_by("waiting", "-issued_on", "-pk")[:CAMPAIGNS_SHOWN]
    )
    latest: dict[int, RankingSnapshot] = {}
    for found in RankingSnapshot.objects.filter(campaign__in=campaigns).order_by(
        "campaign_id", "-approved_at"
    ):
        latest.setdefault(found.campaign_id, found)
    work = []
    for campaign in campaigns:
        entry = CouncilWork(campaign=campaign, waiting=campaign.status == Status.RESULTS)
        snapshot = latest.get(campaign.pk)
        if snapshot is not None and campaign.status in (Status.APPROVED, Status.AWARDED):
            entry.approved_at = snapshot.approved_at
            entry.awarded = [unit["name"] for unit in snapshot_awarded_units(snapshot)]
        work.append(entry)
    return work
