"""The roots that validation trusts when the caller names none: the installation's trust
store — the exam root CA, the roots a superuser added for the whole installation (or with
`sathach pki trust add`), and any certificate files dropped in VAR_DIR/trust — and, for a
document of a unit, the roots that the unit's admins or the admins of a unit above it added
on the signing-certificates page. A root added by one district never counts in another."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet

from sathach.signatures.validation import certificate_ders

if TYPE_CHECKING:
    from sathach.signatures.models import TrustAnchor

logger = logging.getLogger(__name__)

TRUST_FILE_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def installed_trust_roots() -> list[bytes]:
    """The installation's roots alone: what the command line and a user of no unit get."""
    return trust_roots_for([])


def trust_roots_for(units: Iterable[Any]) -> list[bytes]:
    """The DER of the exam root, of every root the installation trusts, of every root added
    for one of `units` or for a unit above one of them, and of every certificate in the
    *.pem/*.crt/*.cer/*.der files of VAR_DIR/trust. Unreadable files are skipped with a
    warning in the log."""
    from django.db import DatabaseError

    from sathach.signatures.models import Authority, TrustAnchor

    above = {int(part) for unit in units if unit is not None for part in _path_ids(unit.path)}
    roots: list[bytes] = []
    try:
        roots.extend(
            bytes(a.certificate) for a in Authority.objects.filter(kind=Authority.Kind.ROOT)
        )
        anchors = TrustAnchor.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=above))
        roots.extend(bytes(anchor.certificate) for anchor in anchors)
    except DatabaseError:
        # A database not migrated yet (a bare `sathach verify` on a fresh copy) holds no
        # roots; the files below still count.
        logger.warning("No trust store in the database; using %s only", settings.VAR_DIR)
    return roots + _folder_roots()


def trust_units_of(user: Any) -> list[Any]:
    """The units whose roots count for what `user` checks: those of their roles and the
    unit of the person they are."""
    from sathach.organization.models import Person
    from sathach.organization.permissions import memberships

    units = [membership.unit for membership in memberships(user)]
    person = Person.objects.filter(user_id=getattr(user, "pk", None) or 0).first()
    if person is not None:
        units.append(person.unit)
    return units


def _path_ids(path: str) -> list[str]:
    return [part for part in path.strip("/").split("/") if part]


def _folder_roots() -> list[bytes]:
    roots: list[bytes] = []
    folder = Path(settings.VAR_DIR) / "trust"
    try:
        paths = sorted(folder.iterdir())
    except OSError:
        return roots
    for path in paths:
        if path.suffix.lower() not in TRUST_FILE_SUFFIXES or not path.is_file():
            continue
        try:
            roots.extend(certificate_ders(path.read_bytes()))
        except (OSError, ValueError):
            logger.warning("Skipping %s: not a readable certificate", path)
    return roots


def anchors_for_user(user: Any) -> QuerySet[TrustAnchor]:
    """The roots that count in the user's PKI units: the installation's, those of the units
    above them and those of the units inside them."""
    from sathach.organization.permissions import Perm, units_for_user
    from sathach.signatures.models import TrustAnchor

    inside = units_for_user(user, Perm.MANAGE_PKI)
    above = {int(part) for unit in inside for part in _path_ids(unit.path)}
    return (
        TrustAnchor.objects.filter(Q(unit__isnull=True) | Q(unit__in=inside) | Q(unit_id__in=above))
        .select_related("unit")
        .order_by("unit__level", "name")
    )


def anchors_with_rights(user: Any) -> list[tuple[TrustAnchor, bool]]:
    """anchors_for_user, each with whether the user may remove it (anchor_removable_by),
    judged with one query for all of them."""
    from sathach.organization.permissions import Perm, units_for_user

    anchors = list(anchors_for_user(user))
    superuser = bool(getattr(user, "is_superuser", False))
    own = set(
        units_for_user(user, Perm.MANAGE_PKI)
        .filter(pk__in={a.unit_id for a in anchors if a.unit_id is not None})
        .values_list("pk", flat=True)
    )
    return [(a, superuser if a.unit_id is None else a.unit_id in own) for a in anchors]


def anchor_removable_by(user: Any, anchor: TrustAnchor) -> bool:
    """An admin removes the roots of their own units; the installation's, a superuser."""
    from sathach.organization.permissions import Perm, units_for_user

    if anchor.unit_id is None:
        return bool(getattr(user, "is_superuser", False))
    return units_for_user(user, Perm.MANAGE_PKI).filter(pk=anchor.unit_id).exists()


def anchor_units_for_user(user: Any) -> list[Any]:
    """The units for which the user may add a root: those of their PKI roles (a province's
    admin adds for the province, a district's for the district)."""
    from sathach.organization.permissions import Perm, memberships, user_can

    return [m.unit for m in memberships(user) if user_can(user, Perm.MANAGE_PKI, m.unit)]
