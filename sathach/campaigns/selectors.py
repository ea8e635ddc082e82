"""Permission-aware reads of campaigns: lists, readiness, results."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sathach.campaigns.models import (
    Campaign,
    FacilityDeclaration,
    FacilityItem,
    Result,
    SigningDevice,
)
from sathach.campaigns.roster import campaign_leaders
from sathach.core.errors import DomainError
from sathach.organization.models import AdministrativeUnit, Person
from sathach.organization.permissions import units_for_user

# A certificate that ends within this many days of the test is flagged.
EXPIRY_WARNING_DAYS = 30


def campaigns_for_user(user: Any, perm: str) -> QuerySet[Campaign]:
    """Campaigns issued inside the user's units, or in which one of their units takes part."""
    scope = units_for_user(user, perm)
    return (
        Campaign.objects.filter(Q(issuing_unit__in=scope) | Q(participants__in=scope))
        .select_related("issuing_unit")
        .distinct()
    )


def get_campaign_for_user(user: Any, perm: str, pk: int) -> Campaign:
    try:
        return campaigns_for_user(user, perm).get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404 from None


def campaign_units_for_user(
    user: Any, perm: str, campaign: Campaign
) -> QuerySet[AdministrativeUnit]:
    """The participating communes the user may see in this campaign."""
    return campaign.participants.filter(pk__in=units_for_user(user, perm)).order_by("code")


def percent(value: Fraction) -> str:
    """A rate for display, two decimals rounded half up, with the language's decimal
    separator (83,33 in Vietnamese)."""
    scaled = value * 10000
    whole = scaled.numerator * 2 + scaled.denominator
    hundredths = whole // (2 * scaled.denominator)
    return number_format(Decimal(hundredths) / 100, 2)


@dataclass
class Gap:
    """Something a commune still lacks, and since when."""

    what: str
    since: datetime.datetime | None
    severity: str = "missing"  # missing, waiting, expiring


class DeviceState:
    """How a registered device stands on the campaign's reference date."""

    VALID = "valid"
    EXPIRING = "expiring"  # valid, but ends within EXPIRY_WARNING_DAYS
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


@dataclass
class DeviceStatus:
    device: SigningDevice
    state: str

    @property
    def valid(self) -> bool:
        return self.state in (DeviceState.VALID, DeviceState.EXPIRING)


@dataclass
class LeaderReadiness:
    """A leader's real signing devices, each judged on its own dates. The certificate the
    exam CA issues for the e-office practice is a test credential, never a device."""

    person: Person
    statuses: list[DeviceStatus]

    @property
    def devices(self) -> list[SigningDevice]:
        return [status.device for status in self.statuses]

    @property
    def valid_device(self) -> SigningDevice | None:
        """The valid device that lasts longest."""
        return next((s.device for s in self.statuses if s.valid), None)

    @property
    def expiring(self) -> bool:
        """Covered, but only by devices that end soon."""
        valid = [s for s in self.statuses if s.valid]
        return bool(valid) and all(s.state == DeviceState.EXPIRING for s in valid)

    @property
    def kinds(self) -> set[str]:
        """The kinds of device that cover the leader."""
        return {s.device.kind for s in self.statuses if s.valid}


@dataclass
class UnitReadiness:
    unit: AdministrativeUnit
    leaders: list[LeaderReadiness]
    declarations: dict[int, FacilityDeclaration]
    items: list[FacilityItem]
    facility_score: Decimal
    facility_max: Decimal
    gaps: list[Gap] = field(default_factory=list)

    @property
    def covered(self) -> int:
        return sum(1 for leader in self.leaders if leader.valid_device)

    @property
    def coverage(self) -> Fraction:
        return Fraction(self.covered, len(self.leaders)) if self.leaders else Fraction(0)

    @property
    def coverage_display(self) -> str:
        return percent(self.coverage)

    @property
    def covered_by_kind(self) -> dict[str, int]:
        """Leaders covered by a valid device of each kind (a leader with a USB token and a
        SIM counts under both; `covered` counts them once)."""
        return {
            kind: sum(1 for leader in self.leaders if kind in leader.kinds)
            for kind in SigningDevice.Kind.values
        }


def coverage_by_kind(rows: list[UnitReadiness]) -> list[tuple[str, str, int]]:
    """(kind, its label, leaders covered by it) over several units, every kind listed."""
    labels = dict(SigningDevice.Kind.choices)
    return [
        (kind, str(labels[kind]), sum(row.covered_by_kind[kind] for row in rows))
        for kind in SigningDevice.Kind.values
    ]


def device_state(device: SigningDevice, reference: datetime.datetime) -> str:
    if reference < device.not_before:
        return DeviceState.NOT_YET_VALID
    if reference > device.not_after:
        return DeviceState.EXPIRED
    if device.not_after < reference + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
        return DeviceState.EXPIRING
    return DeviceState.VALID


