"""The organiser's check-in pages: the scanner that works offline on a phone (with its
service worker), the paper sign-in sheet (PDF) and the tick list that enters it afterwards,
and closing check-in (whoever did not come is recorded)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silin.activities import selectors
from silin.activities.models import Event, SignUp
from silin.activities.services import checkin
from silin.core.access import get_object_for_actor
from silin.lib.masking import mask_name
from silin.lib.pdf import html_to_pdf

# What the scanner page needs offline besides itself: the base layout's files and its own.
SCANNER_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "silin/silin.css",
    "silin/favicon.svg",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/qr-scanner/qr-scanner.min.js",
    "vendor/qr-scanner/qr-scanner-worker.min.js",
    "vendor/noble-ed25519/index.js",
    "silin/scanner.js",
)
# Bump when the scanner's files change shape, so phones drop the old cache.
SCANNER_CACHE_VERSION = 1


def _run_or_404(request, uuid) -> Event:
    return get_object_for_actor(
        selectors.events_visible_to(request.user),
        uuid=uuid,
        perm="activities.run_event",
        actor=request.user,
    )


def _rows(event: Event) -> list[dict]:
    codes = checkin.event_codes(event)
    return [
        {"signup": s, "short": short, "name": mask_name(s.name)}
        for short, s in sorted(codes.items(), key=lambda kv: kv[1].pk)
    ]


@login_required
def scanner(request, uuid):
    event = _run_or_404(request, uuid)
    config = {
        "event": str(event.uuid),
        "prefix": checkin.PREFIX,
        "listUrl": reverse("api:checkin_list", args=[event.uuid]),
        "uploadUrl": reverse("api:checkin_upload", args=[event.uuid]),
        "swUrl": reverse("activities:scanner-sw", args=[event.uuid]),
        "qrScanner": static("vendor/qr-scanner/qr-scanner.min.js"),
        "ed25519": static("vendor/noble-ed25519/index.js"),
    }
    context = {"event": event, "config": config, "strings": _scanner_strings()}
    return render(request, "activities/scanner.html", context)


def _scanner_strings() -> dict[str, str]:
    """What the page's script says, in the reader's language (placeholders: {name} …)."""
    return {
        "online": _("Online"),
        "offline": _("Offline: check-ins are kept on this phone"),
        "counts": _("{came} of {total} checked in · {pending} waiting to upload"),
        "listFrom": _("list of {time}"),
        "noList": _("The sign-up list is not on this phone yet: open this page once online."),
        "ok": _("Checked in"),
        "again": _("Already checked in at {time}"),
        "notListed": _("A real code, but not on the list downloaded: it is checked on upload."),
        "invalid": _("Not a valid check-in code"),
        "otherEvent": _("This code is for another activity"),
        "unknownShort": _("No sign-up of this activity has this short form"),
        "noPlace": _("This sign-up no longer has a place"),
        "uploaded": _("{n} uploaded at {time}."),
        "uploadFailed": _("Not uploaded yet (no network?): they stay on this phone."),
        "refused": _("Refused on upload"),
        "waiting": _("waiting to upload"),
        "cameraFailed": _("The camera could not be started: type the code instead."),
        "empty": _("Type a code first."),
    }


@login_required
def scanner_sw(request, uuid):
    """The service worker of one event's scanner page, scoped to that page."""
    event = _run_or_404(request, uuid)
    page = reverse("activities:scanner", args=[event.uuid])
    body = render_to_string(
        "activities/scanner_sw.js",
        {
            "cache_name": json.dumps(f"silin-scanner-{event.uuid}-v{SCANNER_CACHE_VERSION}"),
            "page": json.dumps(page),
            "assets": json.dumps([static(a) for a in SCANNER_ASSETS]),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def sheet(request, uuid):
    """The tick list: enter a paper sign-in sheet in one POST."""
    event = _run_or_404(request, uuid)
    if request.method == "POST":
        try:
            changed = checkin.checkin_tick(
                actor=request.user, event=event, came=set(request.POST.getlist("came"))
            )
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(
                request, _("The sign-in sheet is entered (%(n)s changed).") % {"n": changed}
            )
            return redirect("activities:console", uuid=event.uuid)
    context = {
        "event": event,
        "rows": _rows(event),
        "may_record": event.state != Event.State.CANCELLED
        and timezone.now() >= event.starts_at - checkin.OPENS_BEFORE,
        "attended": SignUp.State.ATTENDED,
    }
    return render(request, "activities/sheet.html", context)


@login_required
def sheet_pdf(request, uuid):
    """The printable sign-in sheet (签到表): one line per sign-up, a box to tick or sign."""
    event = _run_or_404(request, uuid)
    html = render_to_string(
        "activities/sheet_pdf.html", {"event": event, "rows": _rows(event)}, request=request
    )
    css = ".box { width: 14mm; height: 9mm; } .sign { width: 38mm; } td { height: 9mm; }"
    response = HttpResponse(html_to_pdf(html, css=css), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sign-in-{event.uuid}.pdf"'
    return response


@login_required
@require_POST
def close(request, uuid):
    event = _run_or_404(request, uuid)
    try:
        marked = checkin.checkin_close(actor=request.user, event=event)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("Check-in is closed: %(n)s recorded as not having come.") % {"n": marked}
        )
    return redirect("activities:console", uuid=event.uuid)
