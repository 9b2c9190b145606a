"""Pages of the tree of places: streets → communities → compounds → buildings → households.

They live in the register's app because every one of them counts or lists residents, and
places sits below people. Their URLs keep the `places` namespace (see place_urls.py) and
their templates stay in silin/places/templates/places/.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from silin.core.access import require_perm
from silin.people import selectors
from silin.places import selectors as place_selectors


@login_required
def community_list(request):
    require_perm(request.user, "places.browse_places")
    tree = selectors.community_tree(actor=request.user)
    return render(request, "places/community_list.html", {"tree": tree})


@login_required
def community_detail(request, uuid):
    require_perm(request.user, "places.browse_places")
    community = place_selectors.community_get(actor=request.user, uuid=uuid)
    compounds = selectors.compound_list_for_community(actor=request.user, community=community)
    grids = place_selectors.grid_list_for_community(actor=request.user, community=community)
    return render(
        request,
        "places/community_detail.html",
        {"community": community, "compounds": compounds, "grids": grids},
    )


@login_required
def compound_detail(request, uuid):
    require_perm(request.user, "places.browse_places")
    compound = place_selectors.compound_get(actor=request.user, uuid=uuid)
    buildings = selectors.building_list_for_compound(actor=request.user, compound=compound)
    return render(
        request, "places/compound_detail.html", {"compound": compound, "buildings": buildings}
    )


@login_required
def building_detail(request, uuid):
    user = request.user
    require_perm(user, "places.browse_places")
    building = place_selectors.building_get(actor=user, uuid=uuid)
    units = selectors.unit_list_for_building(actor=user, building=building)
    context = {
        "building": building,
        "units": units,
        "can_open_households": user.has_perm("places.view_building_households", building),
    }
    return render(request, "places/building_detail.html", context)


@login_required
def household_detail(request, uuid):
    user = request.user
    household = place_selectors.household_get(actor=user, uuid=uuid)
    members = list(selectors.household_members(household=household))
    for member in members:
        member.household = household  # already loaded: no query per member
    rows = selectors.resident_rows(
        members, can_open=lambda r: user.has_perm("people.view_resident", r)
    )
    context = {
        "household": household,
        "members": rows,
        "can_browse": user.has_perm("places.browse_places"),
        "can_add": user.has_perm("people.change_household_members", household),
    }
    return render(request, "places/household_detail.html", context)
