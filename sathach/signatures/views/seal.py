"""The văn thư's page: add the organisation's signature to a document a leader of the
commune signed. The upload is checked and sealed in memory, and the sealed file goes back
as a download; nothing is stored but the audit entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.core.errors import DomainError
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import Perm, require_perm, units_for_user
from sathach.signatures.models import SealCertificate
from sathach.signatures.uploads import PdfFileField, document_seal_leader_signed
from sathach.signatures.views.verify import MAX_PICTURES, verdict_view


class SealForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=AdministrativeUnit.objects.none()
    )
    document = PdfFileField(label=gettext_lazy("The PDF the leader signed"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with_seal = SealCertificate.objects.filter(revoked_at__isnull=True).values("unit_id")
        self.units = units_for_user(user, Perm.SEAL_DOCUMENTS).filter(pk__in=with_seal)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = self.units


def _upload_name(request: HttpRequest) -> str:
    upload = request.FILES.get("document")
    return upload.name if upload is not None and upload.name else "van-ban.pdf"


@require_perm(Perm.SEAL_DOCUMENTS)
def document_seal_page(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = SealForm(
        request.POST if posted else None, request.FILES if posted else None, user=request.user
    )
    result = None
    if posted and form.is_valid():
        unit = form.cleaned_data["unit"]
        data: bytes = form.cleaned_data["document"]
        file_name = _upload_name(request)
        name = Path(file_name).stem
        try:
            outcome = document_seal_leader_signed(
                actor=request.user, unit=unit, data=data, pictures=MAX_PICTURES
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if outcome.sealed is not None:
                response = HttpResponse(outcome.sealed, content_type="application/pdf")
                disposition = content_disposition_header(
                    as_attachment=True, filename=f"{name}-da-ky-so.pdf"
                )
                response["Content-Disposition"] = disposition or "attachment"
                return response
            form.add_error(None, _("The leader's signature is not valid: nothing was signed."))
            result = verdict_view(outcome.inspection, file_name=file_name)
    return render(
        request,
        "signatures/seal.html",
        {"form": form, "result": result, "units": form.units},
    )
