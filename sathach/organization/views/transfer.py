"""Excel pages: the import forms, their templates and the exports of units and people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.core.errors import DomainError, ImportErrors
from sathach.organization import transfer as excel
from sathach.organization.forms import ImportForm, PeopleFilterForm
from sathach.organization.jobs import organization_import_start
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import Perm, require_perm
from sathach.organization.selectors import people_list


class UnitImportForm(ImportForm):
    era = forms.ChoiceField(
        label=gettext_lazy("Divisions"),
        choices=AdministrativeUnit.Era.choices,
        help_text=gettext_lazy("Parent units are looked up in this list of divisions."),
    )


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _import_page(
    request: HttpRequest,
    form: ImportForm,
    run: Callable[[bytes, dict[str, Any]], excel.ImportSummary],
    *,
    what: str,
) -> HttpResponse:
    """Shared by both imports: check the upload, run the service, show every bad row."""
    error = ""
    problems: list[tuple[int, str, str]] = []
    located: list[tuple[int, str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > excel.MAX_FILE_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(size)s MB; split it into several files.")
                % {"size": excel.MAX_FILE_BYTES // (1024 * 1024)},
            )
        elif upload.size > settings.IMPORT_IN_REQUEST_BYTES:
            # A large file: the background worker imports it, the job page follows it. The
            # form has checked that it is a workbook (ImportForm.clean_file).
            job = organization_import_start(
                actor=request.user,
                what=what,
                content=upload.read(),
                era=form.cleaned_data.get("era", ""),
            )
            return redirect("job-detail", job.pk)
        else:
            try:
                summary = run(upload.read(), form.cleaned_data)
            except ImportErrors as exc:
                error, problems = exc.message, exc.problems
                located = excel.located_problems(exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, summary.describe())
                return redirect("unit-list" if what == "units" else "person-list")
    spec = excel.UNIT_SHEET if what == "units" else excel.PEOPLE_SHEET
    return render(
        request,
        "organization/import.html",
        {
            "what": what,
            "form": form,
            "error": error,
            "problems": problems,
            "located": located,
            "columns": spec.titles,
            "sheet": spec.name,
            "max_rows": excel.MAX_ROWS,
            "template_url": reverse("unit-template" if what == "units" else "person-template"),
            "list_url": reverse("unit-list" if what == "units" else "person-list"),
        },
    )


@require_perm(Perm.MANAGE_UNITS)
def unit_import(request: HttpRequest) -> HttpResponse:
    form = UnitImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"era": excel.default_era(request.user, Perm.MANAGE_UNITS)},
    )

    def run(content: bytes, data: dict[str, Any]) -> excel.ImportSummary:
        return excel.units_import(actor=request.user, content=content, era=data["era"])

    return _import_page(request, form, run, what="units")


@require_perm(Perm.MANAGE_UNITS)
def unit_template(request: HttpRequest) -> HttpResponse:
    return _download(excel.unit_template(), "mau-nhap-don-vi.xlsx")


@require_perm(Perm.VIEW_ORGANIZATION)
def unit_export(request: HttpRequest) -> HttpResponse:
    era = request.GET.get("era")
    content = excel.units_export(
        request.user, era=era if era in AdministrativeUnit.Era.values else None
    )
    return _download(content, f"don-vi-{timezone.localdate():%Y%m%d}.xlsx")


@require_perm(Perm.MANAGE_PEOPLE)
def person_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )

    def run(content: bytes, data: dict[str, Any]) -> excel.ImportSummary:
        return excel.people_import(actor=request.user, content=content)

    return _import_page(request, form, run, what="people")


@require_perm(Perm.MANAGE_PEOPLE)
def person_template(request: HttpRequest) -> HttpResponse:
    return _download(excel.person_template(), "mau-nhap-can-bo.xlsx")


@require_perm(Perm.VIEW_ORGANIZATION)
def person_export(request: HttpRequest) -> HttpResponse:
    # The same filters as the people list, so that the file holds what the page showed.
    form = PeopleFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    people = people_list(
        request.user,
        unit=filters.get("unit"),
        query=filters.get("q", ""),
        position=filters.get("position", ""),
    )
    content = excel.people_export(request.user, people)
    return _download(content, f"can-bo-{timezone.localdate():%Y%m%d}.xlsx")
