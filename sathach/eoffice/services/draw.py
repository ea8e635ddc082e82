"""Drawing a leader's e-office documents, and moving them to the day the test is taken.

A draw only gives a commune documents its roster can handle: a scenario whose expected main
handler (or, where one is required, every acceptable coordinator) holds no post in that
commune is left out there. The documents' dates (issue, arrival, the latest deadline) are
relative to the test day: set to the day of the draw, and moved to the day the leader
starts the test, PDFs included, so that a draw made days before is judged exactly as one
made that morning.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.eoffice.documents import issue_date, latest_deadline, render_scenario
from sathach.eoffice.models import Kind, Scenario, ScenarioSet, Task, TaskDocument
from sathach.eoffice.services.sessions import session_for
from sathach.organization.models import HANDLER_POSITIONS, LEADER_POSITIONS, Person


def scenario_set_of(campaign: Campaign) -> ScenarioSet:
    """The campaign's scenario set, created with the defaults (4 incoming, 1 outgoing)."""
    found, _created = ScenarioSet.objects.get_or_create(campaign=campaign)
    return found


def balanced_draw(rng: random.Random, scenarios: Sequence[Scenario], count: int) -> list[Scenario]:
    """`count` scenarios, spread over main handlers first, then document types: each pick is
    a random one among those whose handler and type were drawn least so far."""
    pool = list(scenarios)
    rng.shuffle(pool)
    handlers: Counter[str] = Counter()
    types: Counter[str] = Counter()
    chosen: list[Scenario] = []
    while pool and len(chosen) < count:
        best = min(pool, key=lambda s: (handlers[s.main_handler], types[s.doc_type]))
        pool.remove(best)
        chosen.append(best)
        handlers[best.main_handler] += 1
        types[best.doc_type] += 1
    return chosen


def roster_positions(unit_id: int) -> set[str]:
    """The civil servants' posts that someone holds in a commune."""
    return set(
        Person.objects.filter(unit_id=unit_id, position__in=HANDLER_POSITIONS).values_list(
            "position", flat=True
        )
    )


def handled_in(scenario: Scenario, positions: set[str]) -> bool:
    """Whether a commune with these posts can handle the document as the scenario expects."""
    if scenario.kind != Kind.INCOMING or scenario.coordinating:
        return True
    if scenario.main_handler not in positions:
        return False
    return not scenario.coordinator_required or bool(set(scenario.coordinators) & positions)


def _pools(rules: ScenarioSet, positions: set[str]) -> tuple[list[Scenario], ...]:
    incoming = [s for s in rules.pool(Kind.INCOMING) if handled_in(s, positions)]
    coordinating = list(rules.pool(Kind.INCOMING, coordinating=True))
    outgoing = list(rules.pool(Kind.OUTGOING))
    if len(incoming) < rules.incoming_count:
        missing = sorted(
            {s.get_main_handler_display() for s in rules.pool(Kind.INCOMING)}
            - {s.get_main_handler_display() for s in incoming}
        )
        raise DomainError(
            _(
                "Too few documents can be handled by this commune's civil servants "
                "(%(count)s of %(needed)s). Add to the roster: %(missing)s."
            )
            % {
                "count": len(incoming),
                "needed": rules.incoming_count,
                "missing": ", ".join(str(m) for m in missing) or "—",
            }
        )
    if len(outgoing) < rules.outgoing_count or len(coordinating) < rules.coordinating_count:
        raise DomainError(_("The scenario bank has too few documents: load it first."))
    return incoming, coordinating, outgoing


def _render_documents(task: Task, scenarios: list[Scenario], day: datetime.date) -> list[Any]:
    person = task.person
    return [
        render_scenario(
            scenario,
            test_day=day,
            commune=person.unit,
            signer=None if scenario.kind == Kind.INCOMING else person,
        )
        for scenario in scenarios
    ]


def _dated(document: TaskDocument, day: datetime.date, rendered: Any) -> TaskDocument:
    """Set a drawn document's dates and PDF for the test day."""
    scenario = document.scenario
    is_incoming = scenario.kind == Kind.INCOMING
    document.arrival_date = day if is_incoming else None
    document.issued_on = issue_date(scenario, day) if is_incoming else day
    document.latest_deadline = latest_deadline(scenario, day) if is_incoming else None
    document.pdf = rendered.pdf
    document.sign_page = rendered.sign_page
    document.sign_box = list(rendered.sign_box)
    return document


