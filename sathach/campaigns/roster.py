"""The campaign's frozen roster: who was a Chairman or Vice-Chairman of each participating
commune when the test day opened.

Before the test day a campaign's leaders are the people who hold those posts now. When the
campaign moves to testing, `roster_freeze` captures them (name, post, acting, and each
commune's vacant posts) as `RosterEntry` rows; from then on the results pages, the reports,
the workbook and the ranking read the roster through `campaign_leaders`, so that editing a
person later changes nothing in the campaign. A correction (`roster_correct`) needs a
reason, is audited and re-opens approval like a changed result.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign, Result, RosterEntry
from sathach.campaigns.services import STATUS_LABELS, approval_reopen
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import name_sort_key, nfc
from sathach.organization.models import LEADER_POSITIONS, AdministrativeUnit, Person, Position

# The statuses in which the roster may be corrected: results can still change then.
CORRECTABLE = (Campaign.Status.TESTING, Campaign.Status.RESULTS, Campaign.Status.APPROVED)


def _as_person(entry: RosterEntry) -> Person:
    """The leader as the roster keeps them: an unsaved Person with the captured name and
    post (and the real person's id), read by code written for people."""
    person = Person(
        pk=entry.person_id,
        full_name=entry.full_name,
        position=entry.position,
        acting=entry.acting,
        unit=entry.unit,
        sort_key=entry.sort_key,
        user_id=entry.person.user_id if entry.person else None,
    )
    if entry.person is not None:
        person.created_at = entry.person.created_at
        # The `women` tie-break reads it: without it every frozen leader counted as a man.
        person.gender = entry.person.gender
    person._state.adding = False
    return person


def campaign_leaders(campaign: Campaign, units: Any) -> list[Person]:
    """The campaign's leaders in `units`, ordered by unit code, post and name: the frozen
    roster once the test day has opened, the people holding the posts before."""
    if campaign.roster_frozen_at is not None:
        entries = (
            RosterEntry.objects.filter(campaign=campaign, unit__in=units, person__isnull=False)
            .select_related("unit", "person")
            .order_by("unit__code", "position", "sort_key", "pk")
        )
        return [_as_person(entry) for entry in entries]
    return list(
        Person.objects.filter(unit__in=units, position__in=LEADER_POSITIONS)
        .select_related("unit")
        .order_by("unit__code", "position", "sort_key", "pk")
    )


def _entries_now(campaign: Campaign) -> list[RosterEntry]:
    units = list(campaign.participants.all())
    people = Person.objects.filter(unit__in=units, position__in=LEADER_POSITIONS)
    entries = [
        RosterEntry(
            campaign=campaign,
            unit_id=person.unit_id,
            person=person,
            full_name=person.full_name,
            position=person.position,
            acting=person.acting,
            sort_key=person.sort_key,
        )
        for person in people
    ]
    chaired = {e.unit_id for e in entries if e.position == Position.CHAIRMAN}
    entries += [
        RosterEntry(campaign=campaign, unit=unit, position=Position.CHAIRMAN)
        for unit in units
        if unit.pk not in chaired
    ]
    return entries


def roster_freeze(*, actor: Any, campaign: Campaign) -> int:
    """Capture the campaign's leaders as they are now; a frozen roster is kept. Returns how
    many posts were captured."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.roster_frozen_at is not None:
            return 0
        entries = RosterEntry.objects.bulk_create(_entries_now(campaign))
        Campaign.objects.filter(pk=campaign.pk).update(roster_frozen_at=timezone.now())
        audit_log(
            actor=actor,
            action=AuditAction.ROSTER_FROZEN,
            obj=campaign,
            summary={
                "leaders": sum(1 for e in entries if e.person_id),
                "vacant": [e.unit.code for e in entries if not e.person_id],
            },
        )
    return len(entries)


def roster_release(*, actor: Any, campaign: Campaign) -> bool:
    """Forget the frozen roster when the campaign goes back to preparing before any result
    was recorded: it is captured again when testing resumes. Returns whether it did."""
    with transaction.atomic():
        if campaign.roster_frozen_at is None or Result.objects.filter(campaign=campaign).exists():
            return False
        RosterEntry.objects.filter(campaign=campaign).delete()
        Campaign.objects.filter(pk=campaign.pk).update(roster_frozen_at=None)
        campaign.roster_frozen_at = None
        audit_log(actor=actor, action=AuditAction.ROSTER_RELEASED, obj=campaign, summary={})
    return True


def _entry_values(entry: RosterEntry) -> dict[str, Any]:
    return {
        "unit": entry.unit.code,
        "person": entry.person_id,
        "full_name": entry.full_name,
        "position": entry.position,
        "acting": entry.acting,
    }


def roster_correct(
    *,
    actor: Any,
    campaign: Campaign,
    unit: AdministrativeUnit,
    entry: RosterEntry | None,
    person: Person | None,
    position: str,
    acting: bool,
    reason: str,
) -> RosterEntry | None:
    """Correct the frozen roster of one commune: `entry` None adds a post, `person` None
    leaves the post vacant (with `position`), otherwise the entry takes `person` with the
    post and acting given. A second Chairman in one commune is refused. The reason is
    required; the change is audited and re-opens an approved ranking."""
    reason = nfc(reason)
    if len(reason) < 10:
        raise DomainError(_("Write the reason for the correction (at least 10 characters)."))
    if position not in LEADER_POSITIONS:
        raise DomainError(_("The roster holds Chairmen and Vice-Chairmen only."))
    if person is not None and person.unit_id != unit.pk:
        raise DomainError(_("This person is not of %(unit)s.") % {"unit": unit.name})
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.roster_frozen_at is None:
            raise DomainError(_("The roster is frozen when the test day opens; edit the people."))
        if campaign.status not in CORRECTABLE:
            raise DomainError(
                _("The roster cannot change any more (status: %(status)s).")
                % {"status": STATUS_LABELS[campaign.status]}
            )
        if not campaign.participants.filter(pk=unit.pk).exists():
            raise DomainError(
                _("%(unit)s does not take part in this campaign.") % {"unit": unit.name}
            )
        others = RosterEntry.objects.filter(campaign=campaign, unit=unit)
        if entry is not None:
            others = others.exclude(pk=entry.pk)
        if position == Position.CHAIRMAN and others.filter(position=Position.CHAIRMAN).exists():
            raise DomainError(
                _(
                    "%(unit)s already has a Chairman on the roster: correct that post, or "
                    "record this leader as a Vice-Chairman."
                )
                % {"unit": unit.name}
            )
        if person is not None and others.filter(person=person).exists():
            raise DomainError(_("This person is already on the roster."))
        before = _entry_values(entry) if entry is not None else None
        entry = entry or RosterEntry(campaign=campaign, unit=unit)
        entry.person = person
        entry.position = position
        entry.acting = acting and person is not None
        entry.full_name = person.full_name if person else ""
        entry.sort_key = name_sort_key(person.full_name) if person else ""
        entry.save()
        approval_reopen(actor, campaign)
        audit_log(
            actor=actor,
            action=AuditAction.ROSTER_CORRECTED,
            obj=campaign,
            unit=unit,
            summary={"before": before, "after": _entry_values(entry), "reason": reason},
        )
    return entry


def roster_for_page(campaign: Campaign, units: QuerySet[AdministrativeUnit]) -> list[Any]:
    """Each commune with its roster entries (vacant posts included), for the roster page."""
    entries = (
        RosterEntry.objects.filter(campaign=campaign, unit__in=units)
        .select_related("unit", "person")
        .order_by("unit__code", "position", "sort_key", "pk")
    )
    by_unit: dict[int, list[RosterEntry]] = {}
    for entry in entries:
        by_unit.setdefault(entry.unit_id, []).append(entry)
    return [(unit, by_unit.get(unit.pk, [])) for unit in units.order_by("code")]


def freeze_on_testing(
    sender: Any, *, campaign: Campaign, before: str, actor: Any, **_: Any
) -> None:
    """The test day opens: freeze the roster. Back to preparing: release it if nothing was
    recorded yet."""
    if campaign.status == Campaign.Status.TESTING:
        roster_freeze(actor=actor, campaign=campaign)
        campaign.refresh_from_db(fields=["roster_frozen_at"])
    elif campaign.status == Campaign.Status.PREPARING and before == Campaign.Status.TESTING:
        roster_release(actor=actor, campaign=campaign)
