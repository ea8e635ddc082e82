from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sathach.organization.services import user_password_changed


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """A wrong old password counts as a failed sign-in of the account from this address
    (django-axes), so that a session left open cannot be used to guess the password."""
    form = PasswordChangeForm(request.user, request.POST or None)
    credentials = {"username": request.user.get_username()}
    if request.method == "POST" and not AxesProxyHandler.is_allowed(request, credentials):
        messages.error(
            request,
            _("Too many wrong passwords from this computer: try again in %(minutes)s minutes.")
            % {"minutes": int(settings.AXES_COOLOFF_TIME * 60)},
        )
        form = PasswordChangeForm(request.user)
    elif request.method == "POST" and not form.is_valid():
        if form.has_error("old_password", "password_incorrect"):
            user_login_failed.send(__name__, credentials=credentials, request=request)
    elif request.method == "POST":
        user = form.save()
        update_session_auth_hash(request, user)
        user_password_changed(user=user)
        messages.success(request, _("Your password was changed."))
        return redirect("home")
    return render(
        request,
        "registration/password_change.html",
        {"form": form, "forced": getattr(request.user, "must_change_password", False)},
    )
