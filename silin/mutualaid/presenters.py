"""Words for what matching stores as codes: a pair's reasons, rendered when read."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db.models import Field, Model
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from silin.mutualaid import matching
from silin.mutualaid.models import Skill
from silin.mutualaid.services.ledger import hours_text as minutes_words

__all__ = ["KIND_ICONS", "choice_labels", "minutes_words", "reason_words"]


def _step_words() -> dict[str, str]:
    return {
        "opposite_door": _("door opposite"),
        "upstairs_downstairs": _("upstairs or downstairs"),
        "same_unit": _("same unit"),
        "same_building": _("same building"),
        "same_compound": _("same compound"),
        "alliance": _("courtyard alliance"),
        "same_community": _("same community"),
    }


def _skill_words() -> dict[str, str]:
    return {
        "shopping": pgettext("can", "shops for neighbours"),
        "escort": pgettext("can", "escorts to hospital"),
        "repairs": pgettext("can", "does small repairs"),
        "visit": pgettext("can", "visits"),
        "companionship": pgettext("can", "keeps company"),
        "meals": pgettext("can", "brings meals"),
        "transport": pgettext("can", "drives"),
        "paperwork": pgettext("can", "helps with paperwork"),
        "other": pgettext("can", "helps"),
    }


@functools.lru_cache(maxsize=8)
def _words(language: str | None) -> tuple[dict[str, str], dict[str, str], str]:
    """The words of reasons in `language` (the active one), made once per language."""
    return _step_words(), _skill_words(), _("came last time")


def reason_words(codes: Iterable[str]) -> str:
    """ "同单元 · 上次也是他 · 会修水管": the reasons of a pair, in the reader's language."""
    steps, skills, came_last_time = _words(get_language())
    words: list[str] = []
    for code in codes:
        if code in steps:
            words.append(steps[code])
        elif code == matching.CAME_LAST_TIME:
            words.append(came_last_time)
        elif code.startswith(matching.SKILL_PREFIX):
            words.append(skills.get(code.removeprefix(matching.SKILL_PREFIX), code))
    return " · ".join(words)


# Icons of the kinds of help, for the large buttons of "I need help".
KIND_ICONS: dict[str, str] = {
    Skill.SHOPPING: "basket",
    Skill.ESCORT: "hospital",
    Skill.REPAIRS: "tools",
    Skill.VISIT: "door-open",
    Skill.COMPANIONSHIP: "people",
    Skill.MEALS: "cup-hot",
    Skill.TRANSPORT: "car-front",
    Skill.PAPERWORK: "file-text",
    Skill.OTHER: "three-dots",
}


@functools.lru_cache(maxsize=64)
def _choice_labels(model: type[Model], name: str, language: str | None) -> dict[str, str]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return {value: str(label) for value, label in field.flatchoices}


def choice_labels(model: type[Model], name: str) -> dict[str, str]:
    """A choice field's labels in the reader's language, translated once per language and
    not once per row as `get_FOO_display` does (a board of a hundred rows calls it often)."""
    return _choice_labels(model, name, get_language())
