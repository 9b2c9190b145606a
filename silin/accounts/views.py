from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from silin.accounts import services
from silin.accounts.forms import PasswordLoginForm
from silin.core.views import _safe_next


def login_view(request):
    form = PasswordLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_with_password(
                request=request,
                mobile=form.cleaned_data["mobile"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="silin.accounts.backends.MobilePasswordBackend")
            return redirect(_safe_next(request, "/"))
    return render(request, "accounts/login.html", {"form": form})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {})
