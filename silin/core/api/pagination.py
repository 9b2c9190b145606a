"""Page-number pagination: `{"count", "page", "page_size", "results"}`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from silin.core.paging import rows_for_slice

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="Page number, from 1.")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE,
            ge=1,
            description=f"Items per page; larger values are capped at {MAX_PAGE_SIZE}.",
        )

    class Output(Schema):
        count: int
        page: int
        page_size: int
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page_size = min(pagination.page_size, MAX_PAGE_SIZE)
        offset = (pagination.page - 1) * page_size
        return {
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": page_size,
            "results": rows_for_slice(queryset, offset, offset + page_size),
        }
