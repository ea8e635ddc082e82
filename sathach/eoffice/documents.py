"""From a scenario of the bank to the PDF an examinee sees: dates relative to the test day,
the examinee's commune filled in, and for an outgoing draft the examinee as the signer."""

from __future__ import annotations

import datetime

from sathach.eoffice.models import TYPE_TITLES, URGENCY_STAMPS, Kind, Scenario
from sathach.eoffice.pdf import Layout, Rendered, render, vn_date_line
from sathach.organization.models import AdministrativeUnit, Person, Position

DEFAULT_RECIPIENTS = ["- Như trên;", "- Lưu: VT."]
# A commune's own number is given by the Văn thư after the signature: the draft has none.


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def issue_date(scenario: Scenario, test_day: datetime.date) -> datetime.date:
    return test_day - datetime.timedelta(days=scenario.issued_days_before)


def latest_deadline(scenario: Scenario, test_day: datetime.date) -> datetime.date | None:
    """The latest handling deadline the document allows; None when it sets none."""
    if scenario.deadline_days is None:
        return None
    return test_day + datetime.timedelta(days=scenario.deadline_days)


def signer_block(person: Person | None) -> tuple[list[str], str]:
    """The title lines and name of a commune's signer (Phụ lục I: TM. for the collective,
    KT. for a deputy)."""
    if person is None:
        return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], ""
    if person.position == Position.VICE_CHAIRMAN:
        return ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], person.full_name
    return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], person.full_name


def layout_for(
    scenario: Scenario,
    *,
    test_day: datetime.date,
    commune: AdministrativeUnit | None,
    signer: Person | None = None,
) -> Layout:
    issued = issue_date(scenario, test_day)
    commune_name = commune.name if commune else "Xã An Thạnh 1"
    latest = latest_deadline(scenario, test_day)
    values = {
        "han": latest.strftime("%d/%m/%Y") if latest else "",
        "ngay": issued.strftime("%d/%m/%Y"),
        "xa": commune_name,
        "nam": str(test_day.year),
    }
    outgoing = scenario.kind == Kind.OUTGOING
    if outgoing:
        title_lines, name = signer_block(signer)
        issuer_parent, issuer = "", f"Ủy ban nhân dân\n{commune_name}"
        place = commune_name
        recipient_line = scenario.recipient_line
    else:
        title_lines = [line for line in scenario.signer_title.split("\n") if line]
        name = scenario.signer_name
        issuer_parent, issuer = scenario.issuer_parent, scenario.issuer
        place = scenario.place
        recipient_line = scenario.recipient_line or (
            "Ủy ban nhân dân các xã, thị trấn" if scenario.doc_type == "cong_van" else ""
        )
    return Layout(
        doc_type_title=TYPE_TITLES.get(scenario.doc_type, ""),
        number=scenario.number,
        issuer_parent=issuer_parent,
        issuer=issuer,
        date_line=vn_date_line(place, issued),
        subject=fill(scenario.subject, values),
        urgency_stamp=URGENCY_STAMPS.get(scenario.urgency, ""),
        recipient_line=fill(recipient_line, values),
        body=[fill(p, values) for p in scenario.body],
        recipients=list(scenario.recipients) or DEFAULT_RECIPIENTS,
        signer_title=title_lines,
        signer_name=name,
        signed_mark=not outgoing,
    )


def render_scenario(
    scenario: Scenario,
    *,
    test_day: datetime.date,
    commune: AdministrativeUnit | None,
    signer: Person | None = None,
) -> Rendered:
    return render(layout_for(scenario, test_day=test_day, commune=commune, signer=signer))
