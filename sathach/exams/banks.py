"""Who reads and who changes which question bank.

A bank belongs to a unit. Its admins, and those of the units above it, manage it: search it,
change and take out questions, import into it and export it with the keys. The admins of the
units below it and beside it (the same parent unit) read and copy it only when it is shared
on purpose. A bank without a unit is the installation's: every exams admin reads it, only a
superuser changes it. The keys of questions still on a test that is not over stay hidden
from everyone (selectors.questions_in_open_attempts)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from sathach.exams.models import Question, QuestionBank
from sathach.organization.permissions import Perm, memberships, units_for_user, user_can


def _ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def banks_managed_by(user: Any) -> QuerySet[QuestionBank]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return QuestionBank.objects.all()
    return QuestionBank.objects.filter(unit__in=units_for_user(user, Perm.MANAGE_EXAMS))


def banks_readable_by(user: Any) -> QuerySet[QuestionBank]:
    """The banks the user manages, the installation's, and the shared banks of the units
    above the user's exams units and of the units beside them."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return QuestionBank.objects.all()
    condition = Q(unit__in=units_for_user(user, Perm.MANAGE_EXAMS))
    homes = [m.unit for m in memberships(user) if user_can(user, Perm.MANAGE_EXAMS, m.unit)]
    if homes:
        condition |= Q(unit__isnull=True)
        above = {pk for unit in homes for pk in _ids(unit.path)[:-1]}
        parents = {unit.parent_id for unit in homes if unit.parent_id is not None}
        condition |= Q(shared=True) & (Q(unit_id__in=above) | Q(unit__parent_id__in=parents))
    return QuestionBank.objects.filter(condition)


def bank_managed(user: Any, bank: QuestionBank) -> bool:
    return banks_managed_by(user).filter(pk=bank.pk).exists()


def banks_for_campaign(user: Any, campaign: Any) -> QuerySet[QuestionBank]:
    """The banks a campaign's test may draw from: readable by the user, and the
    installation's, the campaign's unit's own, those of the units above it (shared) or
    below it; never a neighbour's, which is copied first."""
    unit = campaign.unit
    on_the_way = Q(unit__isnull=True) | Q(unit_id__in=_ids(unit.path))
    below = Q(unit__path__startswith=unit.path)
    return banks_readable_by(user).filter(on_the_way | below)


def bank_homes(user: Any) -> list[Any]:
    """The units the user imports and copies into: those of their exams roles."""
    return [m.unit for m in memberships(user) if user_can(user, Perm.MANAGE_EXAMS, m.unit)]


def get_question_for_user(user: Any, pk: int, *, manage: bool = False) -> Question:
    """A question of a bank the user reads (or, `manage`, changes); 404 otherwise, so that
    another district's questions are not even known to exist."""
    banks = banks_managed_by(user) if manage else banks_readable_by(user)
    try:
        return Question.objects.select_related("category", "current", "bank").get(
            pk=pk, bank__in=banks
        )
    except Question.DoesNotExist:
        raise Http404 from None
