"""The scenario bank: loading the shipped sets (or a file of the same format) into the
database, safe to run again; editing, retiring and copying scenarios; a campaign's set.

Two sets are shipped: `data/scenarios.json`, the 2020 set (district issuers, the commune
civil servants of NĐ 34/2019), and `data/scenarios-2025.json`, the set of today's communes
(province issuers, the departments of NĐ 150/2025). A file names its era at the top
(`"era": "2025"`; none: 2020)."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc_text
from sathach.eoffice.access import is_person_actor, scenario_homes, scenario_managed
from sathach.eoffice.documents import render_scenario
from sathach.eoffice.models import (
    DocumentType,
    ExtraCoordinators,
    Kind,
    Scenario,
    ScenarioSet,
    Urgency,
    scenarios_for_unit,
)
from sathach.organization.models import (
    HANDLER_POSITIONS_BY_ERA,
    OBSOLETE_POSITIONS,
    AdministrativeUnit,
    Position,
)

DATA = Path(__file__).resolve().parent.parent / "data"
BANK_FILES = {"2020": DATA / "scenarios.json", "2025": DATA / "scenarios-2025.json"}
BANK_FILE = BANK_FILES["2020"]
ERAS = tuple(BANK_FILES)
FIELDS = (
    "doc_type",
    "number",
    "issuer_parent",
    "issuer",
    "place",
    "issued_days_before",
    "subject",
    "urgency",
    "recipient_line",
    "body",
    "recipients",
    "signer_title",
    "signer_name",
    "main_handler",
    "coordinators",
    "coordinator_required",
    "coordinators_beyond",
    "deadline_days",
    "coordinating",
    "lead",
    "lead_request",
)


def _check(entry: dict[str, Any], kind: str, era: str) -> None:
    code = entry.get("code", "?")
    if entry.get("doc_type") not in DocumentType.values:
        raise DomainError(_("Scenario %(code)s: unknown document type.") % {"code": code})
    if entry.get("urgency", Urgency.NORMAL) not in Urgency.values:
        raise DomainError(_("Scenario %(code)s: unknown urgency.") % {"code": code})
    if not entry.get("subject") or not entry.get("body"):
        raise DomainError(
            _("Scenario %(code)s: the summary and body are required.") % {"code": code}
        )
    if entry.get("coordinators_beyond", ExtraCoordinators.WRONG) not in ExtraCoordinators.values:
        raise DomainError(
            _("Scenario %(code)s: unknown rule for other coordinators.") % {"code": code}
        )
    if kind == Kind.INCOMING and entry.get("coordinating"):
        if not entry.get("lead") or not entry.get("lead_request"):
            raise DomainError(
                _("Scenario %(code)s: say who is in charge and what they ask.") % {"code": code}
            )
    elif kind == Kind.INCOMING:
        positions = [entry.get("main_handler"), *entry.get("coordinators", [])]
        if any(p not in HANDLER_POSITIONS_BY_ERA[era] for p in positions):
            raise DomainError(
                _("Scenario %(code)s: handlers must be commune civil servants of its era.")
                % {"code": code}
            )


def _entries(data: dict[str, Any]) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    era = str(data.get("era", "2020"))
    if era not in ERAS:
        raise DomainError(_("Unknown era %(era)s: use 2020 or 2025.") % {"era": era})
    entries: list[tuple[str, dict[str, Any]]] = [
        (Kind.INCOMING, e) for e in data.get("incoming", [])
    ] + [(Kind.OUTGOING, e) for e in data.get("outgoing", [])]
    for kind, entry in entries:
        _check(entry, kind, era)
    return era, entries


def scenarios_load(
    *, actor: Any, data: dict[str, Any] | None = None, era: str | None = None
) -> tuple[int, int]:
    """Create or update the installation's scenarios by code; returns (created, updated).
    Without `data`, the shipped set of `era`, or both sets. A code a unit's own scenario
    holds is refused. An outgoing draft's signer's place is measured by rendering it once."""
    if data is not None:
        sets = [_entries(data)]
    else:
        if era is not None and era not in ERAS:
            raise DomainError(_("Unknown era %(era)s: use 2020 or 2025.") % {"era": era})
        files = [BANK_FILES[era]] if era else list(BANK_FILES.values())
        sets = [_entries(json.loads(path.read_text("utf-8"))) for path in files]
    codes = [entry["code"] for _era, entries in sets for _kind, entry in entries]
    taken = sorted(
        Scenario.objects.filter(code__in=codes, owner__isnull=False).values_list("code", flat=True)
    )
    if taken:
        raise DomainError(
            _("These codes belong to a unit's own scenarios: %(codes)s.")
            % {"codes": ", ".join(taken)}
        )
    created = updated = 0
    with transaction.atomic():
        for set_era, entries in sets:
            c, u = _load_set(set_era, entries)
            created, updated = created + c, updated + u
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_SCENARIOS_LOADED,
            summary={
                "created": created,
                "updated": updated,
                "eras": [set_era for set_era, _entries in sets],
            },
        )
    return created, updated


def _load_set(era: str, entries: list[tuple[str, dict[str, Any]]]) -> tuple[int, int]:
    created = updated = 0
    for kind, entry in entries:
        values = {name: entry[name] for name in FIELDS if name in entry}
        if kind == Kind.OUTGOING:
            values.setdefault("issuer", "Ủy ban nhân dân xã")
            values.setdefault("main_handler", "")
        values["kind"] = kind
        values["era"] = era
        scenario, was_created = Scenario.objects.update_or_create(
            code=entry["code"], defaults=values
        )
        if kind == Kind.OUTGOING:
            rendered = render_scenario(scenario, test_day=datetime.date(2020, 8, 20), commune=None)
            scenario.signer_page = rendered.sign_page
            scenario.signer_box = list(rendered.sign_box)
            scenario.save(update_fields=["signer_page", "signer_box"])
        created += was_created
        updated += not was_created
    return created, updated


class FieldError(DomainError):
    """A refusal about one field of a form, shown next to that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


