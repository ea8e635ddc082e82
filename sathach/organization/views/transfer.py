from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from sathach.core.permissions import Perm, require_perm


def _todo(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


unit_import = require_perm(Perm.MANAGE_UNITS)(_todo)
unit_template = require_perm(Perm.MANAGE_UNITS)(_todo)
unit_export = require_perm(Perm.VIEW_ORGANIZATION)(_todo)
person_import = require_perm(Perm.MANAGE_PEOPLE)(_todo)
person_template = require_perm(Perm.MANAGE_PEOPLE)(_todo)
person_export = require_perm(Perm.VIEW_ORGANIZATION)(_todo)
