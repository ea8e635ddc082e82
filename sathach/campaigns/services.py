"""State changes of a campaign: its settings and status, readiness, results."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import (
    Award,
    AwardDecision,
    Campaign,
    RankingSnapshot,
    Result,
)
from sathach.campaigns.ranking import TIE_BREAKERS
from sathach.campaigns.signals import campaign_status_changed
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.organization.models import LEADER_POSITIONS, AdministrativeUnit, Person

DEFAULT_TIE_BREAKERS = ["participants", "facilities"]
# Settings that shape the ranking may change only before the test starts.
EDITABLE_STATUSES = (Campaign.Status.DRAFT, Campaign.Status.PREPARING)
STATUS_LABELS = dict(Campaign.Status.choices)


def _check_tie_breakers(tie_breakers: list[str]) -> None:
    if any(t not in TIE_BREAKERS for t in tie_breakers) or len(set(tie_breakers)) != len(
        tie_breakers
    ):
        raise DomainError(
            _(
                "The tie-break order may list each of participants, facilities, mean score "
                "and women once."
            )
        )


def campaign_create(
    *,
    actor: Any,
    code: str,
    title: str,
    issuing_unit: AdministrativeUnit,
    issued_on: datetime.date,
    participants: list[AdministrativeUnit] | None = None,
    tie_breakers: list[str] | None = None,
    **settings: Any,
) -> Campaign:
    """Create a campaign in draft; its participants default to every commune of the unit
    (a commune's own campaign: the commune itself)."""
    tie_breakers = DEFAULT_TIE_BREAKERS if tie_breakers is None else tie_breakers
    _check_tie_breakers(tie_breakers)
    with transaction.atomic():
        code = nfc(code)
        if Campaign.objects.filter(issuing_unit=issuing_unit, code=code).exists():
            raise DomainError(_("Campaign %(code)s already exists.") % {"code": code})
        campaign = Campaign(
            code=code,
            title=nfc(title),
            issuing_unit=issuing_unit,
            issued_on=issued_on,
            tie_breakers=tie_breakers,
            **settings,
        )
        campaign.full_clean()
        campaign.save()
        if participants is None:
            participants = list(
                AdministrativeUnit.objects.filter(
                    path__startswith=issuing_unit.path, level=AdministrativeUnit.Level.COMMUNE
                )
            )
        _set_participants(campaign, participants)
        audit_log(
            actor=actor,
            action=AuditAction.CAMPAIGN_CREATED,
            obj=campaign,
            summary={"code": code, "participants": len(participants)},
        )
    return campaign


def _set_participants(campaign: Campaign, units: list[AdministrativeUnit]) -> None:
    outside = [
        u.name
        for u in units
        if not campaign.issuing_unit.contains(u) or u.level != AdministrativeUnit.Level.COMMUNE
    ]
    if outside:
        raise DomainError(
            _("Only communes of %(unit)s can take part: %(names)s.")
            % {"unit": campaign.issuing_unit.name, "names": ", ".join(outside)}
        )
    campaign.participants.set(units)


def campaign_update(
    *,
    actor: Any,
    campaign: Campaign,
    participants: list[AdministrativeUnit] | None = None,
    **fields: Any,
) -> Campaign:
    """Change a campaign's settings while it is in draft or preparing."""
    if campaign.status not in EDITABLE_STATUSES:
        raise DomainError(
            _("The settings cannot change once the test has started (status: %(status)s).")
            % {"status": STATUS_LABELS[campaign.status]}
        )
    if "tie_breakers" in fields:
        _check_tie_breakers(fields["tie_breakers"])
    with transaction.atomic():
        before = {name: str(getattr(campaign, name)) for name in fields}
        for name, value in fields.items():
            setattr(campaign, name, nfc(value) if isinstance(value, str) else value)
        campaign.full_clean()
        campaign.save()
        if participants is not None:
            _set_participants(campaign, participants)
        audit_log(
            actor=actor,
            action=AuditAction.CAMPAIGN_UPDATED,
            obj=campaign,
            summary={
                "before": before,
                "after": {name: str(getattr(campaign, name)) for name in fields},
                "participants": len(participants) if participants is not None else None,
            },
        )
    return campaign


def campaign_transition(*, actor: Any, campaign: Campaign, to: str) -> Campaign:
    """Move a campaign along its workflow; refuses any move the current status forbids.

    Approval and awards have their own services (`ranking_approve`, `awards_grant`).
    """
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if to not in Campaign.TRANSITIONS.get(campaign.status, ()):
            raise DomainError(
                _("A campaign cannot go from %(current)s to %(target)s.")
                % {
                    "current": STATUS_LABELS[campaign.status],
                    "target": STATUS_LABELS.get(to, to),
                }
            )
        if to == Campaign.Status.PREPARING and not campaign.participants.exists():
            raise DomainError(_("Choose the participating communes first."))
        if (
            to == Campaign.Status.CLOSED
            and campaign.status == Campaign.Status.APPROVED
            and campaign.awards
        ):
            raise DomainError(
                _("Record the award decision first: the campaign closes after its awards.")
            )
        _set_status(actor=actor, campaign=campaign, to=to)
    return campaign


def _set_status(*, actor: Any, campaign: Campaign, to: str) -> None:
    """Change the status, audit it and tell the apps that follow the campaign."""
    before = campaign.status
    campaign.status = to
    campaign.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        action=AuditAction.CAMPAIGN_STATUS_CHANGED,
        obj=campaign,
        summary={"from": before, "to": to},
    )
    campaign_status_changed.send(Campaign, campaign=campaign, before=before, actor=actor)


