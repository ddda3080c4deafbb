"""The recipient's shipping address form (staff forms stay beside their admin classes)."""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.core.models import PREFECTURE_CHOICES
from campaigns.gifts.models import GiftShipment

POSTAL_CODE = re.compile(r"^(\d{3})-?(\d{4})$")
PHONE = re.compile(r"^\+?[0-9-]+$")


def _field(name: str, **kwargs):
    model_field = GiftShipment._meta.get_field(name)
    return forms.CharField(
        label=model_field.verbose_name.capitalize(), max_length=model_field.max_length, **kwargs
    )


class GiftAddressForm(forms.Form):
    recipient_name = _field("recipient_name")
    postal_code = _field(
        "postal_code",
        help_text=_("Seven digits, e.g. 150-0002."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    prefecture = forms.ChoiceField(label=_("Prefecture"), choices=[("", "—"), *PREFECTURE_CHOICES])
    city = _field("city", help_text=_("e.g. Shibuya-ku"))
    address_line = _field("address_line", help_text=_("e.g. Shibuya 2-21-1"))
    building = _field("building", required=False, help_text=_("Building name and room number."))
    phone = _field(
        "phone",
        help_text=_("For the carrier, if they cannot find you."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that KaguAruoo uses this address and phone number to send me this gift, "
            "and gives them to the carrier for the delivery."
        ),
        error_messages={"required": _("Tick the box to let us use the address for your gift.")},
    )

    def clean_postal_code(self):
        value = unicodedata.normalize("NFKC", self.cleaned_data["postal_code"]).strip()
        match = POSTAL_CODE.match(value.replace("ー", "-"))
        if match is None:
            raise forms.ValidationError(_("Enter a postal code of seven digits, e.g. 150-0002."))
        return f"{match[1]}-{match[2]}"

    def clean_phone(self):
        value = unicodedata.normalize("NFKC", self.cleaned_data["phone"]).replace(" ", "")
        digits = re.sub(r"\D", "", value)
        if not PHONE.match(value) or not 10 <= len(digits) <= 15:
            raise forms.ValidationError(_("Enter a phone number of 10 to 15 digits."))
        return value

    def address(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if name != "consent"}
