"""The one shape of an action view (activities, neighbour services): an optional form
checked, the service called, its refusal (or the form's errors) shown as messages in the
user's language, a success message, and a redirect back to the page (plain POST +
redirect, nothing saved on bad input)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.views.decorators.http import require_POST


def refused(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def form_refused(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, str(text))


def act(
    request: HttpRequest,
    write: Callable[[Mapping[str, Any]], object],
    *,
    back: str,
    success: str | Promise | Callable[[Any], str] = "",
    form: forms.Form | None = None,
    **url_kwargs: Any,
) -> HttpResponse:
    """Run `write(cleaned_data)`; tell the outcome; redirect to the URL named `back`.
    `success` may be a function of what `write` returned."""
    if form is not None and not form.is_valid():
        form_refused(request, form)
        return redirect(back, **url_kwargs)
    try:
        result = write(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        refused(request, exc)
    else:
        text = success(result) if callable(success) else str(success)
        if text:
            messages.success(request, text)
    return redirect(back, **url_kwargs)


# The request is the view's (its user is signed in: the view is login-required).
Write = Callable[[Any, Any, Mapping[str, Any]], object]


def action_view(
    fetch: Callable[[HttpRequest, Any], Any],
    write: Write,
    back: str,
    success: str | Promise | Callable[[Any], str] = "",
    form: type[forms.Form] | None = None,
    back_uuid: Callable[[Any], Any] = lambda obj: obj.uuid,
):
    """A login-required POST view: `fetch(request, uuid)` the object (404 when the actor may
    not act on it), then `act` with `write(request, obj, cleaned_data)`, back to the page
    named `back` of `back_uuid(obj)`."""

    @login_required
    @require_POST
    def view(request: HttpRequest, uuid: Any) -> HttpResponse:
        obj = fetch(request, uuid)
        return act(
            request,
            lambda data: write(request, obj, data),
            back=back,
            success=success,
            form=form(request.POST) if form is not None else None,
            uuid=back_uuid(obj),
        )

    return view