# Results --------------------------------------------------------------------------------


def approval_reopen(actor: Any, campaign: Campaign) -> None:
    # The approved snapshot stays as it was; the changed results need a new approval.
    if campaign.status == Campaign.Status.APPROVED:
        _set_status(actor=actor, campaign=campaign, to=Campaign.Status.RESULTS)


def result_record(
    *,
    actor: Any,
    campaign: Campaign,
    person: Person,
    content: int,
    outcome: str,
    source: str,
    score: Decimal | None = None,
    max_score: Decimal | None = None,
    module_scores: dict[str, Any] | None = None,
) -> Result:
    """Store a leader's outcome in one content, from a built-in test or an import."""
    if person.position not in LEADER_POSITIONS:
        raise DomainError(_("Results are recorded for Chairmen and Vice-Chairmen."))
    if not campaign.participants.filter(pk=person.unit_id).exists():
        raise DomainError(
            _("%(unit)s does not take part in this campaign.") % {"unit": person.unit.name}
        )
    if campaign.status not in (
        Campaign.Status.TESTING,
        Campaign.Status.RESULTS,
        Campaign.Status.APPROVED,
    ):
        raise DomainError(_("Results are recorded while testing or after it."))
    with transaction.atomic():
        result, _created = Result.objects.update_or_create(
            campaign=campaign,
            person=person,
            content=content,
            defaults={
                "outcome": outcome,
                "source": source,
                "score": score,
                "max_score": max_score,
                "module_scores": module_scores or {},
                "reason": "",
                "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        approval_reopen(actor, campaign)
        audit_log(
            actor=actor,
            action=AuditAction.RESULT_RECORDED,
            obj=result,
            summary={"content": content, "outcome": outcome, "score": str(score), "source": source},
        )
    return result


def result_override(
    *, actor: Any, campaign: Campaign, person: Person, content: int, outcome: str, reason: str
) -> Result:
    """A district admin sets a result by hand; only with a written reason."""
    reason = nfc(reason)
    if len(reason) < 10:
        raise DomainError(_("Write the reason for the change (at least 10 characters)."))
    if outcome not in Result.Outcome.values:
        raise DomainError(_("Unknown outcome."))
    if campaign.status not in (
        Campaign.Status.TESTING,
        Campaign.Status.RESULTS,
        Campaign.Status.APPROVED,
    ):
        raise DomainError(_("Results can be changed while testing or after it."))
    with transaction.atomic():
        existing = Result.objects.filter(campaign=campaign, person=person, content=content).first()
        before = existing.outcome if existing else None
        result, _created = Result.objects.update_or_create(
            campaign=campaign,
            person=person,
            content=content,
            defaults={
                "outcome": outcome,
                "source": Result.Source.OVERRIDE,
                "reason": reason,
                "updated_by": actor,
            },
        )
        approval_reopen(actor, campaign)
        audit_log(
            actor=actor,
            action=AuditAction.RESULT_OVERRIDDEN,
            obj=result,
            summary={"content": content, "before": before, "after": outcome, "reason": reason},
        )
    return result


# Approval and awards --------------------------------------------------------------------


def _snapshot_hash(inputs: dict[str, Any], output: dict[str, Any], decision: dict[str, Any]) -> str:
    payload = json.dumps(
        {"inputs": inputs, "output": output, "tie_decision": decision},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def ranking_approve(
    *,
    actor: Any,
    campaign: Campaign,
    awarded_in_ties: list[str] | None = None,
    note: str = "",
    approved_at: datetime.datetime | None = None,
) -> RankingSnapshot:
    """The council approves the current ranking: an immutable snapshot of inputs and output.

    When a tie group straddles the last award, the council names the units of that group
    that receive the remaining awards (`awarded_in_ties`) and writes its grounds (`note`);
    the ranking never decides such a tie by itself. `approved_at` is the time of the
    council's meeting when it is recorded afterwards (the demo plays a day of 2020); never
    in the future nor before an earlier approval, and now by default. The audit entry keeps
    the time it was recorded.
    """
    now = timezone.now()
    if approved_at is not None and approved_at > now:
        raise DomainError(_("A ranking cannot be approved in the future."))
    from sathach.campaigns.selectors import rank_document, ranking_input

    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Campaign.Status.RESULTS:
            raise DomainError(
                _("A ranking is approved when the campaign is at its results (now: %(status)s).")
                % {"status": STATUS_LABELS[campaign.status]}
            )
        if (
            approved_at is not None
            and campaign.snapshots.filter(approved_at__gte=approved_at).exists()
        ):
            # The latest approval is the one in force (awards_grant): keep that true.
            raise DomainError(_("The ranking was approved again after that time."))
        inputs = ranking_input(campaign)
        output = rank_document(inputs)
        undecided = list(output["undecided"])
        decision: dict[str, Any] = {}
        if undecided:
            decided = sorted(set(awarded_in_ties or []))
            slots = campaign.awards - sum(1 for unit in output["units"] if unit["award"] == "yes")
            if any(code not in undecided for code in decided) or len(decided) != slots:
                raise DomainError(
                    _("Choose exactly %(n)s of the tied units to receive the remaining awards.")
                    % {"n": slots}
                )
            if len(nfc(note)) < 10:
                raise DomainError(_("Write the grounds of the council's decision on the tie."))
            decision = {
                "undecided": undecided,
                "awarded": decided,
                "not_awarded": [code for code in undecided if code not in decided],
            }
        elif awarded_in_ties:
            raise DomainError(_("There is no tie for the council to decide."))
        snapshot = RankingSnapshot.objects.create(
            campaign=campaign,
            inputs=inputs,
            output=output,
            sha256=_snapshot_hash(inputs, output, decision),
            tie_decision=decision,
            tie_decision_note=nfc(note),
            approved_by=actor,
            approved_at=approved_at or now,
        )
        campaign.status = Campaign.Status.APPROVED
        campaign.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor,
            action=AuditAction.RANKING_APPROVED,
            obj=snapshot,
            unit=campaign.issuing_unit,
            summary={"sha256": snapshot.sha256, "tie_decision": decision},
        )
    return snapshot


def snapshot_awarded_units(snapshot: RankingSnapshot) -> list[dict[str, Any]]:
    """The rows (code, name, rank, figures) of the units an approved ranking awards, in
    ranking order: those the engine awards and those the council chose in a tie."""
    decided = set(snapshot.tie_decision.get("awarded", []))
    return [
        unit
        for unit in snapshot.output["units"]
        if unit["award"] == "yes" or unit["code"] in decided
    ]


def snapshot_award_codes(snapshot: RankingSnapshot) -> list[str]:
    """Units awarded by an approved ranking, in ranking order."""
    return [unit["code"] for unit in snapshot_awarded_units(snapshot)]


def awards_grant(
    *,
    actor: Any,
    campaign: Campaign,
    number: str,
    signed_on: datetime.date,
    signer_name: str,
    signer_title: str,
) -> AwardDecision:
    """Create the awards of the latest approved ranking, numbered in a decision record."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Campaign.Status.APPROVED:
            raise DomainError(_("Awards follow an approved ranking."))
        snapshot = campaign.snapshots.order_by("-approved_at").first()
        if snapshot is None:
            raise DomainError(_("Awards follow an approved ranking."))
        if campaign.appeals.filter(status="pending").exists():
            raise DomainError(_("Decide every pending review of a result before the awards."))
        number = nfc(number)
        if not number:
            raise DomainError(_("Give the number of the decision."))
        decision = AwardDecision.objects.create(
            campaign=campaign,
            snapshot=snapshot,
            number=number,
            signed_on=signed_on,
            signer_name=nfc(signer_name),
            signer_title=nfc(signer_title),
            created_by=actor,
        )
        rows = {unit["code"]: unit for unit in snapshot.output["units"]}
        units = {unit.code: unit for unit in campaign.participants.all()}
        codes = snapshot_award_codes(snapshot)
        for position, code in enumerate(codes, start=1):
            row = rows[code]
            Award.objects.create(
                decision=decision,
                unit=units[code],
                position=position,
                rank=row["rank"],
                achievement=_(
                    "Excellent achievement in the campaign %(campaign)s: %(passed)s of "
                    "%(tested)s leaders tested passed both contents (%(rate)s%%)."
                )
                % {
                    "campaign": campaign.code,
                    "passed": row["passed_both"],
                    "tested": row["tested"],
                    # The engine's "85.00" read with the Vietnamese decimal comma.
                    "rate": str(row["pass_rate"]).replace(".", ","),
                },
            )
        campaign.status = Campaign.Status.AWARDED
        campaign.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor,
            action=AuditAction.AWARDS_GRANTED,
            obj=decision,
            unit=campaign.issuing_unit,
            summary={"number": number, "units": codes, "snapshot": snapshot.sha256},
        )
    return decision
