"""A user's stored role grants (read with the user, no query) follow every write of their
role assignments, so a request never acts on a role that was taken away."""

from __future__ import annotations

import pytest

from silin.accounts.models import RoleAssignment, User, refresh_role_grants
from silin.accounts.services import token_authenticate, token_create
from silin.accounts.tests.factories import UserFactory, assign
from silin.core.roles import Capability, Role
from silin.core.scoping import scope_for
from silin.places.tests.factories import CommunityFactory, StreetFactory

pytestmark = pytest.mark.django_db


def _fresh(secret: str) -> User:
    """The user as the next API request sees them (the token lookup)."""
    user = token_authenticate(secret)
    assert user is not None
    return user


def test_grants_follow_a_role_given_changed_and_taken_away(world, django_assert_num_queries):
    user = UserFactory()
    secret = token_create(actor=user, name="t")[1]
    assert _fresh(secret).roles == set()

    a = assign(user, Role.COMMUNITY_WORKER, world.sanjiang)
    seen = _fresh(secret)
    with django_assert_num_queries(0):
        assert seen.roles == {Role.COMMUNITY_WORKER}
        assert world.sanjiang.pk in scope_for(seen, Capability.MANAGE_SPACES).community_ids

    a.role = Role.GRID_MEMBER  # as the admin changes it
    a.save()
    assert _fresh(secret).roles == {Role.GRID_MEMBER}

    a.delete()
    seen = _fresh(secret)
    assert seen.roles == set()
    assert scope_for(seen, Capability.MANAGE_SPACES).empty


def test_a_queryset_delete_and_a_compound_role_are_followed(world):
    user = UserFactory()
    secret = token_create(actor=user, name="t")[1]
    assign(user, Role.RESIDENT, world.tuoyuan)
    assign(user, Role.STREET_ADMIN, world.street)
    assert _fresh(secret).role_grants() == (
        (Role.RESIDENT, None, None, world.tuoyuan.pk, world.street.pk, world.sanjiang.pk),
        (Role.STREET_ADMIN, world.street.pk, None, None, world.street.pk, None),
    )
    RoleAssignment.objects.filter(user=user, role=Role.STREET_ADMIN).delete()
    assert _fresh(secret).roles == {Role.RESIDENT}


def test_the_holder_of_the_user_object_sees_the_change_too(world):
    user = UserFactory()
    assert scope_for(user, Capability.MANAGE_SPACES).empty
    assign(user, Role.COMMUNITY_WORKER, world.sanjiang)
    assert not scope_for(user, Capability.MANAGE_SPACES).empty


def test_a_bulk_write_is_followed_once_refreshed(world):
    user = UserFactory()
    secret = token_create(actor=user, name="t")[1]
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=Role.COMMUNITY_WORKER, community=world.sanjiang)]
    )
    refresh_role_grants([user.pk])
    assert _fresh(secret).roles == {Role.COMMUNITY_WORKER}


def test_a_user_never_given_stored_grants_reads_their_assignments(world):
    user = UserFactory()
    assign(user, Role.COMMUNITY_WORKER, world.sanjiang)
    User.objects.filter(pk=user.pk).update(role_grants_cache=None)
    assert User.objects.get(pk=user.pk).roles == {Role.COMMUNITY_WORKER}


def test_a_compound_moved_to_another_community_moves_its_holders_scopes(world):
    user = UserFactory()
    secret = token_create(actor=user, name="t")[1]
    assign(user, Role.COMMITTEE_MEMBER, world.tuoyuan)
    assert _fresh(secret).role_grants()[0][-1] == world.sanjiang.pk
    other = CommunityFactory(street=world.street, name="龙王社区", code="510121100009")
    world.tuoyuan.community = other  # as a superuser corrects it in the admin
    world.tuoyuan.save()
    assert _fresh(secret).role_grants()[0][-1] == other.pk
    other.street = StreetFactory(name="别的街道", code="510121200000")
    other.save()
    assert _fresh(secret).role_grants()[0][-2] == other.street.pk
