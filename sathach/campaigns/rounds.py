"""Yearly rounds: a campaign copied into a new year.

The new round is a draft of the same issuing unit with what the admin prepared once and
keeps from year to year: the targets and settings, the facility checklist, the IT-skills
blueprint, the e-office scenario set and the shape of the sessions. What belongs to a year
stays with it: declarations, examinees, attempts, tasks, results, the frozen roster, the
rankings and the awards.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign, FacilityItem
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.eoffice.models import OfficeSession, ScenarioSet, scenarios_for_unit
from sathach.exams.models import Blueprint, BlueprintRule, ExamSession
from sathach.exams.services.sessions import access_code_new

# The settings a round keeps; the dates of its schedule move with the issue date.
COPIED_SETTINGS = (
    "participation_target",
    "pass_target",
    "device_target",
    "awards",
    "award_authority",
    "tie_breakers",
    "content1_pass_mark",
    "content2_rule",
    "content2_min_tasks",
    "content1_module_minimum",
    "retake_policy",
)
MOVED_DATES = (
    "preparation_deadline",
    "test_start",
    "test_end",
    "results_due",
    "appeal_deadline",
)


def _moved(value: Any, offset: datetime.timedelta) -> Any:
    return None if value is None else value + offset


def _sessions_copy(
    model: Any, sessions: list[Any], copy: Campaign, offset: datetime.timedelta, *fields: str
) -> list[Any]:
    """The sessions' shape in the new round: names, rooms, proctors and times moved by the
    issue date's offset, each with a new access code; `fields` are copied as they are."""
    return model.objects.bulk_create(
        model(
            campaign=copy,
            name=session.name,
            room=session.room,
            opens_at=session.opens_at + offset,
            closes_at=session.closes_at + offset,
            proctor_id=session.proctor_id,
            access_code=access_code_new(),
            **{name: getattr(session, name) for name in fields},
        )
        for session in sessions
    )


def campaign_copy(
    *,
    actor: Any,
    campaign: Campaign,
    code: str,
    title: str,
    issued_on: datetime.date,
) -> Campaign:
    """Copy `campaign` into a new draft round of the same issuing unit, issued on
    `issued_on`: its settings and participants, its facility checklist (not the
    declarations), its test blueprint, its e-office scenario set, and its sessions' names,
    rooms and proctors, their times and the schedule's dates moved by as many days as the
    issue date. No examinee, attempt, task or result is copied."""
    code, title = nfc(code.strip()), nfc(title.strip())
    if not code or not title:
        raise DomainError(_("The new round needs a code and a title."))
    if issued_on <= campaign.issued_on:
        raise DomainError(
            _("The new round must be issued after %(date)s, the date of %(code)s.")
            % {"date": campaign.issued_on.strftime("%d/%m/%Y"), "code": campaign.code}
        )
    offset = issued_on - campaign.issued_on
    with transaction.atomic():
        unit = campaign.issuing_unit
        if Campaign.objects.filter(issuing_unit=unit, code=code).exists():
            raise DomainError(_("Campaign %(code)s already exists.") % {"code": code})
        copy = Campaign(
            code=code,
            title=title,
            issuing_unit=unit,
            issued_on=issued_on,
            **{name: getattr(campaign, name) for name in COPIED_SETTINGS},
            **{name: _moved(getattr(campaign, name), offset) for name in MOVED_DATES},
        )
        copy.full_clean()
        copy.save()
        copy.participants.set(campaign.participants.all())
        items = list(campaign.facility_items.all())
        FacilityItem.objects.bulk_create(
            FacilityItem(
                campaign=copy,
                title=item.title,
                description=item.description,
                weight=item.weight,
                order=item.order,
            )
            for item in items
        )
        blueprint = Blueprint.objects.filter(campaign=campaign).first()
        if blueprint is not None:
            new_blueprint = Blueprint.objects.create(
                campaign=copy,
                bank=blueprint.bank,
                duration_minutes=blueprint.duration_minutes,
                shuffle_questions=blueprint.shuffle_questions,
                shuffle_options=blueprint.shuffle_options,
                review_score=blueprint.review_score,
                review_answers=blueprint.review_answers,
                review_key=blueprint.review_key,
            )
            BlueprintRule.objects.bulk_create(
                BlueprintRule(
                    blueprint=new_blueprint,
                    module=rule.module,
                    category=rule.category,
                    difficulty=rule.difficulty,
                    count=rule.count,
                )
                for rule in blueprint.rules.all()
            )
        scenario_set = ScenarioSet.objects.filter(campaign=campaign).first()
        dropped = 0
        if scenario_set is not None:
            new_set = ScenarioSet.objects.create(
                campaign=copy,
                incoming_count=scenario_set.incoming_count,
                outgoing_count=scenario_set.outgoing_count,
                coordinating_count=scenario_set.coordinating_count,
                duration_minutes=scenario_set.duration_minutes,
            )
            # A round issued in another era draws that era's documents: the chosen
            # scenarios of the old era stay behind.
            chosen = list(scenario_set.scenarios.all())
            fitting = list(
                scenarios_for_unit(unit).filter(era=copy.era, pk__in=[s.pk for s in chosen])
            )
            new_set.scenarios.set(fitting)
            dropped = len(chosen) - len(fitting)
        exam_sessions = _sessions_copy(
            ExamSession, list(campaign.exam_sessions.all()), copy, offset, "purpose"
        )
        office_sessions = _sessions_copy(
            OfficeSession, list(campaign.office_sessions.all()), copy, offset
        )
        audit_log(
            actor=actor,
            action=AuditAction.CAMPAIGN_COPIED,
            obj=copy,
            summary={
                "from": campaign.code,
                "code": code,
                "issued_on": issued_on.isoformat(),
                "days": offset.days,
                "facility_items": len(items),
                "exam_sessions": len(exam_sessions),
                "office_sessions": len(office_sessions),
                "scenarios_left_behind": dropped,
            },
        )
    return copy
