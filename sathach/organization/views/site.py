"""The site's pages that depend on who is asking: the home page, the audit log and a
background job's progress. (core's views keep what needs no role: the language switch,
the health check and the error pages.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from sathach.core.audit import AuditAction
from sathach.core.audit_summary import summary_text
from sathach.core.forms import AuditFilterForm
from sathach.organization.audit_access import audit_entries_for_user
from sathach.organization.home import home_context
from sathach.organization.job_access import get_job_for_user
from sathach.organization.permissions import Perm, require_perm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "organization/home.html", home_context(request.user))


@require_perm(Perm.VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries_for_user(request.user)
    if form.is_valid():
        entries = form.apply(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    labels = dict(AuditAction.choices)
    for entry in page.object_list:
        entry.action_label = labels.get(entry.action, entry.action)
        entry.summary_text = summary_text(entry.summary)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A background job's progress, errors and where to go next; live.js fetches the part
    again every two seconds (X-Requested-With: fetch) until the job is finished."""
    job = get_job_for_user(request.user, pk)
    next_url = job.next_url
    if next_url and not url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        next_url = ""
    context = {"job": job, "next_url": next_url}
    if request.headers.get("X-Requested-With") == "fetch":
        return render(request, "core/_job_progress.html", context)
    return render(request, "core/job.html", context)