def task_prepare(
    *,
    actor: Any,
    campaign: Campaign,
    person: Person,
    seed: int | None = None,
    test_day: datetime.date | None = None,
    round: int = 1,
) -> Task:
    """Draw a leader's documents and make their PDFs. A task that exists is kept. Round 2
    is a retake (`task_prepare_retake`)."""
    existing = Task.objects.filter(campaign=campaign, person=person, round=round).first()
    if existing is not None:
        return existing
    if person.position not in LEADER_POSITIONS or person.user_id is None:
        raise DomainError(_("The e-office test is for Chairmen and Vice-Chairmen with an account."))
    if not campaign.participants.filter(pk=person.unit_id).exists():
        raise DomainError(
            _("%(unit)s does not take part in this campaign.") % {"unit": person.unit.name}
        )
    rules = scenario_set_of(campaign)
    incoming, coordinating, outgoing = _pools(rules, roster_positions(person.unit_id))
    key = f"{seed}:{person.pk}" if round == 1 else f"{seed}:{person.pk}:{round}"
    rng = random.Random(None if seed is None else key)  # noqa: S311
    drawn = balanced_draw(rng, incoming, rules.incoming_count)
    if rules.coordinating_count:
        drawn += balanced_draw(rng, coordinating, rules.coordinating_count)
    drawn += rng.sample(outgoing, rules.outgoing_count)
    day = test_day or timezone.localdate()
    arrival = rng.randint(120, 880)
    with transaction.atomic():
        task = Task.objects.create(
            campaign=campaign,
            person=person,
            user_id=person.user_id,
            test_day=day,
            round=round,
            session=session_for(campaign, person),
        )
        for (position, scenario), rendered in zip(
            enumerate(drawn, start=1), _render_documents(task, drawn, day), strict=True
        ):
            is_incoming = scenario.kind == Kind.INCOMING
            document = TaskDocument(
                task=task,
                scenario=scenario,
                position=position,
                kind=scenario.kind,
                arrival_number=arrival + position if is_incoming else None,
                state=(
                    TaskDocument.State.COORDINATING
                    if scenario.coordinating
                    else TaskDocument.State.PENDING
                ),
            )
            _dated(document, day, rendered).save()
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_TASK_PREPARED,
            obj=task,
            unit=person.unit,
            summary={"scenarios": [s.code for s in drawn], "round": round},
        )
    return task


def retake_allowed(campaign: Campaign, person: Person) -> bool:
    """The campaign allows a retake, the leader's first test is submitted and failed, and no
    retake was drawn yet."""
    if campaign.retake_policy == Campaign.RetakePolicy.NONE:
        return False
    tasks = list(Task.objects.filter(campaign=campaign, person=person))
    return (
        len(tasks) == 1
        and tasks[0].status == Task.Status.SUBMITTED
        and tasks[0].final_passed is False
    )


def task_prepare_retake(
    *, actor: Any, campaign: Campaign, person: Person, seed: int | None = None
) -> Task:
    """Draw a second e-office test for a leader who failed the first, when the campaign's
    retake policy allows it; the policy says which result counts."""
    if not retake_allowed(campaign, person):
        raise DomainError(
            _(
                "%(name)s cannot retake the e-office test: the campaign allows no retake, or "
                "the first test is not failed, or a retake exists."
            )
            % {"name": person.full_name}
        )
    return task_prepare(actor=actor, campaign=campaign, person=person, seed=seed, round=2)


def tasks_prepare_retakes(*, actor: Any, campaign: Campaign) -> int:
    """Draw a retake for every leader who may take one; returns how many."""
    leaders = Person.objects.filter(
        eoffice_tasks__campaign=campaign, eoffice_tasks__status=Task.Status.SUBMITTED
    ).distinct()
    count = 0
    for person in leaders.select_related("unit"):
        if retake_allowed(campaign, person):
            task_prepare_retake(actor=actor, campaign=campaign, person=person)
            count += 1
    return count


def tasks_prepare(*, actor: Any, campaign: Campaign, seed: int | None = None) -> int:
    """Draw for every leader with an account in the campaign's communes; returns how many
    tasks were created now."""
    leaders = Person.objects.filter(
        unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS, user__isnull=False
    ).exclude(eoffice_tasks__campaign=campaign)
    count = 0
    for person in leaders.select_related("unit"):
        task_prepare(actor=actor, campaign=campaign, person=person, seed=seed)
        count += 1
    return count


def task_documents_for_day(task: Task, day: datetime.date) -> list[TaskDocument]:
    """The task's documents dated for `day` (not saved): nothing changes when the task was
    drawn that day. Called before the task starts, outside its transaction, since rendering
    the PDFs takes a moment."""
    if task.test_day == day:
        return []
    documents = list(task.documents.select_related("scenario").order_by("position"))
    scenarios = [d.scenario for d in documents]
    rendered = _render_documents(task, scenarios, day)
    return [_dated(d, day, r) for d, r in zip(documents, rendered, strict=True)]


def task_move_to_day(task: Task, day: datetime.date, documents: list[TaskDocument]) -> None:
    """Store the documents of `task_documents_for_day` and the task's new test day; inside
    the start's transaction."""
    if not documents:
        return
    TaskDocument.objects.bulk_update(
        documents,
        ["arrival_date", "issued_on", "latest_deadline", "pdf", "sign_page", "sign_box"],
    )
    Task.objects.filter(pk=task.pk).update(test_day=day)
