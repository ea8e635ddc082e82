"""The campaign's pass rules: shown everywhere, changed on one page until the first test
starts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sathach.campaigns.forms import PassRulesForm
from sathach.campaigns.pass_rules import campaign_set_pass_rules
from sathach.campaigns.selectors import get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.organization.permissions import Perm, require_perm, user_can


@require_perm(Perm.MANAGE_CAMPAIGN)
def campaign_rules(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.MANAGE_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit):
        raise PermissionDenied
    form = PassRulesForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign.refresh_from_db()  # the form changed the instance in place
        try:
            campaign_set_pass_rules(
                actor=request.user,
                campaign=campaign,
                content1_pass_mark=data["content1_pass_mark"],
                content1_module_minimum=data["content1_module_minimum"],
                content2_rule=data["content2_rule"],
                content2_min_tasks=data["content2_min_tasks"],
                retake_policy=data["retake_policy"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The pass rules were saved."))
            return redirect("campaign-detail", campaign.pk)
    return render(request, "campaigns/pass_rules_form.html", {"form": form, "campaign": campaign})
