"""One pass rule per content, set once on the campaign and read by everything that judges.

Content 1 (IT skills) passes at `content1_pass_mark` percent of the test's points and,
where the campaign sets `content1_module_minimum`, at that percent in every module of TT
03/2014 the test holds (the Thông tư asks for all six). Content 2 (e-office) passes when
every document passes, or at least `content2_min_tasks` of them. The grading of both
contents, the ranking (through the recorded results), the dashboard, the reports and the
examinee's result page all read these fields and nothing else. `retake_policy` says whether a
leader who failed may take a content once more and which result counts. The rules can change
until the first attempt or e-office task of the campaign starts (`rules_fixed_at`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.moments import moment

# Until then the district may still change them.
OPEN_STATUSES = (Campaign.Status.DRAFT, Campaign.Status.PREPARING, Campaign.Status.TESTING)
RULE_FIELDS = (
    "content1_pass_mark",
    "content1_module_minimum",
    "content2_rule",
    "content2_min_tasks",
    "retake_policy",
)


def content1_passed(
    campaign: Campaign, percent: Decimal, module_scores: Mapping[str, Mapping[str, Any]]
) -> bool:
    """Whether an IT-skills attempt with this overall percent and these per-module scores
    passes under the campaign's rule."""
    if percent < campaign.content1_pass_mark:
        return False
    minimum = campaign.content1_module_minimum
    if minimum is None:
        return True
    return all(Decimal(str(m["percent"])) >= minimum for m in module_scores.values())


def failed_modules(campaign: Campaign, module_scores: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The modules below the campaign's per-module minimum, in order."""
    minimum = campaign.content1_module_minimum
    if minimum is None:
        return []
    return sorted(code for code, m in module_scores.items() if Decimal(str(m["percent"])) < minimum)


def campaign_set_pass_rules(
    *,
    actor: Any,
    campaign: Campaign,
    content1_pass_mark: Decimal,
    content1_module_minimum: Decimal | None,
    content2_rule: str,
    content2_min_tasks: int | None,
    retake_policy: str = Campaign.RetakePolicy.NONE,
) -> Campaign:
    """Set the pass rule of both contents. Refused once the first attempt or task has
    started, since results would then be judged by two rules."""
    if not Decimal(0) <= content1_pass_mark <= Decimal(100):
        raise DomainError(_("The pass mark is a percentage between 0 and 100."))
    if content1_module_minimum is not None and not (
        Decimal(0) <= content1_module_minimum <= Decimal(100)
    ):
        raise DomainError(_("The minimum in each module is a percentage between 0 and 100."))
    if content2_rule not in Campaign.Content2Rule.values:
        raise DomainError(_("Unknown e-office pass rule."))
    if retake_policy not in Campaign.RetakePolicy.values:
        raise DomainError(_("Unknown retake policy."))
    if content2_rule == Campaign.Content2Rule.MIN_TASKS:
        if not content2_min_tasks:
            raise DomainError(_("Say how many tasks must pass."))
    else:
        content2_min_tasks = None
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.rules_fixed_at is not None:
            raise DomainError(
                _(
                    "The pass rules are fixed since the first test started "
                    "(%(moment)s): every result is judged by the same rule."
                )
                % {"moment": moment(campaign.rules_fixed_at)}
            )
        if campaign.status not in OPEN_STATUSES:
            raise DomainError(_("The pass rules cannot change after the test."))
        values = {
            "content1_pass_mark": content1_pass_mark,
            "content1_module_minimum": content1_module_minimum,
            "content2_rule": content2_rule,
            "content2_min_tasks": content2_min_tasks,
            "retake_policy": retake_policy,
        }
        before = {name: str(getattr(campaign, name)) for name in RULE_FIELDS}
        for name, value in values.items():
            setattr(campaign, name, value)
        campaign.save(update_fields=[*RULE_FIELDS, "updated_at"])
        audit_log(
            actor=actor,
            action=AuditAction.CAMPAIGN_RULES_SET,
            obj=campaign,
            summary={"before": before, "after": {k: str(v) for k, v in values.items()}},
        )
    return campaign


def campaign_fix_rules(campaign: Campaign) -> None:
    """Mark the pass rules fixed: the first attempt or task of the campaign is starting.
    Runs inside that start's transaction; a no-op once fixed."""
    if campaign.rules_fixed_at is not None:
        return
    now = timezone.now()
    if Campaign.objects.filter(pk=campaign.pk, rules_fixed_at__isnull=True).update(
        rules_fixed_at=now
    ):
        campaign.rules_fixed_at = now