PLACEHOLDERS = frozenset({"han", "ngay", "xa", "nam"})
# What an examinee is graded against: fixed once the scenario has been drawn.
GRADED_FIELDS = (
    "main_handler",
    "coordinators",
    "coordinator_required",
    "coordinators_beyond",
    "coordinating",
)


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    return [nfc_text(str(line)).strip() for line in value if str(line).strip()]


def _validate(kind: str, values: dict[str, Any], era: str) -> None:
    """Field by field, the first problem found."""
    if not values.get("number"):
        raise FieldError("number", _("Enter the number and symbol."))
    if values.get("doc_type") not in DocumentType.values:
        raise FieldError("doc_type", _("Choose a document type."))
    if values.get("urgency") not in Urgency.values:
        raise FieldError("urgency", _("Choose an urgency."))
    if not values.get("subject"):
        raise FieldError("subject", _("Enter the summary (trích yếu)."))
    if not values.get("body"):
        raise FieldError("body", _("Enter the body, one paragraph a line."))
    for text in [values["subject"], *values["body"]]:
        unknown = set(re.findall(r"\{(\w*)\}", text)) - PLACEHOLDERS
        if unknown:
            raise FieldError(
                "body",
                _("Unknown placeholder {%(name)s}: use {han}, {ngay}, {xa} or {nam}.")
                % {"name": sorted(unknown)[0]},
            )
    if kind == Kind.OUTGOING:
        return
    if not values.get("issuer"):
        raise FieldError("issuer", _("Enter the issuing body."))
    deadline_days = values.get("deadline_days")
    if deadline_days is not None and deadline_days < 1:
        raise FieldError("deadline_days", _("The latest deadline is at least 1 day away."))
    if deadline_days is None and any("{han}" in t for t in [values["subject"], *values["body"]]):
        raise FieldError(
            "deadline_days",
            _("The body quotes the deadline {han}: give the number of days, or remove {han}."),
        )
    if values.get("coordinators_beyond", ExtraCoordinators.WRONG) not in ExtraCoordinators.values:
        raise FieldError("coordinators_beyond", _("Choose how another coordinator is judged."))
    if values.get("coordinating"):
        if not values.get("lead"):
            raise FieldError("lead", _("Say which leader is in charge of the document."))
        if not values.get("lead_request"):
            raise FieldError("lead_request", _("Say what the leader in charge asks."))
        return
    handlers = HANDLER_POSITIONS_BY_ERA[era]
    if values.get("main_handler") not in handlers:
        raise FieldError(
            "main_handler", _("Choose the civil servant who handles it, among the era's posts.")
        )
    coordinators = values.get("coordinators", [])
    if any(p not in handlers for p in coordinators):
        raise FieldError(
            "coordinators", _("Coordinators must be commune civil servants of the era.")
        )
    if values["main_handler"] in coordinators:
        raise FieldError(
            "coordinators", _("The main handler cannot also be an acceptable coordinator.")
        )
    if values.get("coordinator_required") and not coordinators:
        raise FieldError(
            "coordinator_required",
            _("A coordinator cannot be required when none is acceptable."),
        )


