"""Teams (小老助大老, an alliance's helpers) and courtyard alliances, for the coordinators."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from silin.core.access import get_object_for_actor
from silin.core.actions import act
from silin.core.forms import SilinForm
from silin.mutualaid import selectors
from silin.mutualaid.models import Alliance, HelperProfile, Team
from silin.mutualaid.services import helpers as helper_services
from silin.places.models import Compound


class TeamForm(SilinForm):
    name = forms.CharField(label=gettext_lazy("Team name"), max_length=80)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of team"), choices=Team.Kind.choices)


class AllianceForm(SilinForm):
    name = forms.CharField(label=gettext_lazy("Alliance name"), max_length=80)
    compounds = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Compounds"),
        queryset=Compound.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="uuid",
    )

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        if community is not None:
            field = self.fields["compounds"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = Compound.objects.filter(community__street_id=community.street_id)


@login_required
def teams(request, uuid):
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    helpers = selectors.helpers_of_community(actor=request.user, community=community).filter(
        verified_at__isnull=False
    )
    return render(
        request,
        "mutualaid/teams.html",
        {
            "community": community,
            "teams": Team.objects.filter(community=community).prefetch_related("members__resident"),
            "alliances": Alliance.objects.filter(community=community).prefetch_related(
                "compounds", "coordinators"
            ),
            "helpers": helpers,
            "team_form": TeamForm(),
            "alliance_form": AllianceForm(community=community),
        },
    )


@login_required
@require_POST
def team_create(request, uuid):
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    return act(
        request,
        lambda d: helper_services.team_create(
            actor=request.user, community=community, name=d["name"], kind=d["kind"]
        ),
        back="mutualaid:teams",
        success=lambda team: _("Team %(name)s formed.") % {"name": team.name},
        form=TeamForm(request.POST),
        uuid=community.uuid,
    )


@login_required
@require_POST
def team_join(request, uuid):
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    team = get_object_for_actor(
        Team.objects.filter(community=community), uuid=request.POST.get("team")
    )
    helper = get_object_for_actor(
        HelperProfile.objects.filter(community=community).select_related("resident"),
        uuid=request.POST.get("helper"),
    )
    return act(
        request,
        lambda _d: helper_services.team_join(actor=request.user, team=team, helper=helper),
        back="mutualaid:teams",
        success=_("%(name)s joined %(team)s.") % {"name": helper.resident.name, "team": team.name},
        uuid=community.uuid,
    )


@login_required
@require_POST
def alliance_create(request, uuid):
    community = selectors.community_for_board(actor=request.user, uuid=uuid)
    return act(
        request,
        lambda d: helper_services.alliance_create(
            actor=request.user,
            community=community,
            name=d["name"],
            compounds=list(d["compounds"]),
            coordinators=[request.user],
        ),
        back="mutualaid:teams",
        success=lambda alliance: _("Alliance %(name)s formed.") % {"name": alliance.name},
        form=AllianceForm(request.POST, community=community),
        uuid=community.uuid,
    )
