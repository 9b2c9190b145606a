"""Small query helpers for the hot paths."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def only_row(queryset: QuerySet[M, Any]) -> M | None:
    """The one row of a lookup by a unique key, or None.

    `QuerySet.first()` orders an unordered queryset by its primary key, and compiling that
    ORDER BY was a tenth of a refused booking's CPU; a lookup that can match one row at
    most needs no order.
    """
    return next(iter(queryset.order_by()[:1]), None)