def scenario_warnings(scenario: Scenario) -> list[str]:
    """What the district should know about a scenario before it is drawn: posts it expects
    that are no longer commune civil servants (a commune without such a post never draws
    it)."""
    labels = dict(Position.choices)
    positions = [scenario.main_handler, *scenario.coordinators]
    return [
        _(
            "%(position)s is no longer a commune civil servant since %(law)s: a commune "
            "without one never gets this document in a draw."
        )
        % {"position": labels[position], "law": OBSOLETE_POSITIONS[position]}
        for position in dict.fromkeys(positions)
        if position in OBSOLETE_POSITIONS
    ]


def scenario_drawn(scenario: Scenario) -> bool:
    from sathach.eoffice.models import TaskDocument

    return bool(scenario.pk) and TaskDocument.objects.filter(scenario=scenario).exists()


def _refuse_unless_managed(actor: Any, scenario: Scenario) -> None:
    if scenario_managed(actor, scenario):
        return
    if scenario.owner is None:
        raise DomainError(
            _(
                "This scenario is one of the installation's shipped sets: only a superuser "
                "changes or retires it. Copy it to make your own."
            )
        )
    raise DomainError(
        _("Only the admins of %(unit)s change or retire this scenario. Copy it to make your own.")
        % {"unit": scenario.owner.name}
    )


def scenario_owner_for(actor: Any, owner: AdministrativeUnit | None) -> AdministrativeUnit | None:
    """The unit a new scenario or copy belongs to: one of the actor's e-office units, their
    only one when none is named (the installation's only for a superuser, the command line
    or the demo)."""
    if not is_person_actor(actor):
        return owner
    superuser = bool(getattr(actor, "is_superuser", False))
    homes = scenario_homes(actor)
    if owner is None:
        if superuser:
            return None
        if len(homes) != 1:
            raise DomainError(_("Choose the unit the scenario belongs to."))
        return homes[0]
    if owner.pk not in {unit.pk for unit in homes} and not superuser:
        raise DomainError(_("You manage no e-office test of %(unit)s.") % {"unit": owner.name})
    return owner


def scenario_save(
    *,
    actor: Any,
    scenario: Scenario | None,
    kind: str,
    values: dict[str, Any],
    owner: AdministrativeUnit | None = None,
) -> Scenario:
    """Create (scenario None) or change a scenario of the bank. Text is NFC; the body and
    recipients come one per line; an outgoing draft's signer's place is measured again.
    Once drawn for an examinee, what it is graded against cannot change. A new scenario
    belongs to `owner` (one of the actor's units) and is of the era given in `values`, else
    of the owner's era; only the owner's admins change one (`eoffice.access`)."""
    if kind not in Kind.values:
        raise FieldError("kind", _("Choose incoming or outgoing."))
    if scenario is not None:
        _refuse_unless_managed(actor, scenario)
    else:
        owner = scenario_owner_for(actor, owner)
    values = dict(values)
    era = str(values.pop("era", "") or "")
    if scenario is not None:
        era = scenario.era
    elif not era:
        era = owner.era if owner is not None else AdministrativeUnit.Era.BEFORE_2025
    if era not in ERAS:
        raise FieldError("era", _("Choose the era the scenario is written for."))
    for name in ("code", "number", "issuer_parent", "issuer", "place", "subject", "lead"):
        if name in values:
            values[name] = nfc_text(str(values[name] or "")).strip()
    for name in ("signer_title", "lead_request", "recipient_line", "signer_name"):
        if name in values:
            values[name] = nfc_text(str(values[name] or "")).strip()
    values["body"] = _lines(values.get("body", []))
    values["recipients"] = _lines(values.get("recipients", []))
    values["coordinators"] = list(dict.fromkeys(values.get("coordinators") or []))
    if kind == Kind.OUTGOING:
        values.update(
            main_handler="",
            coordinators=[],
            coordinator_required=False,
            coordinating=False,
            lead="",
            lead_request="",
        )
        values["issuer"] = values.get("issuer") or "Ủy ban nhân dân xã"
    elif values.get("coordinating"):
        values.update(main_handler="", coordinators=[], coordinator_required=False)
    else:
        values.update(lead="", lead_request="")
    code = values.pop("code", "")
    code = code if scenario is None else scenario.code
    if scenario is None:
        if not re.fullmatch(r"[a-z0-9-]{3,40}", code or ""):
            raise FieldError(
                "code", _("The code has 3 to 40 lowercase letters, digits and dashes.")
            )
        if Scenario.objects.filter(code=code).exists():
            raise FieldError("code", _("Another scenario has this code."))
    _validate(kind, values, era)
    with transaction.atomic():
        if scenario is not None:
            scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
            if scenario_drawn(scenario):
                for name in GRADED_FIELDS:
                    if name in values and values[name] != getattr(scenario, name):
                        raise FieldError(
                            name,
                            _(
                                "This scenario has been drawn already: what it is graded "
                                "against cannot change. Create a new scenario instead."
                            ),
                        )
            before = {name: getattr(scenario, name) for name in values}
        else:
            scenario = Scenario(code=code, kind=kind, era=era, owner=owner)
            before = {}
        for name, value in values.items():
            setattr(scenario, name, value)
        scenario.save()
        if kind == Kind.OUTGOING:
            rendered = render_scenario(scenario, test_day=datetime.date(2020, 8, 20), commune=None)
            scenario.signer_page = rendered.sign_page
            scenario.signer_box = list(rendered.sign_box)
            scenario.save(update_fields=["signer_page", "signer_box"])
        changed = sorted(name for name in values if before.get(name) != getattr(scenario, name))
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_SCENARIO_SAVED,
            obj=scenario,
            summary={"code": scenario.code, "created": not before, "changed": changed},
        )
    return scenario


