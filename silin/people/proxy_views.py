"""Pages of family proxies (亲情账号): my family, inviting, the people I help, acting for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silin.core.acting import Power
from silin.core.forms import add_service_errors
from silin.core.request_context import current_acting
from silin.people import proxy_selectors as sel
from silin.people.acting import SESSION_KEY, remember_helping
from silin.people.proxy_forms import ProxyConsentForm, ProxyInviteForm
from silin.people.services import proxies


def _not_while_acting() -> None:
    if current_acting() is not None:
        raise PermissionDenied


@login_required
def my_family(request):
    """Who may act for me and what they may do; my guardians and wards (under 14)."""
    _not_while_acting()
    context = sel.family_page(actor=request.user)
    return render(request, "people/family.html", context)


def _invite_kwargs(form) -> dict:
    data = form.cleaned_data
    return {
        "mobile": data["mobile"],
        "name": data.get("name", ""),
        "relation": data["relation"],
        "powers": data["powers"],
        "ends_on": data.get("ends_on"),
    }


@login_required
def proxy_invite(request):
    _not_while_acting()
    form = ProxyInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proxies.proxy_invite(actor=request.user, principal=request.user, **_invite_kwargs(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent. They can act for you once they accept."))
            return redirect("people:family")
    status = 400 if request.method == "POST" else 200
    return render(request, "people/proxy_invite.html", {"form": form}, status=status)


@login_required
def proxy_consent_record(request, uuid):
    """A worker records, from the resident's page, a consent given in person on paper."""
    resident = sel.resident_with_account(actor=request.user, uuid=uuid)
    form = ProxyConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proxies.proxy_invite(
                actor=request.user,
                principal=resident.account,  # type: ignore[attr-defined]
                paper_number=form.cleaned_data["paper_number"],
                **_invite_kwargs(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded; the proxy was invited."))
            return redirect("people:resident-detail", uuid=resident.uuid)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "resident": resident}
    return render(request, "people/proxy_consent.html", context, status=status)


@login_required
def helping(request):
    """The people I help: invitations to answer and links I may act under."""
    context = sel.helping_page(actor=request.user)
    remember_helping(request, request.user)
    return render(request, "people/helping.html", context)


def _link_action(request, uuid, action, done: str, back: str):
    link = sel.link_get(actor=request.user, uuid=uuid)
    try:
        action(actor=request.user, link=link)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, done)
    if link.proxy_id == request.user.pk:
        remember_helping(request, request.user)
    return redirect(back)


@login_required
@require_POST
def link_accept(request, uuid):
    return _link_action(request, uuid, proxies.proxy_accept, _("Accepted."), "people:helping")


@login_required
@require_POST
def link_decline(request, uuid):
    return _link_action(request, uuid, proxies.proxy_decline, _("Declined."), "people:helping")


@login_required
@require_POST
def link_step_down(request, uuid):
    request.session.pop(SESSION_KEY, None)
    return _link_action(
        request, uuid, proxies.proxy_step_down, _("You no longer act for them."), "people:helping"
    )


@login_required
@require_POST
def link_revoke(request, uuid):
    _not_while_acting()
    back = request.POST.get("back") == "register"
    link = sel.link_get(actor=request.user, uuid=uuid)
    target = "people:family"
    if back and link.principal.resident is not None:
        _link_action(request, uuid, proxies.proxy_revoke, _("Revoked."), target)
        return redirect("people:resident-detail", uuid=link.principal.resident.uuid)
    return _link_action(
        request, uuid, proxies.proxy_revoke, _("Revoked: they can no longer act for you."), target
    )


@login_required
@require_POST
def acting_start(request, uuid):
    link = sel.link_get(actor=request.user, uuid=uuid)
    if proxies.link_in_force(proxy=request.user, link_uuid=link.uuid) is None:
        messages.error(request, _("You cannot act for this person now."))
        return redirect("people:helping")
    request.session[SESSION_KEY] = str(link.uuid)
    return redirect("people:acting-home")


@login_required
@require_POST
def acting_stop(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("people:helping")


@login_required
def acting_home(request):
    """While acting: what the proxy may do for the principal."""
    acting = getattr(request.user, "acting", None)
    if acting is None:
        return redirect("people:helping")
    labels = dict(Power.choices)
    context = {
        "acting": acting,
        "powers": [(p, labels[p]) for p in Power.values if p in acting.powers],
    }
    return render(request, "people/acting_home.html", context)
