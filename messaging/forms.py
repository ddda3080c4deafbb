from django import forms
from django.utils.translation import gettext_lazy as _

from kaguaruoo.uploads import MAX_ATTACHMENT_BYTES
from listings import stays
from listings.models import Listing
from messaging.models import DeliveryRequest, NotificationPreference


class DateInput(forms.DateInput):
    input_type = "date"


class InquiryForm(forms.Form):
    """Request for materials; the consent part appears before a first inquiry to a host."""

    move_in = forms.DateField(label=_("Move-in date"), widget=DateInput)
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=60)
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=20)
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What would you like to know? The host answers in the thread."),
    )
    share_full_name = forms.BooleanField(label=_("My full name"), required=False)
    share_phone = forms.BooleanField(label=_("My phone number"), required=False)
    agree = forms.BooleanField(
        label=_("I agree that KaguAruoo passes the information above to the host."),
        required=True,
    )

    def __init__(self, *args, listing: Listing, needs_consent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.listing = listing
        self.needs_consent = needs_consent
        self.fields["months"].min_value = listing.min_months
        self.fields["months"].max_value = listing.max_months
        self.fields["months"].widget.attrs.update(min=listing.min_months, max=listing.max_months)
        self.fields["people"].widget.attrs["max"] = listing.max_occupants
        if not needs_consent:
            for name in ("share_full_name", "share_phone", "agree"):
                del self.fields[name]

    def clean_move_in(self):
        move_in = self.cleaned_data["move_in"]
        if error := stays.move_in_past_error(move_in):
            raise forms.ValidationError(error)
        return move_in

    def clean_months(self):
        months = self.cleaned_data["months"]
        wording = stays.MONTHS_IN_INQUIRY
        if error := stays.months_error(listing=self.listing, months=months, wording=wording):
            raise forms.ValidationError(error)
        return months

    def clean_people(self):
        people = self.cleaned_data["people"]
        if people > self.listing.max_occupants:
            raise forms.ValidationError(
                _("At most %(n)s people can live here.") % {"n": self.listing.max_occupants}
            )
        return people

    def optional_fields(self) -> list[str]:
        return [
            name
            for name, ticked in (
                ("full_name", self.cleaned_data.get("share_full_name")),
                ("phone", self.cleaned_data.get("share_phone")),
            )
            if ticked
        ]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(
        label=_("Attach a file"),
        required=False,
        help_text=_("A PDF or an image, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("body", "").strip() and not cleaned.get("attachment"):
            raise forms.ValidationError(_("Write a message or attach a file."))
        file = cleaned.get("attachment")
        if file and file.size > MAX_ATTACHMENT_BYTES:
            self.add_error("attachment", _("The file is larger than 10 MB."))
        return cleaned


class DeliveryRequestForm(forms.ModelForm):
    class Meta:
        model = DeliveryRequest
        fields = ["delivery_date", "item", "carrier", "notes"]
        widgets = {"delivery_date": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "item": _("For example: a parcel, a bed, a desk."),
            "carrier": _("For example: Yamato Transport, Sagawa, Japan Post."),
        }


class DeliveryRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the tenant a reason for the rejection.")},
    )


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_on_message"]
        help_texts = {
            "email_on_message": _("At most one mail per conversation every 10 minutes."),
        }
