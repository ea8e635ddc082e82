"""Which IT-skills attempt is a leader's result in the campaign.

A leader usually has one submitted attempt. A make-up session gives one to a leader who was
absent; under the campaign's retake policy a leader who failed may sit a retake session, and
then the retake's attempt (`last`) or the better of the two (`best`) is the result. Every
recording goes through `attempt_record`, so a regrade of the first attempt after the retake
cannot overwrite the retake's result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.services import result_record
from sathach.exams.models import Attempt, ExamSession
from sathach.organization.models import Person

RECORDING = (Campaign.Status.TESTING, Campaign.Status.RESULTS, Campaign.Status.APPROVED)


def counted_attempt(campaign: Campaign, person: Person) -> Attempt | None:
    """The submitted attempt that is the leader's result, by the retake policy."""
    submitted = list(
        Attempt.objects.filter(
            session__campaign=campaign, person=person, status=Attempt.Status.SUBMITTED
        ).order_by("submitted_at", "pk")
    )
    if not submitted:
        return None
    if campaign.retake_policy == Campaign.RetakePolicy.BEST:
        return max(submitted, key=lambda a: (a.percent or Decimal(0), a.submitted_at))
    return submitted[-1]


def attempt_record(actor: Any, attempt: Attempt) -> None:
    """Record the leader's IT-skills result after `attempt` was graded."""
    campaign = attempt.session.campaign
    if campaign.status not in RECORDING:
        return
    counted: Attempt | None = attempt
    plain = (
        campaign.retake_policy == Campaign.RetakePolicy.NONE
        and attempt.session.purpose == ExamSession.Purpose.REGULAR
    )
    if not plain:
        counted = counted_attempt(campaign, attempt.person)
    if counted is None:
        return
    result_record(
        actor=actor,
        campaign=campaign,
        person=attempt.person,
        content=Result.Content.IT_SKILLS,
        outcome=Result.Outcome.PASSED if counted.passed else Result.Outcome.FAILED,
        source=Result.Source.EXAM,
        score=counted.percent,
        max_score=Decimal(100),
        module_scores=counted.module_scores,
    )