def _reference_time(campaign: Campaign) -> datetime.datetime:
    """The moment devices must still be valid: the test's first day, or now."""
    now = timezone.now()
    if campaign.test_start:
        start = datetime.datetime.combine(
            campaign.test_start, datetime.time.min, timezone.get_current_timezone()
        )
        return max(start, now)
    return now


def readiness(campaign: Campaign, unit_set: QuerySet[AdministrativeUnit]) -> list[UnitReadiness]:
    """Devices and facilities of each unit, with what is missing and since when."""
    units = list(unit_set)
    reference = _reference_time(campaign)
    items = list(campaign.facility_items.all())
    leaders = campaign_leaders(campaign, units)
    # Grouped once: looking each unit's leaders up in the whole list was quadratic, minutes
    # at the country's 3,321 communes.
    leaders_of: dict[int, list[Person]] = {}
    for person in leaders:
        leaders_of.setdefault(person.unit_id, []).append(person)
    devices: dict[int, list[SigningDevice]] = {}
    real = SigningDevice.objects.filter(person__in=leaders, is_active=True).exclude(
        source=SigningDevice.Source.ISSUED
    )
    for device in real.order_by("-not_after", "pk"):
        devices.setdefault(device.person_id, []).append(device)
    declarations: dict[tuple[int, int], FacilityDeclaration] = {
        (d.unit_id, d.item_id): d
        for d in FacilityDeclaration.objects.filter(campaign=campaign, unit__in=units)
        .select_related("item")
        .prefetch_related("evidence")
    }
    rows = []
    for unit in units:
        row = UnitReadiness(
            unit=unit,
            leaders=[],
            declarations={
                item.pk: declarations[(unit.pk, item.pk)]
                for item in items
                if (unit.pk, item.pk) in declarations
            },
            items=items,
            facility_score=Decimal(0),
            facility_max=sum((item.weight for item in items), Decimal(0)),
        )
        for person in leaders_of.get(unit.pk, []):
            own = devices.get(person.pk, [])
            leader = LeaderReadiness(
                person, [DeviceStatus(d, device_state(d, reference)) for d in own]
            )
            row.leaders.append(leader)
            valid = leader.valid_device
            if valid is None:
                expired = next((d for d in own if d.not_after < reference), None)
                if expired is not None:
                    row.gaps.append(
                        Gap(
                            _("%(name)s: the certificate has expired") % {"name": person.full_name},
                            expired.not_after,
                        )
                    )
                else:
                    row.gaps.append(
                        Gap(
                            _("%(name)s: no signing device") % {"name": person.full_name},
                            max(person.created_at, campaign.created_at),
                        )
                    )
            elif leader.expiring:
                row.gaps.append(
                    Gap(
                        _("%(name)s: the certificate expires soon") % {"name": person.full_name},
                        valid.not_after,
                        "expiring",
                    )
                )
        if not row.leaders:
            row.gaps.append(Gap(_("No Chairman or Vice-Chairman recorded"), campaign.created_at))
        for item in items:
            declaration = row.declarations.get(item.pk)
            if declaration is None:
                row.gaps.append(Gap(item.title, campaign.created_at))
            elif declaration.status == FacilityDeclaration.Status.VERIFIED:
                row.facility_score += item.weight
            elif declaration.status == FacilityDeclaration.Status.REJECTED:
                row.gaps.append(
                    Gap(_("%(item)s (rejected)") % {"item": item.title}, declaration.reviewed_at)
                )
            else:
                row.gaps.append(
                    Gap(
                        _("%(item)s (awaiting verification)") % {"item": item.title},
                        declaration.declared_at,
                        "waiting",
                    )
                )
        rows.append(row)
    return rows


def facility_scores(campaign: Campaign) -> dict[int, Decimal]:
    """The facility score of every participating unit: the weights of its verified items."""
    scores = {unit_id: Decimal(0) for unit_id in campaign.participants.values_list("pk", flat=True)}
    for declaration in FacilityDeclaration.objects.filter(
        campaign=campaign, status=FacilityDeclaration.Status.VERIFIED
    ).select_related("item"):
        if declaration.unit_id in scores:
            scores[declaration.unit_id] += declaration.item.weight
    return scores


@dataclass
class LeaderResults:
    person: Person
    content1: Result | None
    content2: Result | None


def results_by_leader(
    campaign: Campaign, units: QuerySet[AdministrativeUnit]
) -> list[LeaderResults]:
    leaders = campaign_leaders(campaign, units)
    results: dict[tuple[int, int], Result] = {
        (r.person_id, r.content): r
        for r in Result.objects.filter(campaign=campaign, person__in=[p.pk for p in leaders])
    }
    return [
        LeaderResults(person, results.get((person.pk, 1)), results.get((person.pk, 2)))
        for person in leaders
    ]


# The ranking ---------------------------------------------------------------------------


