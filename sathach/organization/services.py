"""State changes of the organization: units, people, accounts and roles."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import fold, nfc
from sathach.organization.models import (
    LEADER_POSITIONS,
    ROLE_UNIT_LEVELS,
    AdministrativeUnit,
    Membership,
    Person,
    Position,
    Role,
    User,
)


def _check_parent(kind: str, parent: AdministrativeUnit | None, era: str) -> None:
    level = AdministrativeUnit.LEVEL_OF_KIND[kind]
    if level == AdministrativeUnit.Level.PROVINCE:
        if parent is not None:
            raise DomainError(_("A province has no parent unit."))
        return
    if parent is None:
        raise DomainError(_("A district or commune needs its parent unit."))
    if parent.level >= level:
        raise DomainError(
            _("%(parent)s cannot contain a unit of this type.") % {"parent": parent.name}
        )
    if parent.era != era:
        raise DomainError(_("The parent unit belongs to the other list of divisions."))


def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: AdministrativeUnit | None,
    era: str = AdministrativeUnit.Era.BEFORE_2025,
) -> AdministrativeUnit:
    """Create a unit under `parent`, refusing a duplicate code or an impossible parent."""
    code = code.strip()
    if kind not in AdministrativeUnit.LEVEL_OF_KIND:
        raise DomainError(_("Unknown unit type."))
    _check_parent(kind, parent, era)
    with transaction.atomic():
        level = AdministrativeUnit.LEVEL_OF_KIND[kind]
        if AdministrativeUnit.objects.filter(era=era, level=level, code=code).exists():
            raise DomainError(_("Unit code %(code)s already exists.") % {"code": code})
        unit = AdministrativeUnit(code=code, name=nfc(name), kind=kind, parent=parent, era=era)
        unit.save()
        audit_log(
            actor=actor,
            action=AuditAction.UNIT_CREATED,
            obj=unit,
            unit=unit,
            summary={"code": code, "name": unit.name, "kind": kind},
        )
    return unit


def unit_update(*, actor: Any, unit: AdministrativeUnit, name: str, kind: str) -> None:
    """Rename a unit or change its type within the same level."""
    if AdministrativeUnit.LEVEL_OF_KIND.get(kind) != unit.level:
        raise DomainError(_("The new type must be of the same level."))
    with transaction.atomic():
        before = {"name": unit.name, "kind": unit.kind}
        unit.name = nfc(name)
        unit.kind = kind
        unit.save()
        audit_log(
            actor=actor,
            action=AuditAction.UNIT_UPDATED,
            obj=unit,
            unit=unit,
            summary={"before": before, "after": {"name": unit.name, "kind": kind}},
        )


def _person_changes(person: Person) -> dict[str, Any]:
    return {
        "full_name": person.full_name,
        "gender": person.gender,
        "unit": person.unit.code,
        "position": person.position,
        "phone": person.phone,
        "email": person.email,
        "photo": bool(person.photo),
    }


def second_chairman(person: Person) -> Person | None:
    """The other Chairman of the person's unit, when the person is recorded as Chairman
    too: a commune has one."""
    if person.position != Position.CHAIRMAN:
        return None
    others = Person.objects.filter(unit_id=person.unit_id, position=Position.CHAIRMAN)
    return others.exclude(pk=person.pk).first() if person.pk else others.first()


def person_save(*, actor: Any, person: Person) -> Person:
    """Create or update a person from a validated (unsaved) instance."""
    person.full_name = nfc(person.full_name)
    person.phone = person.phone.strip()
    person.email = person.email.strip().lower()
    if not person.full_name:
        raise DomainError(_("The full name is required."))
    chairman = second_chairman(person)
    if chairman is not None:
        raise DomainError(
            _(
                "%(unit)s already has a Chairman, %(name)s: change that person's position "
                "first, or record this one as Vice-Chairman (acting, if so)."
            )
            % {"unit": person.unit.name, "name": chairman.full_name}
        )
    creating = person.pk is None
    with transaction.atomic():
        before = None
        if not creating:
            before = _person_changes(Person.objects.select_related("unit").get(pk=person.pk))
        person.save()
        audit_log(
            actor=actor,
            action=AuditAction.PERSON_CREATED if creating else AuditAction.PERSON_UPDATED,
            obj=person,
            summary={"before": before, "after": _person_changes(person)}
            if before
            else _person_changes(person),
        )
    return person


def _role_check(role: str, unit: AdministrativeUnit) -> None:
    if unit.level not in ROLE_UNIT_LEVELS[role]:
        raise DomainError(_("This role cannot be held over %(unit)s.") % {"unit": unit.name})


def user_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    email: str = "",
    role: str,
    unit: AdministrativeUnit,
    password: str,
    must_change_password: bool = True,
    person: Person | None = None,
) -> User:
    """Create an account with one role over `unit`; the password passes Django's validators."""
    username = nfc(username).lower()
    if not username:
        raise DomainError(_("The user name is required."))
    _role_check(role, unit)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise DomainError(_("User name %(name)s is taken.") % {"name": username})
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            must_change_password=must_change_password,
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise DomainError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, role=role, unit=unit)
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
        audit_log(
            actor=actor,
            action=AuditAction.USER_CREATED,
            obj=user,
            unit=unit,
            summary={"username": username, "role": role, "unit": unit.code},
        )
    return user


