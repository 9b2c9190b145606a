"""What every family of neighbour-services write shares: the error and small helpers."""

from __future__ import annotations

from django.core.exceptions import ValidationError

NON_FIELD = "__all__"


class MutualAidError(ValidationError):
    """Bad input or a refused action: {field: [messages]}, messages already translated."""

    def __init__(self, errors: dict[str, list[str]] | str, field: str = NON_FIELD):
        if isinstance(errors, str):
            errors = {field: [errors]}
        super().__init__({k: [str(m) for m in v] for k, v in errors.items()})


def raise_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise MutualAidError(errors)
