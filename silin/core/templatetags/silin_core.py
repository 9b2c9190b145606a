"""Template helpers shared by Silin pages."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


def resident_url(resident) -> str | None:
    """The resident's register page, if the people app serves one in this deployment."""
    try:
        return reverse("people:resident-detail", kwargs={"uuid": resident.uuid})
    except NoReverseMatch:
        try:
            return reverse("people:resident-detail", args=[resident.uuid])
        except NoReverseMatch:
            return None


@register.simple_tag
def resident_link(resident):
    url = resident_url(resident)
    if url is None:
        return format_html("<strong>{}</strong>", resident.name)
    return format_html('<a href="{}"><strong>{}</strong></a>', url, resident.name)


@register.filter
def lookup(mapping, key):
    """mapping[key] in a template, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """A home panel (core.home.Panel): its template with its own context on top."""
    panel_template = context.template.engine.get_template(panel.template)
    with context.push(panel.context):
        return panel_template.render(context)
