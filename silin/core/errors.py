"""The error pages: in the site's frame and the reader's language, with a way home.

Wired in config/urls.py (handler400/403/404/500) and settings.CSRF_FAILURE_VIEW. The 500
page is a standalone template rendered without the request's context processors, so it
still shows when the database is what failed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _page(request: HttpRequest, status: int, title: str, text: str, icon: str) -> HttpResponse:
    context = {"error_title": title, "error_text": text, "error_icon": icon, "status": status}
    return render(request, "errors/_error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        400,
        _("This request could not be understood"),
        _("Something in the link or the form was not right. Please go back and try again."),
        "exclamation-triangle",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        _("You may not do this"),
        _("Your account does not have the right to open this page or do this."),
        "lock",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("This page cannot be found"),
        _("This page does not exist, or it is not open to you. The link may be old or mistyped."),
        "signpost-split",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        request,
        403,
        _("This form has expired"),
        _(
            "The page was open for a long time, or you logged in or out in another tab. "
            "Please go back, reload the page and send the form again."
        ),
        "clock-history",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.get_template("500.html").render())