def role_grant(*, actor: Any, user: User, role: str, unit: AdministrativeUnit) -> Membership:
    _role_check(role, unit)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, role=role, unit=unit)
        if not created:
            raise DomainError(_("The account already holds this role."))
        audit_log(
            actor=actor,
            action=AuditAction.ROLE_GRANTED,
            obj=user,
            unit=unit,
            summary={"role": role, "unit": unit.code},
        )
    return membership


def role_revoke(*, actor: Any, membership: Membership) -> None:
    with transaction.atomic():
        user, role, unit = membership.user, membership.role, membership.unit
        membership.delete()
        audit_log(
            actor=actor,
            action=AuditAction.ROLE_REVOKED,
            obj=user,
            unit=unit,
            summary={"role": role, "unit": unit.code},
        )


def user_set_active(*, actor: Any, user: User, active: bool) -> None:
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_log(
            actor=actor,
            action=AuditAction.USER_UPDATED,
            obj=user,
            summary={"is_active": active},
        )


def user_password_changed(*, user: User) -> None:
    """Record a password change made through Django's form and lift the first-login flag."""
    with transaction.atomic():
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit_log(actor=user, action=AuditAction.PASSWORD_CHANGED, obj=user)


# Letters and digits that cannot be mistaken for one another on paper.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679"


def one_time_password(length: int = 10) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


def examinee_username(person: Person) -> str:
    """`<unit code>.<given name><initials>`, e.g. 31618.anhnv for Nguyễn Văn Anh."""
    words = fold(person.full_name).split()
    base = words[-1] + "".join(word[0] for word in words[:-1]) if words else "user"
    base = "".join(ch for ch in base if ch.isalnum())
    candidate = f"{person.unit.code}.{base}"
    suffix = 1
    while User.objects.filter(username=candidate).exists():
        suffix += 1
        candidate = f"{person.unit.code}.{base}{suffix}"
    return candidate


def _is_examinee_only(user: User) -> bool:
    # A leader who also holds a staff role keeps their password: a printed sheet must not
    # reset the account of a council member or an officer.
    return not user.memberships.exclude(role=Role.EXAMINEE).exists()


@dataclass(frozen=True)
class IssuedCredential:
    person: Person
    username: str
    password: str


def _credential_issue(person: Person, *, reset_existing: bool) -> IssuedCredential | None:
    """A one-time password for `person`: a new examinee account, or with `reset_existing` a
    new password for an examinee-only account; None when the leader keeps theirs. The caller
    holds the transaction and writes the audit entry."""
    password = one_time_password()
    if person.user is None:
        user = User(
            username=examinee_username(person),
            full_name=person.full_name,
            email=person.email,
            must_change_password=True,
        )
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, role=Role.EXAMINEE, unit=person.unit)
        person.user = user
        person.save(update_fields=["user"])
    elif reset_existing and _is_examinee_only(person.user):
        user = person.user
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        Membership.objects.get_or_create(user=user, role=Role.EXAMINEE, unit=person.unit)
    else:
        return None
    return IssuedCredential(person, user.username, password)


def examinee_credentials_issue(
    *, actor: Any, unit: AdministrativeUnit, reset_existing: bool = False
) -> list[IssuedCredential]:
    """Give each leader of `unit` an examinee account with a one-time password.

    Leaders without an account get one; with `reset_existing`, leaders who have one get a new
    one-time password. Every issued account must set its own password at first login. The
    passwords are returned once, for the printed sheet, and never stored in clear.
    """
    if not unit.is_commune_level:
        raise DomainError(_("Examinee accounts are issued for a commune-level unit."))
    with transaction.atomic():
        leaders = Person.objects.filter(unit=unit, position__in=LEADER_POSITIONS).select_related(
            "user", "unit"
        )
        issued = [
            item
            for person in leaders
            if (item := _credential_issue(person, reset_existing=reset_existing))
        ]
        if not issued:
            raise DomainError(
                _("Every leader of %(unit)s already has an account.") % {"unit": unit.name}
                if leaders
                else _("%(unit)s has no Chairman or Vice-Chairman yet.") % {"unit": unit.name}
            )
        audit_log(
            actor=actor,
            action=AuditAction.EXAMINEE_CREDENTIALS_ISSUED,
            obj=unit,
            unit=unit,
            summary={"accounts": [item.username for item in issued], "reset": reset_existing},
        )
    return issued


def examinees_credentials_issue(
    *, actor: Any, people: list[Person], obj: Any, unit: AdministrativeUnit, reset_existing: bool
) -> list[IssuedCredential]:
    """One-time passwords for the leaders of a sitting (`obj`, run by `unit`), whatever their
    commune: an account for those without one, and with `reset_existing` a new password for
    examinee-only accounts. One audit entry; the passwords are returned once, for the cards,
    and never stored in clear. Nothing issued is an error the caller shows."""
    with transaction.atomic():
        issued = [
            item
            for person in people
            if (item := _credential_issue(person, reset_existing=reset_existing))
        ]
        if not issued:
            raise DomainError(
                _(
                    "Every leader of this session already has an account: tick “issue new "
                    "passwords” to print new ones."
                )
            )
        audit_log(
            actor=actor,
            action=AuditAction.EXAMINEE_CREDENTIALS_ISSUED,
            obj=obj,
            unit=unit,
            summary={"accounts": [item.username for item in issued], "reset": reset_existing},
        )
    return issued
