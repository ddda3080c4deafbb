from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from messaging.forms import InquiryForm


class ReservationForm(InquiryForm):
    """Apply for a stay: the inquiry's questions, a message that may stay empty."""

    field_order = ["move_in", "months", "people", "message"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["body"]
        self.fields["message"] = forms.CharField(
            label=_("Message to the host"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Who will live there, and why you come to Japan, helps the host decide."),
        )
        self.fields["contract_sharing"] = forms.BooleanField(
            label=_(
                "If the host accepts, the contract shows the host my full name, e-mail address "
                "and phone number, and shows me theirs and the exact address."
            ),
            required=True,
        )
        self.order_fields(self.field_order)


class SigningCodeForm(forms.Form):
    code = forms.CharField(
        label=_("One-time code from the mail"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("The code is six digits."))
        return code


class ReasonForm(forms.Form):
    """Why a party declines; without a valid reason, `reason_given` refuses with `missing`."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def reason_given(self, *, missing: str) -> str:
        if not self.is_valid():
            raise ValidationError(missing)
        return self.cleaned_data["reason"]
