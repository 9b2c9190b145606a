"""Forms for family proxies (亲情账号). Their checks are the services' checks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from silin.core.acting import Power
from silin.core.forms import SilinForm
from silin.people.proxy_models import ProxyLink


class ProxyInviteForm(SilinForm):
    mobile = forms.CharField(label=_("Their mobile number"), max_length=20)
    name = forms.CharField(
        label=_("Their name"),
        max_length=50,
        required=False,
        help_text=_("Needed when this mobile has no Silin account yet."),
    )
    relation = forms.ChoiceField(label=_("They are my"), choices=ProxyLink.Relation.choices)
    powers = forms.MultipleChoiceField(
        label=_("They may"),
        choices=Power.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Power.BOOK_SPACES, Power.RECEIVE_NOTICES],
    )
    ends_on = forms.DateField(
        label=_("Until (leave empty for no end)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ProxyConsentForm(ProxyInviteForm):
    """A worker records a consent given in person, with the signed paper's number."""

    paper_number = forms.CharField(label=_("Number of the signed consent paper"), max_length=40)
