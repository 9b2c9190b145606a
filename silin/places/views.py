"""Pages of the tree of places: streets → communities → compounds → buildings → households."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from silin.people.selectors import resident_rows
from silin.places import selectors


def _require_places(request) -> None:
    if not request.user.has_perm("places.browse_places"):
        raise Http404


@login_required
def community_list(request):
    _require_places(request)
    tree = selectors.community_tree(actor=request.user)
    return render(request, "places/community_list.html", {"tree": tree})


@login_required
def community_detail(request, uuid):
    _require_places(request)
    community = selectors.community_get(actor=request.user, uuid=uuid)
    compounds = selectors.compound_list_for_community(actor=request.user, community=community)
    grids = selectors.grid_list_for_community(actor=request.user, community=community)
    return render(
        request,
        "places/community_detail.html",
        {"community": community, "compounds": compounds, "grids": grids},
    )


@login_required
def compound_detail(request, uuid):
    _require_places(request)
    compound = selectors.compound_get(actor=request.user, uuid=uuid)
    buildings = selectors.building_list_for_compound(actor=request.user, compound=compound)
    return render(
        request, "places/compound_detail.html", {"compound": compound, "buildings": buildings}
    )


@login_required
def building_detail(request, uuid):
    _require_places(request)
    building = selectors.building_get(actor=request.user, uuid=uuid)
    units = selectors.unit_list_for_building(actor=request.user, building=building)
    context = {
        "building": building,
        "units": units,
        "can_open_households": request.user.has_perm("places.view_building_households", building),
    }
    return render(request, "places/building_detail.html", context)


@login_required
def household_detail(request, uuid):
    household = selectors.household_get(actor=request.user, uuid=uuid)
    members = list(selectors.household_members(household=household))
    user = request.user
    for member in members:
        member.household = household  # already loaded: no query per member
    rows = resident_rows(members, can_open=lambda r: user.has_perm("people.view_resident", r))
    context = {
        "household": household,
        "members": rows,
        "can_browse": user.has_perm("places.browse_places"),
        "can_add": user.has_perm("people.change_household_members", household),
    }
    return render(request, "places/household_detail.html", context)
