"""The notices page, marking notices read, and the header's unread badge."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from silin.notifications import selectors, services

PAGE_SIZE = 20


@login_required
def notification_list(request):
    notices = selectors.notification_list_for(actor=request.user)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": selectors.unread_count(actor=request.user)}
    return render(request, "notifications/notification_list.html", context)


def _safe(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, {request.get_host()}, request.is_secure()
    )


@login_required
@require_POST
def notification_open(request, uuid):
    """Mark a notice read and go where it points (or back to the notices)."""
    notification = selectors.notification_get(actor=request.user, uuid=uuid)
    services.notification_mark_read(actor=request.user, notification=notification)
    url = notification.rendered.url
    if request.POST.get("go") and _safe(request, url):
        return redirect(url)
    return redirect("notifications:notification-list")


@login_required
@require_POST
def notification_read_all(request):
    services.notification_mark_read(actor=request.user)
    return redirect("notifications:notification-list")


@login_required
def unread_badge(request):
    """The header's unread count, fetched by htmx after the page loads so that pages keep
    their own query counts."""
    return render(
        request,
        "notifications/_badge.html",
        {"unread": selectors.unread_count(actor=request.user)},
    )
