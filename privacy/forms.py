from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import Consent, PrivacyRequest

CONSENT_HELP = {
    Consent.Purpose.MARKETING: _(
        "News of campaigns, services and gifts by e-mail. You can stop them at any time."
    ),
    Consent.Purpose.QUESTIONNAIRES: _("Requests for your opinion, now and then."),
    Consent.Purpose.PROFILE_SHARING: _(
        "When you inquire about a listing, its host sees your name and the profile fields "
        "you chose to share. Without this, inquiries cannot be sent."
    ),
    Consent.Purpose.ANALYTICS: _("Cookies that count visits, so that the site can improve."),
}


class ConsentsForm(forms.Form):
    """One checkbox per purpose a person decides; saved through privacy.services."""

    def __init__(self, *args, purposes, **kwargs):
        super().__init__(*args, **kwargs)
        for purpose in purposes:
            self.fields[purpose] = forms.BooleanField(
                label=Consent.Purpose(purpose).label,
                required=False,
                help_text=CONSENT_HELP[purpose],
            )


class PrivacyRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask for?"),
        choices=PrivacyRequest.Kind.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a revision, say what is wrong and what is right."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == PrivacyRequest.Kind.REVISION and not cleaned.get("details"):
            self.add_error("details", _("Say what should be revised."))
        return cleaned
