"""Feedback after attending: a rating of 1 to 5 and a comment, once per sign-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from silin.activities.models import Feedback, SignUp
from silin.activities.services.common import ActivityError
from silin.core import audit

if TYPE_CHECKING:
    from silin.accounts.models import User


@transaction.atomic
def feedback_give(*, actor: User, signup: SignUp, rating: int, comment: str = "") -> Feedback:
    if signup.person_id != actor.pk:
        raise PermissionDenied
    if signup.state != SignUp.State.ATTENDED:
        raise ActivityError(_("Feedback is for people who took part."))
    if not 1 <= rating <= 5:
        raise ActivityError({"rating": [_("Choose a rating from 1 to 5.")]})
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                signup=signup, rating=rating, comment=comment.strip()[:500]
            )
    except IntegrityError as exc:
        raise ActivityError(_("You have already given your feedback. Thank you!")) from exc
    audit.record(
        actor=actor,
        action="create",
        obj=feedback,
        changes={"rating": [None, rating], "comment": [None, feedback.comment]},
    )
    return feedback
