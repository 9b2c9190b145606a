"""The stored role grants of a user rewritten on every write of a role assignment.

The scopes read a user's roles from `User.role_grants_cache` (read with the user by the
token or session lookup), so every path that adds, changes or removes an assignment must
rewrite it: the services, the admin, factories and the demo alike, hence signals rather
than calls in each service. A bulk write (`bulk_create`, `QuerySet.update`) sends no
signal: such a path calls `refresh_role_grants` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from silin.accounts.models import RoleAssignment, refresh_role_grants
from silin.places.models import Community, Compound

MEMOS = ("_silin_grants", "_silin_assignments", "_silin_scopes", "_silin_space_homes")


def _changed(sender: Any, instance: RoleAssignment, **kwargs: Any) -> None:
    written = refresh_role_grants([instance.user_id])
    # The user object the writer holds (a factory's, a service's) follows too.
    user = instance._state.fields_cache.get("user")  # noqa: SLF001
    if user is not None and instance.user_id in written:
        user.role_grants_cache = written[instance.user_id]
        for key in MEMOS:
            user.__dict__.pop(key, None)


def _tree_moved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A compound or community saved (perhaps moved to another parent): the stored grants
    of everyone holding a role at or under it are rewritten, so no scope keeps the old
    parent."""
    if isinstance(instance, Compound):
        holders = RoleAssignment.objects.filter(compound=instance)
    else:
        holders = RoleAssignment.objects.filter(
            Q(community=instance) | Q(compound__community=instance)
        )
    user_ids = list(holders.values_list("user_id", flat=True).distinct())
    if user_ids:
        refresh_role_grants(user_ids)


def connect() -> None:
    post_save.connect(_changed, sender=RoleAssignment, dispatch_uid="silin_role_grants_save")
    post_delete.connect(_changed, sender=RoleAssignment, dispatch_uid="silin_role_grants_delete")
    for node in (Compound, Community):
        post_save.connect(
            _tree_moved, sender=node, dispatch_uid=f"silin_role_grants_{node.__name__}"
        )
