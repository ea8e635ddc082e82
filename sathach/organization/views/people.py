from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError
from sathach.organization.forms import PeopleFilterForm, PersonForm
from sathach.organization.permissions import Perm, get_person_for_user, require_perm, user_can
from sathach.organization.selectors import people_list
from sathach.organization.services import person_save


@require_perm(Perm.VIEW_ORGANIZATION)
def person_list(request: HttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    people = people_list(
        request.user,
        unit=filters.get("unit"),
        query=filters.get("q", ""),
        position=filters.get("position", ""),
    )
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organization/person_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": user_can(request.user, Perm.MANAGE_PEOPLE),
        },
    )


@require_perm(Perm.MANAGE_PEOPLE)
def person_create_view(request: HttpRequest) -> HttpResponse:
    form = PersonForm(
        request.POST or None, request.FILES or None, user=request.user, initial=request.GET.dict()
    )
    return _person_form(request, form)


@require_perm(Perm.MANAGE_PEOPLE)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, Perm.MANAGE_PEOPLE, pk)
    form = PersonForm(
        request.POST or None, request.FILES or None, instance=person, user=request.user
    )
    return _person_form(request, form)


def _person_form(request: HttpRequest, form: PersonForm) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        if not user_can(request.user, Perm.MANAGE_PEOPLE, person.unit):
            raise PermissionDenied
        try:
            person_save(actor=request.user, person=person)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": person.full_name})
            return redirect("unit-detail", person.unit_id)
    return render(request, "organization/person_form.html", {"form": form})


@require_perm(Perm.VIEW_ORGANIZATION)
def person_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The photo of a person the user may see, never a stored file's public address."""
    person = get_person_for_user(request.user, Perm.VIEW_ORGANIZATION, pk)
    if not person.photo:
        raise Http404
    response = FileResponse(person.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response
