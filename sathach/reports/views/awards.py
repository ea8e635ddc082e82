"""The Giấy khen page of a campaign: start the signing batch with the Chairman's PIN,
watch its progress, download the zip or each signed PDF. District roles only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from sathach.campaigns.models import Campaign
from sathach.campaigns.selectors import get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.core.models import Job
from sathach.organization.permissions import Perm, require_perm, user_can
from sathach.reports.awards import (
    award_decision,
    certificate_filename,
    latest_certificates,
    signer_token,
)
from sathach.reports.jobs import award_certificates_start
from sathach.reports.models import CertificateFile


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("PIN of the district Chairman's certificate"),
        strip=True,
        max_length=12,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    """The campaign, for district roles only: a commune officer holds the export right
    over their commune but the certificates are the district's."""
    campaign = get_campaign_for_user(request.user, Perm.EXPORT_REPORTS, pk)
    if not user_can(request.user, Perm.EXPORT_REPORTS, campaign.issuing_unit):
        raise PermissionDenied
    return campaign


def _job(campaign: Campaign, job_pk: int) -> Job:
    return get_object_or_404(Job, pk=job_pk, campaign=campaign, kind=Job.Kind.CERTIFICATES)


@require_perm(Perm.EXPORT_REPORTS)
def certificates(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = award_certificates_start(
                actor=request.user, campaign=campaign, pin=form.cleaned_data["pin"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The signing of the certificates has started."))
            return redirect("report-certificates-job", campaign.pk, job.pk)
    refusal = None
    try:
        decision = award_decision(campaign)
        signer_token(campaign)
    except DomainError as error:
        refusal = error.message
        decision = None
    jobs = Job.objects.filter(campaign=campaign, kind=Job.Kind.CERTIFICATES)[:5]
    return render(
        request,
        "reports/certificates.html",
        {
            "campaign": campaign,
            "decision": decision,
            "refusal": refusal,
            "form": form,
            "jobs": jobs,
            "files": latest_certificates(campaign),
        },
    )


@require_perm(Perm.EXPORT_REPORTS)
def certificates_job(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    """The job's progress; fetched again every two seconds by live.js (the part only)."""
    campaign = _campaign(request, pk)
    job = _job(campaign, job_pk)
    # In the ranking's order, as the decision lists the awards.
    certificates = job.certificates.select_related("award__unit").order_by(
        "award__rank", "award__position"
    )
    context = {"campaign": campaign, "job": job, "certificates": list(certificates)}
    if request.headers.get("X-Requested-With") == "fetch":
        return render(request, "reports/_job_progress.html", context)
    return render(request, "reports/certificates_job.html", context)


@require_perm(Perm.EXPORT_REPORTS)
def certificates_zip(request: HttpRequest, pk: int, job_pk: int) -> FileResponse:
    campaign = _campaign(request, pk)
    job = _job(campaign, job_pk)
    if job.status != Job.Status.DONE or not job.result:
        raise Http404
    return FileResponse(
        job.result.open("rb"),
        as_attachment=True,
        filename=job.result.name.rsplit("/", 1)[-1],
        content_type="application/zip",
    )


@require_perm(Perm.EXPORT_REPORTS)
def certificate_pdf(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    campaign = _campaign(request, pk)
    stored = get_object_or_404(
        CertificateFile.objects.select_related("award__unit"),
        pk=file_pk,
        award__decision__campaign=campaign,
    )
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=certificate_filename(stored.award),
        content_type="application/pdf",
    )
