from django import forms
from django.utils.translation import gettext_lazy as _

from privacy import registry
from privacy.models import Consent, IdentityVerification, PrivacyRequest
from privacy.services import MY_NUMBER_SIDE_REFUSED

CONSENT_HELP = {
    Consent.Purpose.MARKETING: _(
        "News of campaigns, services and gifts by e-mail. You can stop them at any time."
    ),
    Consent.Purpose.QUESTIONNAIRES: _("Requests for your opinion, now and then."),
    Consent.Purpose.PROFILE_SHARING: _(
        "When you inquire about a listing, its host sees your name and the profile fields "
        "you chose to share. Without this, inquiries cannot be sent."
    ),
    Consent.Purpose.CONTRACT_SHARING: _(
        "When a host sends you a contract, or you send one as a host, the contract shows "
        "the other party your full name, e-mail address and phone number (privacy policy "
        "3.2). Without this, no contract can be made."
    ),
    Consent.Purpose.ANALYTICS: _("Cookies that count visits, so that the site can improve."),
    Consent.Purpose.GIFT_SHIPPING: _(
        "When you win a gift, we use the address you give only to send it. Without this, "
        "no gift can be sent to you."
    ),
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

    correct_field = forms.ChoiceField(
        label=_("For a revision: which data is wrong"), required=False, choices=()
    )
    correct_value = forms.CharField(
        label=_("For a revision: the correct value"), required=False, max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["correct_field"].choices = [("", "---------"), *registry.revisable_choices()]

    def clean(self):
        cleaned = super().clean()
        revision = cleaned.get("kind") == PrivacyRequest.Kind.REVISION
        if revision and not cleaned.get("correct_field") and not cleaned.get("details"):
            self.add_error("details", _("Say what should be revised."))
        return cleaned

    def corrections(self) -> dict[str, str]:
        field = self.cleaned_data.get("correct_field")
        if self.cleaned_data.get("kind") != PrivacyRequest.Kind.REVISION or not field:
            return {}
        return {field: self.cleaned_data.get("correct_value", "")}


class IdentityDocumentForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Document"), choices=IdentityVerification.DocumentType.choices
    )
    number_side = forms.BooleanField(
        label=_("This image shows the back (the Individual Number side) of a My Number card"),
        required=False,
        help_text=_("We never store that side: upload the front (photo) side only."),
    )
    document = forms.FileField(
        label=_("Photo or scan of the document"),
        help_text=_(
            "JPEG, PNG, GIF, WebP or PDF, at most 10 MB. Only our privacy officers see it."
        ),
    )

    MAX_BYTES = 10 * 1024 * 1024

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return document

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(
            "document_type"
        ) == IdentityVerification.DocumentType.MY_NUMBER_CARD and cleaned.get("number_side"):
            raise forms.ValidationError(MY_NUMBER_SIDE_REFUSED)
        return cleaned
