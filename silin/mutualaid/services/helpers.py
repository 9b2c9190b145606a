"""Helpers: enrolling a volunteer, verifying them, their pause, teams and alliances.

A resident offers to help (or a worker enrols one, a helper without a phone included); a
coordinator verifies them once their safety training is done. Only verified helpers who are
not paused are matched. A 小老助大老 team takes helpers within its ages (60–70 by default)
who have declared their health; an alliance groups compounds whose helpers serve each
other's households.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silin.core import audit
from silin.lib.text import clean_text
from silin.mutualaid import permissions as perms
from silin.mutualaid.models import Alliance, HelperProfile, Skill, Team
from silin.mutualaid.services.common import MutualAidError, raise_errors

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.people.models import Resident
    from silin.places.models import Community, Compound

DAY_MINUTES = 24 * 60


def clean_availability(windows: Iterable[Sequence[Any]]) -> list[list[int]]:
    """[[weekday, start minute, end minute], ...], sorted, each checked."""
    cleaned: list[list[int]] = []
    for window in windows:
        try:
            weekday, start, end = (int(v) for v in window)
        except (TypeError, ValueError):
            raise MutualAidError(
                {"availability": [_("Each time is a weekday, a start and an end.")]}
            ) from None
        if not (0 <= weekday <= 6 and 0 <= start < end <= DAY_MINUTES):
            raise MutualAidError(
                {"availability": [_("Each time needs a weekday and an end after its start.")]}
            )
        cleaned.append([weekday, start, end])
    return sorted(cleaned)


def _clean_profile(
    skills: Iterable[str], monthly_cap: int
) -> tuple[list[str], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    chosen = sorted(set(skills))
    if not chosen:
        errors["skills"] = [_("Choose at least one kind of help you can give.")]
    elif any(skill not in Skill.values for skill in chosen):
        errors["skills"] = [_("Choose kinds of help from the list.")]
    if not 1 <= monthly_cap <= 60:
        errors["monthly_cap"] = [_("Between 1 and 60 tasks a month.")]
    return chosen, errors


def helper_enrol(
    *,
    actor: User,
    resident: Resident,
    skills: Iterable[str],
    availability: Iterable[Sequence[Any]] = (),
    monthly_cap: int = 8,
    health_declared: bool = False,
    now: dt.datetime | None = None,
) -> HelperProfile:
    """A resident offers to help (themselves), or a coordinator enrols them."""
    now = now or timezone.now()
    coordinator = perms.coordinates(
        actor,
        street_id=resident.community.street_id,
        community_id=resident.community_id,
        compound_id=resident.household.compound_id,
    )
    if actor.resident_id != resident.pk and not coordinator:
        raise MutualAidError(_("You may not enrol this resident as a helper."))
    chosen, errors = _clean_profile(skills, monthly_cap)
    windows = clean_availability(availability)
    if resident.status != resident.Status.LIVING:
        errors["__all__"] = [_("Only a resident living here can help.")]
    raise_errors(errors)
    user = resident.user if hasattr(resident, "user") else None
    try:
        with transaction.atomic():
            helper = HelperProfile.objects.create(
                resident=resident,
                community_id=resident.community_id,
                user=user,
                skills=chosen,
                availability=windows,
                monthly_cap=monthly_cap,
                health_declared_on=timezone.localdate(now) if health_declared else None,
            )
            audit.record(
                actor=actor,
                action="create",
                detail="mutualaid.helper_enrol",
                obj=helper,
                changes={"skills": chosen, "monthly_cap": monthly_cap},
            )
    except IntegrityError:
        raise MutualAidError(_("%(name)s is already a helper.") % {"name": resident.name}) from None
    return helper


def _may_edit(actor: User, helper: HelperProfile) -> bool:
    return actor.resident_id == helper.resident_id or perms.coordinates(
        actor,
        street_id=helper.community.street_id,
        community_id=helper.community_id,
        compound_id=helper.resident.household.compound_id,
    )


def helper_update(
    *,
    actor: User,
    helper: HelperProfile,
    skills: Iterable[str],
    availability: Iterable[Sequence[Any]],
    monthly_cap: int,
) -> HelperProfile:
    if not _may_edit(actor, helper):
        raise MutualAidError(_("You may not change this helper."))
    chosen, errors = _clean_profile(skills, monthly_cap)
    raise_errors(errors)
    helper.skills = chosen
    helper.availability = clean_availability(availability)
    helper.monthly_cap = monthly_cap
    with transaction.atomic():
        helper.save(update_fields=["skills", "availability", "monthly_cap"])
        audit.record(
            actor=actor,
            action="update",
            detail="mutualaid.helper_update",
            obj=helper,
            changes={"skills": chosen, "monthly_cap": monthly_cap},
        )
    return helper


def helper_verify(
    *,
    actor: User,
    helper: HelperProfile,
    safety_trained_on: dt.date,
    now: dt.datetime | None = None,
) -> HelperProfile:
    """A coordinator vouches for the helper once their safety training is done."""
    now = now or timezone.now()
    if not perms.coordinates(
        actor,
        street_id=helper.community.street_id,
        community_id=helper.community_id,
        compound_id=helper.resident.household.compound_id,
    ):
        raise MutualAidError(_("Only the community's coordinators verify helpers."))
    if safety_trained_on > timezone.localdate(now):
        raise MutualAidError({"safety_trained_on": [_("The training date is in the future.")]})
    helper.verified_at = now
    helper.verified_by = actor
    helper.safety_trained_on = safety_trained_on
    with transaction.atomic():
        helper.save(update_fields=["verified_at", "verified_by", "safety_trained_on"])
        audit.record(actor=actor, action="update", detail="mutualaid.helper_verify", obj=helper)
    return helper


def helper_pause(*, actor: User, helper: HelperProfile, paused: bool) -> HelperProfile:
    """A helper pauses themselves (ill, away) and comes back; no one is matched to them
    meanwhile. Requests they already accepted stay theirs."""
    if not _may_edit(actor, helper):
        raise MutualAidError(_("You may not change this helper."))
    helper.paused = paused
    with transaction.atomic():
        helper.save(update_fields=["paused"])
        audit.record(
            actor=actor,
            action="update",
            detail="mutualaid.helper_pause",
            obj=helper,
            changes={"paused": paused},
        )
    return helper


def team_create(
    *,
    actor: User,
    community: Community,
    name: str,
    kind: str,
    alliance: Alliance | None = None,
    helper_ages: tuple[int, int] | None = None,
    serves_from_age: int | None = None,
) -> Team:
    if not perms.coordinates_community(actor, community):
        raise MutualAidError(_("Only the community's coordinators form teams."))
    name = clean_text(name)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the team a name.")]
    if kind not in Team.Kind.values:
        errors["kind"] = [_("Choose the kind of team.")]
    if kind == Team.Kind.YOUNG_OLD:
        helper_ages = helper_ages or (60, 70)
        serves_from_age = serves_from_age or 80
    if helper_ages and not 0 < helper_ages[0] <= helper_ages[1] <= 120:
        errors["helper_ages"] = [_("The youngest age must not be above the oldest.")]
    raise_errors(errors)
    with transaction.atomic():
        team = Team.objects.create(
            community=community,
            name=name,
            kind=kind,
            alliance=alliance,
            helper_min_age=helper_ages[0] if helper_ages else None,
            helper_max_age=helper_ages[1] if helper_ages else None,
            serves_from_age=serves_from_age,
        )
        audit.record(actor=actor, action="create", detail="mutualaid.team_create", obj=team)
    return team


def team_join(*, actor: User, team: Team, helper: HelperProfile) -> Team:
    """Add a helper to a team; a 小老助大老 team takes only helpers within its ages who have
    declared their health."""
    if not perms.coordinates_community(actor, team.community):
        raise MutualAidError(_("Only the community's coordinators change teams."))
    today = timezone.localdate()
    age = helper.resident.age_on(today)
    if team.helper_min_age is not None and age < team.helper_min_age:
        raise MutualAidError(
            _("%(name)s is younger than this team's helpers (%(age)s).")
            % {"name": helper.resident.name, "age": team.helper_min_age}
        )
    if team.helper_max_age is not None and age > team.helper_max_age:
        raise MutualAidError(
            _("%(name)s is older than this team's helpers (up to %(age)s).")
            % {"name": helper.resident.name, "age": team.helper_max_age}
        )
    if team.kind == Team.Kind.YOUNG_OLD and helper.health_declared_on is None:
        raise MutualAidError(
            _("%(name)s has not declared their health yet.") % {"name": helper.resident.name}
        )
    with transaction.atomic():
        team.members.add(helper)
        audit.record(
            actor=actor,
            action="update",
            detail="mutualaid.team_join",
            obj=team,
            changes={"helper": str(helper.uuid)},
        )
    return team


def alliance_create(
    *,
    actor: User,
    community: Community,
    name: str,
    compounds: Sequence[Compound],
    coordinators: Sequence[User] = (),
) -> Alliance:
    """院落互助联盟: two compounds or more whose helpers serve each other's households."""
    if not perms.coordinates_community(actor, community):
        raise MutualAidError(_("Only the community's coordinators form alliances."))
    name = clean_text(name)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the alliance a name.")]
    if len({c.pk for c in compounds}) < 2:
        errors["compounds"] = [_("An alliance joins two compounds or more.")]
    elif any(c.community.street_id != community.street_id for c in compounds):
        errors["compounds"] = [_("The compounds must be in this street.")]
    raise_errors(errors)
    with transaction.atomic():
        alliance = Alliance.objects.create(community=community, name=name)
        alliance.compounds.set(compounds)
        alliance.coordinators.set(coordinators)
        audit.record(
            actor=actor,
            action="create",
            detail="mutualaid.alliance_create",
            obj=alliance,
            changes={"compounds": [str(c.uuid) for c in compounds]},
        )
    return alliance
