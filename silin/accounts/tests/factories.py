from __future__ import annotations

import factory

from silin.accounts.models import RoleAssignment, User
from silin.places.models import Community, Compound, Street

PASSWORD = "silin-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    # 135…: apart from every mobile the tests write out (the cast is 138… and 139…).
    mobile = factory.Sequence(lambda n: f"135{n:08d}")
    name = factory.Sequence(lambda n: f"用户{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


def assign(user: User, role: str, node) -> RoleAssignment:
    return RoleAssignment.objects.create(
        user=user,
        role=role,
        street=node if isinstance(node, Street) else None,
        community=node if isinstance(node, Community) else None,
        compound=node if isinstance(node, Compound) else None,
    )
