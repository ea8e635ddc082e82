"""The audit log's summaries as a reader sees them (issue 17, point 3).

A summary is stored as the service wrote it (a JSON object with English keys and stored
codes, part of the hash chain); the page writes it as "Label: value" pairs in Vietnamese:
keys through a table of labels (an unknown key under a generic label, never its name),
codes of any model's choices through their labels, booleans as Có/Không, ISO dates as
dd/mm/yyyy, decimals with the Vietnamese comma.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LABELS = {
    "accounts": gettext_lazy("accounts"),
    "acting": gettext_lazy("acting"),
    "active": gettext_lazy("active"),
    "after": gettext_lazy("after"),
    "attempts": gettext_lazy("attempts"),
    "awards": gettext_lazy("awards"),
    "bank": gettext_lazy("question bank"),
    "before": gettext_lazy("before"),
    "by": gettext_lazy("by"),
    "by_type": gettext_lazy("by type"),
    "bytes": gettext_lazy("size (bytes)"),
    "campaign": gettext_lazy("campaign"),
    "certificates": gettext_lazy("certificates"),
    "changed": gettext_lazy("changed"),
    "cleared": gettext_lazy("cleared"),
    "closes_at": gettext_lazy("last start at"),
    "code": gettext_lazy("code"),
    "content": gettext_lazy("content"),
    "coordinating": gettext_lazy("coordinating"),
    "coordinators": gettext_lazy("coordinating"),
    "created": gettext_lazy("created"),
    "days": gettext_lazy("days"),
    "deadline": gettext_lazy("deadline"),
    "decision": gettext_lazy("decision"),
    "devices": gettext_lazy("signing devices"),
    "district": gettext_lazy("district"),
    "document": gettext_lazy("document"),
    "documents_passed": gettext_lazy("documents handled correctly"),
    "duration": gettext_lazy("duration"),
    "email": gettext_lazy("email"),
    "era": gettext_lazy("list of units"),
    "eras": gettext_lazy("lists of units"),
    "exam_sessions": gettext_lazy("IT-skills sessions"),
    "examinee_accounts": gettext_lazy("examinee accounts"),
    "examinees": gettext_lazy("examinees"),
    "facility_items": gettext_lazy("facility items"),
    "file": gettext_lazy("file"),
    "files": gettext_lazy("files"),
    "fingerprint": gettext_lazy("fingerprint"),
    "flagged": gettext_lazy("flagged"),
    "format": gettext_lazy("format"),
    "from": gettext_lazy("from"),
    "full_name": gettext_lazy("full name"),
    "gender": gettext_lazy("gender"),
    "graded": gettext_lazy("graded"),
    "had_campaign": gettext_lazy("had a campaign"),
    "how": gettext_lazy("how"),
    "imported": gettext_lazy("imported"),
    "incoming": gettext_lazy("incoming documents"),
    "inputs": gettext_lazy("inputs"),
    "instruction": gettext_lazy("instructions"),
    "instructions": gettext_lazy("instructions"),
    "is_active": gettext_lazy("active"),
    "issued_on": gettext_lazy("issued on"),
    "issuing": gettext_lazy("issuing body"),
    "item": gettext_lazy("item"),
    "key": gettext_lazy("key"),
    "kind": gettext_lazy("kind"),
    "leaders": gettext_lazy("leaders"),
    "main_handler": gettext_lazy("main handler"),
    "main_position": gettext_lazy("main handler's position"),
    "messages": gettext_lazy("messages"),
    "minutes": gettext_lazy("minutes"),
    "moved": gettext_lazy("moved"),
    "moves": gettext_lazy("moves"),
    "n": gettext_lazy("number"),
    "name": gettext_lazy("name"),
    "new_version": gettext_lazy("new version"),
    "not_after": gettext_lazy("valid until"),
    "note": gettext_lazy("note"),
    "number": gettext_lazy("number"),
    "office_sessions": gettext_lazy("e-office sessions"),
    "opens_at": gettext_lazy("opens at"),
    "opinion": gettext_lazy("opinion"),
    "organisation": gettext_lazy("organization"),
    "organization": gettext_lazy("organization"),
    "outcome": gettext_lazy("outcome"),
    "outgoing": gettext_lazy("outgoing documents"),
    "output": gettext_lazy("output"),
    "owner": gettext_lazy("owner"),
    "participants": gettext_lazy("participants"),
    "passed": gettext_lazy("passed"),
    "people_created": gettext_lazy("people created"),
    "percent": gettext_lazy("percentage"),
    "person": gettext_lazy("person"),
    "phone": gettext_lazy("phone"),
    "photo": gettext_lazy("photo"),
    "position": gettext_lazy("position"),
    "province": gettext_lazy("province"),
    "purpose": gettext_lazy("purpose"),
    "reason": gettext_lazy("reason"),
    "reasons": gettext_lazy("reasons"),
    "report": gettext_lazy("report"),
    "reset": gettext_lazy("reset"),
    "revoked": gettext_lazy("revoked"),
    "role": gettext_lazy("role"),
    "room": gettext_lazy("room"),
    "root": gettext_lazy("root certificate"),
    "round": gettext_lazy("round"),
    "rows": gettext_lazy("rows"),
    "rules": gettext_lazy("rules"),
    "scenarios": gettext_lazy("scenarios"),
    "scenarios_left_behind": gettext_lazy("scenarios left out"),
    "scope": gettext_lazy("scope"),
    "score": gettext_lazy("score"),
    "seconds_given_back": gettext_lazy("seconds given back"),
    "serial": gettext_lazy("serial number"),
    "session": gettext_lazy("session"),
    "sha256": gettext_lazy("SHA-256"),
    "shared": gettext_lazy("shared"),
    "signer": gettext_lazy("signer"),
    "slots_moved_to_new_versions": gettext_lazy("questions moved to their new version"),
    "snapshot": gettext_lazy("snapshot"),
    "source": gettext_lazy("source"),
    "status": gettext_lazy("status"),
    "subject": gettext_lazy("subject"),
    "tie_decision": gettext_lazy("decision on ties"),
    "title": gettext_lazy("title"),
    "to": gettext_lazy("to"),
    "token": gettext_lazy("token"),
    "tsa": gettext_lazy("time-stamping"),
    "unchanged": gettext_lazy("unchanged"),
    "unit": gettext_lazy("unit"),
    "units": gettext_lazy("units"),
    "unmapped": gettext_lazy("not matched"),
    "updated": gettext_lazy("updated"),
    "username": gettext_lazy("user name"),
    "vacant": gettext_lazy("vacant"),
    "valid": gettext_lazy("valid"),
    "version": gettext_lazy("version"),
    "weight": gettext_lazy("weight"),
}
# Codes written by services that are no model's choice, and the results' outcomes, which
# share their codes with a job's status.
VALUES = {
    "passed": gettext_lazy("Passed"),
    "failed": gettext_lazy("Failed"),
    "absent": gettext_lazy("Absent"),
    "examinee": gettext_lazy("the examinee"),
    "deadline": gettext_lazy("the time ran out"),
    "signed": gettext_lazy("signed"),
    "district": gettext_lazy("the whole district"),
    "default": gettext_lazy("the common bank"),
    "exam": gettext_lazy("the IT-skills test"),
    "eoffice": gettext_lazy("the e-office test"),
    "results": gettext_lazy("results"),
    "report": gettext_lazy("report"),
    "decision": gettext_lazy("draft decision"),
}
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}).*)?$")
DECIMAL = re.compile(r"^-?\d+\.\d+$")
MAX_LENGTH = 400


@cache
def _choice_labels() -> dict[str, Any]:
    """Every stored code of every model's choices, with its label (the first model wins
    where two models share a code)."""
    labels: dict[str, Any] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and value and not isinstance(label, list | tuple):
                    labels.setdefault(value, label)
    return labels


def _value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, int | float):
        return number_format(value)
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value)
    if isinstance(value, dict):
        return "(" + summary_text(value) + ")"
    text = str(value)
    if text in VALUES:
        return str(VALUES[text])
    if text in _choice_labels():
        return str(_choice_labels()[text])
    if date := ISO_DATE.match(text):
        year, month, day, hour, minute = date.groups()
        return f"{day}/{month}/{year}" + (f" {hour}:{minute}" if hour else "")
    if DECIMAL.match(text):
        try:
            return number_format(Decimal(text))
        except InvalidOperation:
            return text
    return text.replace("_", " ")


def summary_text(summary: Any) -> str:
    """One line: "label: value; label: value", at most MAX_LENGTH characters."""
    if not summary:
        return ""
    if not isinstance(summary, dict):
        return _value(summary)
    other = _("other detail")
    parts = []
    for key, value in summary.items():
        label = LABELS.get(key, other)
        parts.append(f"{label}: {_value(value)}")
    text = "; ".join(parts)
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1] + "…"
