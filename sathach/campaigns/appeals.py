"""Appeals (phúc khảo): a leader, or their commune's officer for them, asks for a review of
the leader's result in one content before the campaign's deadline; the district decides,
with a reason. An upheld appeal changes the result (`result_override`), which re-opens an
approved ranking; every step is audited and shown to whoever asked.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import Appeal, Campaign, Result
from sathach.campaigns.services import result_override
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc_text
from sathach.organization.models import Person
from sathach.organization.permissions import Perm, units_for_user, user_can

# Appeals are about published results that can still change.
OPEN_STATUSES = (Campaign.Status.RESULTS, Campaign.Status.APPROVED)
MIN_REASON = 10


def appeals_open(campaign: Campaign, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        campaign.status in OPEN_STATUSES
        and campaign.appeal_deadline is not None
        and today <= campaign.appeal_deadline
    )


def appeal_deadline_set(*, actor: Any, campaign: Campaign, deadline: datetime.date | None) -> None:
    """Open appeals until `deadline` (None closes them)."""
    if campaign.status not in (*OPEN_STATUSES, Campaign.Status.TESTING):
        raise DomainError(
            _("Appeals are about the results of the test: set it once testing starts.")
        )
    with transaction.atomic():
        before = campaign.appeal_deadline
        Campaign.objects.filter(pk=campaign.pk).update(appeal_deadline=deadline)
        campaign.appeal_deadline = deadline
        audit_log(
            actor=actor,
            action=AuditAction.APPEAL_DEADLINE_SET,
            obj=campaign,
            summary={
                "before": before.isoformat() if before else None,
                "after": deadline.isoformat() if deadline else None,
            },
        )


def may_request_for(user: Any, person: Person) -> bool:
    """The leader themself, or an officer of the leader's commune."""
    if person.user_id is not None and person.user_id == user.pk:
        return user_can(user, Perm.REQUEST_APPEAL)
    return user_can(user, Perm.REQUEST_APPEAL, person.unit) and user_can(
        user, Perm.MANAGE_PEOPLE, person.unit
    )


def appeal_request(
    *, actor: Any, campaign: Campaign, person: Person, content: int, reason: str
) -> Appeal:
    """Ask for a review of the leader's result in one content: once a content, before the
    deadline, about a result that exists."""
    reason = nfc_text(reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError(_("Say what should be reviewed and why (at least 10 characters)."))
    if content not in Result.Content.values:
        raise DomainError(_("Choose the content to review."))
    if not may_request_for(actor, person):
        raise DomainError(_("Only the leader or their commune's officer can ask for a review."))
    if not appeals_open(campaign):
        raise DomainError(
            _("Reviews of results are not open for this campaign (deadline: %(day)s).")
            % {
                "day": campaign.appeal_deadline.strftime("%d/%m/%Y")
                if campaign.appeal_deadline
                else "—"
            }
        )
    result = Result.objects.filter(campaign=campaign, person=person, content=content).first()
    if result is None:
        raise DomainError(_("There is no result to review in this content."))
    with transaction.atomic():
        if Appeal.objects.filter(campaign=campaign, person=person, content=content).exists():
            raise DomainError(_("A review of this result was asked for already."))
        appeal = Appeal.objects.create(
            campaign=campaign,
            person=person,
            content=content,
            reason=reason,
            requested_by=actor,
            outcome_before=result.outcome,
        )
        audit_log(
            actor=actor,
            action=AuditAction.APPEAL_REQUESTED,
            obj=appeal,
            unit=person.unit,
            summary={"person": person.full_name, "content": content, "reason": reason},
        )
    return appeal


def appeal_decide(
    *, actor: Any, appeal: Appeal, upheld: bool, outcome: str = "", decision: str
) -> Appeal:
    """The district's answer. Upheld with a new outcome, the leader's result changes (the
    ranking's approval re-opens); rejected, the result stands. The reason is shown to the
    one who asked."""
    decision = nfc_text(decision or "").strip()
    if len(decision) < MIN_REASON:
        raise DomainError(_("Write the decision and its reason (at least 10 characters)."))
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("campaign", "person")
            .get(pk=appeal.pk)
        )
        if appeal.status != Appeal.Status.PENDING:
            raise DomainError(_("This review was decided already."))
        if upheld:
            if outcome not in (Result.Outcome.PASSED, Result.Outcome.FAILED):
                raise DomainError(_("Choose the result after the review."))
            if outcome == appeal.outcome_before:
                raise DomainError(
                    _("An upheld review changes the result: choose the other outcome, or reject.")
                )
            result_override(
                actor=actor,
                campaign=appeal.campaign,
                person=appeal.person,
                content=appeal.content,
                outcome=outcome,
                reason=_("Review (phúc khảo): %(decision)s") % {"decision": decision},
            )
        appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
        appeal.outcome_after = outcome if upheld else appeal.outcome_before
        appeal.decision = decision
        appeal.decided_by = actor
        appeal.decided_at = timezone.now()
        appeal.save(
            update_fields=["status", "outcome_after", "decision", "decided_by", "decided_at"]
        )
        audit_log(
            actor=actor,
            action=AuditAction.APPEAL_DECIDED,
            obj=appeal,
            unit=appeal.person.unit,
            summary={
                "person": appeal.person.full_name,
                "content": appeal.content,
                "status": appeal.status,
                "before": appeal.outcome_before,
                "after": appeal.outcome_after,
                "decision": decision,
            },
        )
    return appeal


def appeals_for_user(user: Any, campaign: Campaign) -> QuerySet[Appeal]:
    """The campaign's appeals the user may see: the district's all, a commune's its own, a
    leader theirs."""
    scope = units_for_user(user, Perm.VIEW_CAMPAIGN)
    found = Appeal.objects.filter(campaign=campaign).select_related(
        "person__unit", "requested_by", "decided_by"
    )
    return found.filter(person__unit__in=scope) | found.filter(person__user=user)
