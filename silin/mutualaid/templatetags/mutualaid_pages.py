"""`{% page_url "unmatched" 2 %}`: this page's URL with one section's page changed, the
other sections' pages and the search kept (each board section pages on its own)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number: int) -> str:
    query = context["request"].GET.copy()
    if number == 1:
        query.pop(param, None)
    else:
        query[param] = str(number)
    return "?" + query.urlencode() if query else "?"
