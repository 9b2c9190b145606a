"""Pairings' pages: the coordinator's pairings of a community with the form that pairs a
neighbour, ending a pairing, the overdue list, and the helper's "My pairings" where a visit
is logged in two taps. Plain GET pages and POST + redirect; htmx swaps a helper's card and
the resident search when it is there. Anyone out of scope gets 404."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from silin.core.access import get_object_for_actor
from silin.core.actions import form_refused, refused
from silin.core.forms import SilinForm, add_service_errors
from silin.core.paging import page_of
from silin.lib.http import parse_uuid, safe_next
from silin.mutualaid import permissions as perms
from silin.mutualaid import selectors_pairings as sel
from silin.mutualaid.models import Pairing
from silin.mutualaid.services import pairings

if TYPE_CHECKING:
    from silin.places.models import Community

T = "mutualaid/pairings/"
# The overdue page lists this many of each list; a street's coordinator narrows by community.
OVERDUE_PAGE = 25  # rows of each of the overdue page's two lists a page shows
NOT_WELL_PAGE = 10


class PairingForm(SilinForm):
    resident = forms.UUIDField(
        label=gettext_lazy("Neighbour to visit"),
        error_messages={"required": gettext_lazy("Choose the neighbour to visit.")},
    )
    helper = forms.ChoiceField(
        label=gettext_lazy("Helper"), error_messages={"required": gettext_lazy("Choose a helper.")}
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of pairing"),
        choices=Pairing.Kind.choices,
        initial=Pairing.Kind.PAIRING,
    )
    # The range is the service's to refuse, in its words; the attributes pick the keypad.
    every_days = forms.IntegerField(
        label=gettext_lazy("Visit every (days)"),
        initial=7,
        widget=forms.NumberInput(attrs={"min": 1, "max": 90, "inputmode": "numeric"}),
    )
    started_on = forms.DateField(
        label=gettext_lazy("Since (empty: today)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, helpers: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["helper"]).choices = [("", _("Choose…"))] + [
            (str(h.uuid), f"{h.resident.name} · {h.resident.household.address_short}")
            for h in helpers
        ]


class EndForm(SilinForm):
    on = forms.DateField(
        label=gettext_lazy("Ended on (empty: today)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class VisitForm(SilinForm):
    WELL, NOT_WELL = "well", "not_well"
    outcome = forms.ChoiceField(
        label=gettext_lazy("How was the visit?"),
        choices=[
            (WELL, gettext_lazy("All well")),
            (NOT_WELL, gettext_lazy("Something is not well")),
        ],
        required=False,
        initial=WELL,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    visited_at = forms.DateTimeField(
        label=gettext_lazy("When (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


# --- scope -----------------------------------------------------------------------------------


def _community(request, *, default_all: bool = False) -> tuple[Any, list[Any]]:
    """The community named by `?community=` among those the actor coordinates (the first,
    or None with `default_all`); 404 when they coordinate none or not that one."""
    communities = sel.coordinated_communities(request.user)
    if not communities:
        raise Http404
    wanted = parse_uuid(request.POST.get("community") or request.GET.get("community"))
    if wanted is None:
        return (None if default_all else communities[0]), communities
    for community in communities:
        if community.uuid == wanted:
            return community, communities
    raise Http404


def _list_url(community: Community) -> str:
    return f"{reverse('mutualaid:pairing-list')}?{urlencode({'community': str(community.uuid)})}"


# --- the coordinator's pages ----------------------------------------------------------------


@login_required
def pairing_list(request) -> HttpResponse:
    community, communities = _community(request)
    context = {
        "community": community,
        "communities": communities,
        "rows": sel.pairing_list(actor=request.user, community=community),
        "switch_url": reverse("mutualaid:pairing-list"),
    }
    return render(request, T + "list.html", context)


@login_required
def pairing_create(request) -> HttpResponse:
    community, communities = _community(request)
    actor = request.user
    helpers = sel.helpers_to_pair(actor=actor, community=community)
    form = PairingForm(request.POST or None, helpers=helpers, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        created = _create(request, form, community, helpers)
        if created is not None:
            name = created.resident.name
            messages.success(request, _("%(name)s is paired. Thank you!") % {"name": name})
            return redirect(_list_url(community))
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()[:50]
    matches = sel.residents_to_pair(actor=actor, community=community, name=q)
    chosen = _chosen(request, community)
    if chosen is not None and all(r.pk != chosen.pk for r in matches):
        matches.insert(0, chosen)
    context = {
        "community": community,
        "communities": communities,
        "form": form,
        "q": q,
        "matches": matches,
        "chosen": str(chosen.uuid) if chosen is not None else "",
        "helpers": helpers,
        "today": timezone.localdate(),
        "switch_url": reverse("mutualaid:pairing-create"),
    }
    if request.htmx and request.htmx.target == "resident-results":
        return render(request, T + "_resident_results.html", context)
    return render(request, T + "create.html", context)


def _initial(request) -> dict[str, Any]:
    return {"resident": request.GET.get("resident", "")}


def _chosen(request, community: Community) -> Any:
    value = request.POST.get("resident") or request.GET.get("resident")
    return sel.resident_to_pair(actor=request.user, uuid=value, community=community)


def _create(request, form: PairingForm, community: Community, helpers: list[Any]):
    d = form.cleaned_data
    resident = sel.resident_to_pair(actor=request.user, uuid=d["resident"], community=community)
    helper = next((h for h in helpers if str(h.uuid) == d["helper"]), None)
    if resident is None:
        form.add_error("resident", _("Choose a neighbour of this community from the search."))
    if helper is None:
        form.add_error("helper", _("Choose a verified helper of this community."))
    if resident is None or helper is None:
        return None
    try:
        return pairings.pairing_create(
            actor=request.user,
            helper=helper,
            resident=resident,
            kind=d["kind"],
            every_days=d["every_days"],
            started_on=d["started_on"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _coordinated_pairing(request, uuid: object) -> Pairing:
    pairing = sel.pairing_for_coordinator(actor=request.user, uuid=uuid)
    if pairing is None:
        raise Http404
    return pairing


@login_required
def pairing_end(request, uuid: object) -> HttpResponse:
    pairing = _coordinated_pairing(request, uuid)
    form = EndForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            form_refused(request, form)
            return redirect("mutualaid:pairing-end", uuid=pairing.uuid)
        try:
            pairings.pairing_end(actor=request.user, pairing=pairing, on=form.cleaned_data["on"])
        except ValidationError as exc:
            refused(request, exc)
            return redirect("mutualaid:pairing-end", uuid=pairing.uuid)
        messages.success(
            request,
            _("The pairing of %(helper)s with %(name)s has ended.")
            % {"helper": pairing.helper.resident.name, "name": pairing.resident.name},
        )
        return redirect(_list_url(pairing.community))
    return render(request, T + "end.html", {"pairing": pairing, "form": form})


def _page_number(value: str | None) -> int:
    """A page number from the query string: 1 for anything but a whole number from 1."""
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def _past_the_end(request, pages: dict[str, tuple[int, int, int]]) -> HttpResponse | None:
    """A redirect to the last page of each list asked past its end (a shared link to a
    page that has since emptied), or None. `pages`: parameter -> (page, total, per page)."""
    query = request.GET.copy()
    moved = False
    for param, (page, total, per_page) in pages.items():
        last = max(1, -(-total // per_page))
        if page > last:
            query[param] = str(last)
            moved = True
    return redirect(f"{request.path}?{query.urlencode()}") if moved else None


@login_required
def overdue(request) -> HttpResponse:
    community, communities = _community(request, default_all=True)
    actor = request.user
    page, not_well_page = (_page_number(request.GET.get(k)) for k in ("page", "not_well"))
    overdue = sel.overdue_list(
        actor=actor,
        community=community,
        limit=OVERDUE_PAGE,
        offset=(page - 1) * OVERDUE_PAGE,
        with_unpaired=False,
    )
    not_well, not_well_total = sel.visits_not_well(
        actor=actor,
        community=community,
        limit=NOT_WELL_PAGE,
        offset=(not_well_page - 1) * NOT_WELL_PAGE,
    )
    back = _past_the_end(
        request,
        {
            "page": (page, overdue.total, OVERDUE_PAGE),
            "not_well": (not_well_page, not_well_total, NOT_WELL_PAGE),
        },
    )
    if back:
        return back
    context = {
        "community": community,
        "communities": communities,
        "overdue": overdue,
        "overdue_page": page_of(overdue.rows, page, OVERDUE_PAGE, overdue.total),
        "not_well_page": page_of(not_well, not_well_page, NOT_WELL_PAGE, not_well_total),
        "switch_url": reverse("mutualaid:overdue"),
        "all_communities": True,
        "many": len(communities) > 1,
    }
    return render(request, T + "overdue.html", context)


@login_required
def unpaired(request) -> HttpResponse:
    """Neighbours living alone whom no one visits yet, the oldest first, each to pair."""
    community, communities = _community(request, default_all=True)
    page = _page_number(request.GET.get("page"))
    rows, total = sel.unpaired_list(
        actor=request.user,
        community=community,
        limit=OVERDUE_PAGE,
        offset=(page - 1) * OVERDUE_PAGE,
    )
    back = _past_the_end(request, {"page": (page, total, OVERDUE_PAGE)})
    if back:
        return back
    context = {
        "community": community,
        "communities": communities,
        "page": page_of(rows, page, OVERDUE_PAGE, total),
        "switch_url": reverse("mutualaid:unpaired"),
        "all_communities": True,
        "many": len(communities) > 1,
    }
    return render(request, T + "unpaired.html", context)


# --- visits ---------------------------------------------------------------------------------


@login_required
def my_pairings(request) -> HttpResponse:
    if perms.helper_of(request.user) is None:
        raise Http404
    rows = sel.pairings_for_helper(actor=request.user)
    return render(request, T + "mine.html", {"rows": rows})


VISITED = gettext_lazy("Thank you! Your visit to %(name)s is logged.")
VISITED_NOT_WELL = gettext_lazy(
    "Thank you! Your visit to %(name)s is logged; the community's workers will follow up."
)


@login_required
def visit_log(request, uuid: object) -> HttpResponse:
    actor = request.user
    pairing = get_object_for_actor(sel.pairings_visible_to(actor), uuid=uuid)
    helper = perms.helper_of(actor)
    own = helper is not None and helper.pk == pairing.helper_id
    form = VisitForm(request.POST or None)
    if request.method != "POST":
        context = {"pairing": pairing, "form": form, "own": own, "next": _back(request, own)}
        return render(request, T + "visit.html", context)
    said, failed = _log(request, pairing, form, own)
    if request.htmx and own:
        row = next(
            (r for r in sel.pairings_for_helper(actor=actor) if r.pairing.pk == pairing.pk), None
        )
        if row is not None:
            context = {"r": row, "said": said, "failed": failed}
            return render(request, T + "_my_pairing.html", context)
    _tell(request, said, failed)
    if request.htmx and own:
        # The pairing has left the page (it ended meanwhile): the page is loaded afresh.
        return HttpResponseClientRedirect(reverse("mutualaid:my-pairings"))
    if failed and not own:
        return redirect("mutualaid:visit-log", uuid=pairing.uuid)
    return redirect(_back(request, own, pairing))


def _tell(request, said: str, failed: list[str]) -> None:
    if said:
        messages.success(request, said)
    for text in failed:
        messages.error(request, text)


def _log(request, pairing: Pairing, form: VisitForm, own: bool) -> tuple[str, list[str]]:
    """Log the visit: a success message, or the refusals."""
    if not form.is_valid():
        return "", [str(e) for errors in form.errors.values() for e in errors]
    d = form.cleaned_data
    well = d["outcome"] != VisitForm.NOT_WELL
    try:
        pairings.visit_log(
            actor=request.user,
            pairing=pairing,
            visited_at=None if own else d["visited_at"],
            all_well=well,
            note=d["note"],
        )
    except ValidationError as exc:
        return "", list(exc.messages)
    said = VISITED if well else VISITED_NOT_WELL
    return str(said) % {"name": pairing.resident.name}, []


def _back(request, own: bool, pairing: Pairing | None = None) -> str:
    fallback = reverse("mutualaid:my-pairings") if own else reverse("mutualaid:pairing-list")
    if pairing is not None and not own:
        fallback = _list_url(pairing.community)
    return safe_next(request, fallback)