def scenario_set_active(*, actor: Any, scenario: Scenario, active: bool) -> Scenario:
    """Put a scenario in use or out of use for future draws (retire it); drawn documents
    keep it. Only the owner's admins do."""
    _refuse_unless_managed(actor, scenario)
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if scenario.is_active == active:
            return scenario
        scenario.is_active = active
        scenario.save(update_fields=["is_active", "updated_at"])
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_SCENARIO_TOGGLED,
            obj=scenario,
            summary={"code": scenario.code, "active": active},
        )
    return scenario


def scenario_set_save(
    *,
    actor: Any,
    campaign: Campaign,
    scenarios: list[Scenario],
    incoming_count: int,
    outgoing_count: int,
    coordinating_count: int,
    duration_minutes: int,
) -> ScenarioSet:
    """What the campaign's e-office test draws: which scenarios (none chosen: every one in
    use), how many of each, and the duration. Fixed once a leader has submitted. The pass
    rule is the campaign's (`campaign_set_pass_rules`)."""
    from sathach.eoffice.models import Task

    if incoming_count < 1:
        raise FieldError("incoming_count", _("Draw at least 1 incoming document."))
    if duration_minutes < 5:
        raise FieldError("duration_minutes", _("The test lasts at least 5 minutes."))
    with transaction.atomic():
        rules, _created = ScenarioSet.objects.select_for_update().get_or_create(campaign=campaign)
        if Task.objects.filter(campaign=campaign, status=Task.Status.SUBMITTED).exists():
            raise DomainError(
                _("Leaders have already submitted under these rules: they cannot change.")
            )
        rules.incoming_count = incoming_count
        rules.outgoing_count = outgoing_count
        rules.coordinating_count = coordinating_count
        rules.duration_minutes = duration_minutes
        rules.save()
        era = campaign.era
        allowed = set(
            scenarios_for_unit(campaign.issuing_unit)
            .filter(era=era, pk__in=[s.pk for s in scenarios])
            .values_list("pk", flat=True)
        )
        refused = [s.code for s in scenarios if s.pk not in allowed]
        if refused:
            raise FieldError(
                "scenarios",
                _(
                    "This campaign draws scenarios of %(era)s from the installation's sets, "
                    "its own unit's and those of the units above or below it (copy another "
                    "unit's first): %(codes)s cannot be chosen."
                )
                % {"era": era, "codes": ", ".join(refused)},
            )
        rules.scenarios.set(scenarios)
        for field, count, kind, coordinating in (
            ("incoming_count", incoming_count, Kind.INCOMING, False),
            ("coordinating_count", coordinating_count, Kind.INCOMING, True),
            ("outgoing_count", outgoing_count, Kind.OUTGOING, False),
        ):
            available = rules.pool(kind, coordinating=coordinating).count()
            if available < count:
                raise FieldError(
                    field,
                    _("Only %(available)s scenarios in use of this kind are chosen.")
                    % {"available": available},
                )
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_SET_SAVED,
            obj=campaign,
            unit=campaign.issuing_unit,
            summary={
                "scenarios": [s.code for s in scenarios],
                "incoming": incoming_count,
                "outgoing": outgoing_count,
                "coordinating": coordinating_count,
                "minutes": duration_minutes,
            },
        )
    return rules