def ranking_input(campaign: Campaign) -> dict[str, Any]:
    """The campaign's data as a `sathach rank` input document (contracts/ranking.md).

    A leader without a result in a content counts as absent in it. The leaders' scores
    and genders are carried when the campaign's tie-breakers use them (`mean_score`,
    `women`), so a campaign without them gives the same document as before them.
    """
    units = list(campaign.participants.order_by("code"))
    scores = facility_scores(campaign)
    outcomes: dict[tuple[int, int], str] = {}
    points: dict[tuple[int, int], tuple[Decimal | None, Decimal | None]] = {}
    for person_id, content, outcome, score, max_score in Result.objects.filter(
        campaign=campaign
    ).values_list("person_id", "content", "outcome", "score", "max_score"):
        outcomes[(person_id, content)] = outcome
        points[(person_id, content)] = (score, max_score)
    leaders_by_unit: dict[int, list[Person]] = {}
    for person in campaign_leaders(campaign, units):
        leaders_by_unit.setdefault(person.unit_id, []).append(person)

    def leader(person: Person) -> dict[str, Any]:
        row = {
            "id": str(person.pk),
            "name": person.full_name,
            "position": person.position,
            "content1": outcomes.get((person.pk, 1), "absent"),
            "content2": outcomes.get((person.pk, 2), "absent"),
        }
        if "mean_score" in campaign.tie_breakers:
            for content in (1, 2):
                score, max_score = points.get((person.pk, content), (None, None))
                # A result recorded without a score (a paper result imported as passed or
                # failed only) leaves the field out: the ranking then names it.
                if score is not None and max_score:
                    row[f"content{content}_score"] = _decimal_text(score)
                    row[f"content{content}_max_score"] = _decimal_text(max_score)
        if "women" in campaign.tie_breakers:
            row["gender"] = "female" if person.gender == Person.Gender.FEMALE else "male"
        return row

    return {
        "campaign": {
            "code": campaign.code,
            "participation_target": _decimal_text(campaign.participation_target),
            "pass_target": _decimal_text(campaign.pass_target),
            "awards": campaign.awards,
            "tie_breakers": list(campaign.tie_breakers),
        },
        "units": [
            {
                "code": unit.code,
                "name": unit.name,
                "facility_score": _decimal_text(scores.get(unit.pk, Decimal(0))),
                "leaders": [leader(person) for person in leaders_by_unit.get(unit.pk, [])],
            }
            for unit in units
        ],
    }


def _decimal_text(value: Decimal) -> str:
    """9.50 → "9.5", 100 → "100" (never "1E+2")."""
    return format(value.normalize(), "f")


def campaign_ranking(campaign: Campaign) -> dict[str, Any]:
    """The ranking of the campaign's current data, in the `sathach rank --json` format.

    Units without any leader recorded cannot be ranked by the engine (the contract needs at
    least one leader); they are listed after the others as not meeting the targets.
    """
    document = ranking_input(campaign)
    return rank_document(document)


def rank_document(document: dict[str, Any]) -> dict[str, Any]:
    from sathach.campaigns.rank_input import RankInputError, parse_document
    from sathach.campaigns.ranking import rank_units, ranking_to_json

    empty = [unit for unit in document["units"] if not unit["leaders"]]
    rankable = {**document, "units": [unit for unit in document["units"] if unit["leaders"]]}
    if rankable["units"]:
        try:
            rules, units = parse_document(rankable)
        except RankInputError as error:
            raise DomainError(
                _("The ranking cannot be computed: %(problems)s")
                % {"problems": "; ".join(error.problems)}
            ) from None
        output = ranking_to_json(rank_units(rules, units))
    else:
        output = {"campaign": document["campaign"]["code"], "units": [], "undecided": []}
    breakers = document["campaign"].get("tie_breakers", [])
    for unit in empty:
        row: dict[str, Any] = {
            "code": unit["code"],
            "name": unit["name"],
            "leaders": 0,
            "tested": 0,
            "passed_both": 0,
            "participation_rate": "0.00",
            "pass_rate": "0.00",
            "facility_score": unit["facility_score"],
        }
        if "mean_score" in breakers:
            row["mean_score"] = "0.00"
        if "women" in breakers:
            row.update(women=0, women_rate="0.00")
        row.update(
            meets_targets=False,
            reasons=["participation_below_target", "pass_rate_below_target"],
            rank=None,
            award="no",
        )
        output["units"].append(row)
    return output


def campaign_by_code(code: str, unit_code: str | None = None) -> Campaign:
    """The campaign a command names by its code (and, when two units issued campaigns with
    the same code, by its issuing unit's official code)."""
    campaigns = Campaign.objects.filter(code=code).select_related("issuing_unit")
    if unit_code:
        campaigns = campaigns.filter(issuing_unit__code=unit_code)
    found = list(campaigns[:2])
    if not found:
        raise DomainError(_("No campaign has the code %(code)s.") % {"code": code})
    if len(found) > 1:
        raise DomainError(
            _("Several campaigns have the code %(code)s: name the issuing unit with --unit.")
            % {"code": code}
        )
    return found[0]
