from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from silin.accounts import services
from silin.accounts.forms import (
    CodeLoginForm,
    CodeRequestForm,
    PasswordChangeForm,
    PasswordLoginForm,
    PasswordResetConfirmForm,
    PasswordResetRequestForm,
    PreferencesForm,
    TokenCreateForm,
)
from silin.accounts.models import AccessToken
from silin.core.context_processors import ELDERLY_CHOICE, ELDERLY_COOKIE
from silin.core.forms import add_service_errors
from silin.lib.http import safe_next

BACKEND = "silin.accounts.backends.MobilePasswordBackend"


def _render_login(request, *, method="password", status=200, **forms):
    context = {
        "method": method,
        "password_form": forms.get("password_form") or PasswordLoginForm(),
        "code_request_form": forms.get("code_request_form") or CodeRequestForm(),
        "code_form": forms.get("code_form"),
        "next": safe_next(request, ""),
    }
    return render(request, "accounts/login.html", context, status=status)


def _sign_in(request, user):
    login(request, user, backend=BACKEND)
    # 长辈版 chosen on the login page carries into the account (the session survives login).
    choice = request.session.pop(ELDERLY_CHOICE, None)
    if choice is not None:
        services.preferences_update(user=user, elderly_mode=bool(choice))
    return redirect(safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL)))


@never_cache
def login_view(request):
    """Mobile and password; the other tab (`?method=code`) signs in with an SMS code."""
    if request.method != "POST":
        method = "code" if request.GET.get("method") == "code" else "password"
        return _render_login(request, method=method)
    form = PasswordLoginForm(request.POST)
    if form.is_valid():
        try:
            user = services.login_with_password(
                request=request,
                mobile=form.cleaned_data["mobile"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _sign_in(request, user)
    return _render_login(request, password_form=form, status=400)


@never_cache
@require_POST
def login_code_request(request):
    """Step 1 of signing in by code: send it, then ask for it."""
    form = CodeRequestForm(request.POST)
    if form.is_valid():
        try:
            services.otp_request(mobile=form.cleaned_data["mobile"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            code_form = CodeLoginForm(initial={"mobile": form.cleaned_data["mobile"]})
            return _render_login(request, method="code", code_form=code_form)
    return _render_login(request, method="code", code_request_form=form, status=400)


@never_cache
@require_POST
def login_code(request):
    """Step 2 of signing in by code: check it and sign in."""
    form = CodeLoginForm(request.POST)
    if form.is_valid():
        try:
            user = services.login_with_code(
                mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _sign_in(request, user)
    return _render_login(request, method="code", code_form=form, status=400)


@never_cache
def password_reset(request):
    """A forgotten password, step 1: the mobile number; a code is texted to it."""
    if request.method != "POST":
        return render(request, "accounts/password_reset.html", {"form": PasswordResetRequestForm()})
    form = PasswordResetRequestForm(request.POST)
    if form.is_valid():
        try:
            services.password_reset_request(mobile=form.cleaned_data["mobile"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            confirm = PasswordResetConfirmForm(initial={"mobile": form.cleaned_data["mobile"]})
            return render(request, "accounts/password_reset.html", {"confirm_form": confirm})
    return render(request, "accounts/password_reset.html", {"form": form}, status=400)


@never_cache
@require_POST
def password_reset_confirm(request):
    """Step 2: the code and the new password; then back to the login page."""
    form = PasswordResetConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.password_reset_confirm(
                mobile=form.cleaned_data["mobile"],
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your new password is set. Please log in with it."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"confirm_form": form}, status=400)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


def _render_profile(request, *, status=200, **extra):
    user = request.user
    context = {
        "assignments": user.active_role_assignments(),
        "tokens": AccessToken.objects.filter(user=user).order_by("-created_at"),
        "preferences_form": PreferencesForm(
            initial={
                "language": user.language or translation.get_language(),
                "elderly_mode": user.elderly_mode,
            }
        ),
        "password_form": PasswordChangeForm(user),
        "token_form": TokenCreateForm(),
    }
    context.update(extra)
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def profile(request):
    return _render_profile(request)


@login_required
@require_POST
def preferences(request):
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, preferences_form=form, status=400)
    language = form.cleaned_data["language"]
    elderly = form.cleaned_data["elderly_mode"]
    services.preferences_update(user=request.user, language=language, elderly_mode=elderly)
    translation.activate(language)
    messages.success(request, _("Your settings are saved."))
    response = redirect("accounts:profile")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
    )
    response.set_cookie(ELDERLY_COOKIE, "1" if elderly else "0", max_age=365 * 24 * 3600)
    return response


@login_required
@require_POST
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _render_profile(request, password_form=form, status=400)
    services.password_change(actor=request.user, new_password=form.cleaned_data["new_password1"])
    update_session_auth_hash(request, request.user)
    messages.success(request, _("Your password is changed."))
    return redirect("accounts:profile")


@never_cache
@login_required
@require_POST
def token_create(request):
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, token_form=form, status=400)
    token, secret = services.token_create(actor=request.user, name=form.cleaned_data["name"])
    # The secret is shown in this response only; it is stored hashed and never again.
    return _render_profile(request, new_token=token, new_secret=secret)


@login_required
@require_POST
def token_revoke(request, uuid):
    token = get_object_or_404(AccessToken, uuid=uuid, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("accounts:profile")
