from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from silin.accounts.services import preferences_update
from silin.console import selectors
from silin.console.forms import AuditFilterForm, object_type_label
from silin.core import home as home_registry
from silin.core.context_processors import ELDERLY_CHOICE, ELDERLY_COOKIE, is_elderly_mode
from silin.core.roles import Capability
from silin.core.scoping import scope_for
from silin.lib.http import safe_next

AUDIT_PAGE_SIZE = 50


@require_POST
def elderly_toggle(request):
    """Switches 长辈版 on or off: remembered on the account, or in a cookie before login."""
    enabled = not is_elderly_mode(request)
    response = HttpResponseRedirect(safe_next(request))
    if request.user.is_authenticated:
        preferences_update(user=request.user, elderly_mode=enabled)
    else:  # carried into the account at login (accounts.views._sign_in)
        request.session[ELDERLY_CHOICE] = enabled
    response.set_cookie(
        ELDERLY_COOKIE, "1" if enabled else "0", max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@login_required
def home(request):
    """The signed-in user's day: every panel and to-do the installed apps register."""
    user = request.user
    context = {
        "panels": home_registry.panels_for(user),
        "todos": home_registry.todos_for(user),
        "assignments": user.active_role_assignments(),
        "now": timezone.now(),
    }
    return render(request, "console/home.html", context)


@require_GET
@login_required
def audit_list(request):
    """The audit log, read-only, for those who may read it; anyone else gets a 404."""
    if scope_for(request.user, Capability.VIEW_AUDIT).empty:
        raise Http404
    communities = list(selectors.audit_communities_for(actor=request.user))
    by_uuid = {str(c.uuid): c for c in communities}
    form = AuditFilterForm(
        request.GET or None,
        object_types=selectors.audit_object_types_for(actor=request.user),
        communities=communities,
    )
    form.is_valid()  # fields that are valid still filter; the others show their error
    filters = getattr(form, "cleaned_data", {})
    entries = selectors.audit_entry_list_for(
        actor=request.user,
        actor_text=filters.get("actor", ""),
        action=filters.get("action", ""),
        object_type=filters.get("object_type", ""),
        community_id=by_uuid[filters["community"]].pk if filters.get("community") else None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/audit_list.html",
        {
            "form": form,
            "page": page,
            "community_names": {c.pk: c.name for c in communities},
            "type_labels": {
                e.object_type: object_type_label(e.object_type) for e in page.object_list
            },
            "query": query.urlencode(),
        },
    )
