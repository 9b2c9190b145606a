"""Pages of the use figures: the street overview and the lazily loaded panel of a space."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from silin.places.models import Community
from silin.spaces import figures
from silin.spaces.figures import Overview
from silin.spaces.periods import MONTH, WEEK, Period, period_from_params, period_of


def _period(request) -> Period:
    return period_from_params(request.GET.get("period"), request.GET.get("on"))


def _weekday_names() -> list[str]:
    return [
        pgettext("short weekday", "Mon"),
        pgettext("short weekday", "Tue"),
        pgettext("short weekday", "Wed"),
        pgettext("short weekday", "Thu"),
        pgettext("short weekday", "Fri"),
        pgettext("short weekday", "Sat"),
        pgettext("short weekday", "Sun"),
    ]


def chart_data(overview: Overview) -> dict:
    """What figures.js draws, with every label already translated."""
    hours = [f"{h:02d}" for h in range(24)]
    data = {
        "labels": {
            "open": _("Hours open"),
            "booked": _("Hours booked"),
            "used": _("Hours used"),
            "hours": _("hours"),
        },
        "trend": {
            "categories": [p.short_label for p, _f in overview.trend],
            "open": [float(f.hours_open) for _p, f in overview.trend],
            "booked": [float(f.hours_booked) for _p, f in overview.trend],
            "used": [float(f.hours_used) for _p, f in overview.trend],
        },
        "heat": {
            "weekdays": _weekday_names(),
            "hours": hours,
            "cells": [
                [hour, day, float(value)]
                for day, row in enumerate(overview.heat)
                for hour, value in enumerate(row)
            ],
            "max": float(max((v for row in overview.heat for v in row), default=0)),
        },
    }
    if overview.by_compound:
        data["compounds"] = {
            "categories": [f.label for f in overview.by_compound],
            "open": [float(f.hours_open) for f in overview.by_compound],
            "booked": [float(f.hours_booked) for f in overview.by_compound],
            "used": [float(f.hours_used) for f in overview.by_compound],
        }
    return data


def _period_links(period: Period) -> dict:
    return {
        "previous": period.shifted(-1),
        "next": period.shifted(1),
        "as_week": period_of(WEEK, period.start),
        "as_month": period_of(MONTH, period.start),
    }


def _heat_table(overview: Overview) -> dict:
    """The heat map as a plain table: only the hours in which anything was booked."""
    hours = [h for h in range(24) if any(day[h] for day in overview.heat)]
    rows = [
        (name, [day[h] for h in hours])
        for name, day in zip(_weekday_names(), overview.heat, strict=True)
    ]
    return {"heat_hours": hours, "heat_rows": rows}


def _community_filter(request) -> tuple[list[Community], Community | None]:
    """The communities holding spaces in the actor's figures scope, and the chosen one."""
    communities = list(figures.figures_communities(actor=request.user))
    wanted = request.GET.get("community", "")
    chosen = next((c for c in communities if str(c.uuid) == wanted), None)
    return communities, chosen


@login_required
def street_figures(request):
    if not figures.can_view_figures(request.user):
        raise Http404
    period = _period(request)
    communities, community = _community_filter(request)
    overview = figures.street_overview(actor=request.user, period=period, community=community)
    context = {
        "overview": overview,
        "period": period,
        "links": _period_links(period),
        "communities": communities,
        "community": community,
        "charts": chart_data(overview),
        **_heat_table(overview),
        "space_rows": [
            (space, fig, reverse("spaces:space-detail", args=[space.uuid]))
            for space, fig in overview.by_space
        ],
        "extra": f"&community={community.uuid}" if community else "",
        "spaces_url": reverse("spaces:space-list"),
        "renewals_url": reverse("spaces:renewal-list"),
    }
    if request.htmx and request.htmx.target == "figures-results":
        return render(request, "spaces/_figures_overview.html", context)
    return render(request, "spaces/figures.html", context)


@login_required
def space_figures(request, uuid):
    space = figures.figures_space_get(actor=request.user, uuid=uuid)
    period = _period(request)
    overview = figures.space_figures(actor=request.user, space=space, period=period)
    context = {
        "space": space,
        "overview": overview,
        "period": period,
        "links": _period_links(period),
        "charts": chart_data(overview),
        **_heat_table(overview),
    }
    if request.htmx:
        return render(request, "spaces/_figures_space.html", context)
    context["figures_url"] = reverse("spaces:figures")
    context["space_url"] = reverse("spaces:space-detail", args=[space.uuid])
    return render(request, "spaces/figures_space.html", context)
