"""Pagination that sorts and slices primary keys before loading rows.

A register search can match tens of thousands of residents while a page shows 25. Slicing
the full query makes the database join every match to its household, unit, building and
compound before sorting (SQLite does exactly that). Slicing only the keys lets the sort
run on an index, and the joins, decryption and prefetches then touch just the page: one
more query, the same number whatever the page size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def rows_for_slice(queryset: QuerySet[Any], start: int, stop: int) -> list[Any]:
    """The rows of `queryset[start:stop]`, in order, loaded by primary key (model instances,
    or dicts of a `.values()` query that names "pk")."""
    keys = list(queryset.values_list("pk", flat=True)[start:stop])
    if not keys:
        return []
    rows = queryset.filter(pk__in=keys)
    by_key = {(obj["pk"] if isinstance(obj, dict) else obj.pk): obj for obj in rows}
    return [by_key[k] for k in keys if k in by_key]


class KeysFirstPaginator(Paginator):
    """A Paginator over a QuerySet whose pages are loaded keys first.

    `count`, when the caller has it already (several lists counted in one aggregate
    query), saves the COUNT query; `keys_first=False` loads a short list in one query."""

    object_list: QuerySet[Any]

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        count: int | None = None,
        keys_first: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property
        self.keys_first = keys_first

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows: Sequence[Any] = (
            rows_for_slice(self.object_list, bottom, top)
            if self.keys_first
            else list(self.object_list[bottom:top])
        )
        return Page(rows, number, self)


def page_of(rows: Sequence[Any], number: int, per_page: int, count: int) -> Page:
    """A Page of `rows` already loaded (page `number` of `count` rows in all), for the
    pagination links of a list that a selector pages and counts itself."""
    paginator = Paginator((), per_page)
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return Page(rows, number, paginator)
