"""Who may import into and export from the register."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from silin.core.roles import Capability
from silin.core.scoping import scope_for

if TYPE_CHECKING:
    from silin.accounts.models import User
    from silin.workbooks.models import ImportJob


@rules.predicate
def has_import_scope(user: User) -> bool:
    return not scope_for(user, Capability.IMPORT_REGISTER).empty


@rules.predicate
def has_export_scope(user: User) -> bool:
    return not scope_for(user, Capability.EXPORT_REGISTER).empty


@rules.predicate
def job_in_import_scope(user: User, job: ImportJob) -> bool:
    street_id, community_id, _compound, _label = job.tree_node()
    scope = scope_for(user, Capability.IMPORT_REGISTER)
    if street_id is None and community_id is None:  # uploaded by a superuser
        return scope.everything
    return scope.covers(street_id=street_id, community_id=community_id)


rules.add_perm("workbooks.import_register", has_import_scope)
rules.add_perm("workbooks.export_register", has_export_scope)
rules.add_perm("workbooks.change_importjob", job_in_import_scope)
