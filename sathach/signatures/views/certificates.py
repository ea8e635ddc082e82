"""Pages of the exam PKI: a leader's own signing certificate (PIN, signature picture), the
district's certificate management and trust store, and the public CRL."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sathach.core.errors import DomainError
from sathach.organization.models import SIGNER_POSITIONS, AdministrativeUnit, Person
from sathach.organization.permissions import Perm, people_for_user, require_perm, units_for_user
from sathach.signatures.models import Authority, LeaderCertificate
from sathach.signatures.services import (
    certificate_issue,
    certificate_renew,
    certificate_revoke,
    leader_signature_png,
    pki_init,
    seal_certificate_issue,
    signature_image_save,
    token_set_pin,
    trust_anchor_add,
    trust_anchor_remove,
)
from sathach.signatures.trust import (
    anchor_removable_by,
    anchor_units_for_user,
    anchors_for_user,
    anchors_with_rights,
)


class PinForm(forms.Form):
    old_pin = forms.CharField(
        label=gettext_lazy("Current PIN"), required=False, widget=forms.PasswordInput
    )
    new_pin = forms.CharField(
        label=gettext_lazy("New PIN (6 to 12 digits)"), widget=forms.PasswordInput
    )
    again = forms.CharField(label=gettext_lazy("New PIN again"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_pin") != data.get("again"):
            raise forms.ValidationError(_("The two new PINs differ."))
        return data


def _own_person(request: HttpRequest) -> Person:
    person = Person.objects.filter(user_id=request.user.pk or 0).select_related("unit").first()
    if person is None or person.position not in SIGNER_POSITIONS:
        raise Http404
    return person


@login_required
def my_signature(request: HttpRequest) -> HttpResponse:
    """A leader's own certificate: set or change the PIN, upload the signature picture."""
    person = _own_person(request)
    token = (
        LeaderCertificate.objects.filter(person=person, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    form = PinForm(request.POST or None)
    if request.method == "POST" and token is not None and form.is_valid():
        try:
            token_set_pin(
                actor=request.user,
                token=token,
                new_pin=form.cleaned_data["new_pin"],
                old_pin=form.cleaned_data["old_pin"] or None,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The PIN of your signing certificate was saved."))
            return redirect("my-signature")
    return render(
        request,
        "signatures/my_signature.html",
        {"person": person, "token": token, "form": form},
    )


@login_required
def my_signature_image(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    return HttpResponse(leader_signature_png(person), content_type="image/png")


@require_POST
@login_required
def my_signature_upload(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    upload = request.FILES.get("image")
    if upload is None:
        messages.error(request, _("Choose a PNG picture of your signature."))
    else:
        try:
            signature_image_save(actor=request.user, person=person, png=upload.read())
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your signature picture was saved."))
    return redirect("my-signature")


@require_perm(Perm.MANAGE_PKI)
def pki_overview(request: HttpRequest) -> HttpResponse:
    """The exam CA, every leader's certificate in the admin's units, the communes' seal
    certificates and the trusted roots."""
    leaders = (
        people_for_user(request.user, Perm.MANAGE_PKI)
        .filter(position__in=SIGNER_POSITIONS)
        .select_related("unit")
        .prefetch_related("certificates")
        .order_by("unit__code", "sort_key")
    )
    communes = (
        units_for_user(request.user, Perm.MANAGE_PKI)
        .filter(level=3)
        .prefetch_related("seals")
        .order_by("code")
    )
    return render(
        request,
        "signatures/pki.html",
        {
            "authorities": Authority.objects.order_by("kind"),
            "leaders": leaders,
            "communes": communes,
            "anchors": anchors_with_rights(request.user),
            "anchor_units": anchor_units_for_user(request.user),
            "installation_roots": request.user.is_superuser,
        },
    )


@require_POST
@require_perm(Perm.MANAGE_PKI)
def pki_action(request: HttpRequest, action: str) -> HttpResponse:
    """Create the CA, issue, revoke or renew a certificate, manage the trust store."""
    try:
        if action == "init":
            pki_init(actor=request.user, organization=request.POST.get("organization", ""))
            done = _("The exam CA was created.")
        elif action == "issue":
            person = get_object_or_404(
                people_for_user(request.user, Perm.MANAGE_PKI), pk=request.POST.get("person")
            )
            token = certificate_issue(
                actor=request.user, person=person, key_type=request.POST.get("key", "ec")
            )
            done = _("Certificate %(serial)s issued to %(name)s.") % {
                "serial": token.serial[:12],
                "name": person.full_name,
            }
        elif action in ("revoke", "renew"):
            token = get_object_or_404(
                LeaderCertificate.objects.filter(
                    person__in=people_for_user(request.user, Perm.MANAGE_PKI)
                ),
                pk=request.POST.get("certificate"),
            )
            if action == "revoke":
                certificate_revoke(
                    actor=request.user, token=token, reason=request.POST.get("reason", "")
                )
                done = _("The certificate was revoked and the CRL published.")
            else:
                certificate_renew(actor=request.user, token=token)
                done = _("A new certificate replaces the old one.")
        elif action == "seal":
            unit = get_object_or_404(
                units_for_user(request.user, Perm.MANAGE_PKI), pk=request.POST.get("unit")
            )
            seal_certificate_issue(actor=request.user, unit=unit)
            done = _("The seal certificate of %(unit)s was issued.") % {"unit": unit.name}
        elif action == "trust-add":
            upload = request.FILES.get("certificate")
            if upload is None:
                raise DomainError(_("Choose the certificate file of the root."))
            trust_anchor_add(
                actor=request.user,
                data=upload.read(),
                name=request.POST.get("name", ""),
                unit=_anchor_unit(request),
            )
            done = _("The root is now trusted.")
        elif action == "trust-remove":
            anchor = get_object_or_404(
                anchors_for_user(request.user), pk=request.POST.get("anchor")
            )
            if not anchor_removable_by(request.user, anchor):
                raise DomainError(_("This root was added above your unit; ask its admin."))
            trust_anchor_remove(actor=request.user, anchor=anchor)
            done = _("The root is no longer trusted.")
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("pki-overview")
    messages.success(request, done)
    return redirect("pki-overview")


def _anchor_unit(request: HttpRequest) -> AdministrativeUnit | None:
    """The unit a new root is trusted for: one of the admin's PKI units, or (a superuser
    choosing none) the whole installation."""
    chosen = request.POST.get("unit", "")
    if not chosen and request.user.is_superuser:
        return None
    units = {str(unit.pk): unit for unit in anchor_units_for_user(request.user)}
    if chosen not in units:
        if len(units) == 1 and not chosen:
            return next(iter(units.values()))
        raise Http404
    return units[chosen]


def crl_download(request: HttpRequest) -> HttpResponse:
    """The exam CA's current CRL, public as a CRL distribution point must be."""
    issuing = Authority.objects.filter(kind=Authority.Kind.ISSUING).first()
    if issuing is None or issuing.crl is None:
        raise Http404
    return HttpResponse(bytes(issuing.crl), content_type="application/pkix-crl")


def root_download(request: HttpRequest) -> HttpResponse:
    """The exam root certificate, to install as trusted in a PDF reader."""
    root = Authority.objects.filter(kind=Authority.Kind.ROOT).first()
    if root is None:
        raise Http404
    response = HttpResponse(bytes(root.certificate), content_type="application/pkix-cert")
    response["Content-Disposition"] = 'attachment; filename="ca-goc-kiem-tra.cer"'
    return response
