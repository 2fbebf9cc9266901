"""The form on the patient's own page: a proposed goal or a comment, in their own words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form
from forlop.goals.models import PatientProposal


class ProposalForm(Form):
    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=PatientProposal.Kind.choices,
        widget=forms.RadioSelect,
        initial=PatientProposal.Kind.GOAL,
    )
    text = forms.CharField(
        label=_("In your own words"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
