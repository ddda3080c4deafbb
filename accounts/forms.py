from django import forms
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import PROFILE_FIELDS_WITH_VISIBILITY, VISIBILITY_CHOICES_EXPLAINED, User
from accounts.services import user_identity_update
from kaguaruoo.formats import site_format
from kaguaruoo.net import client_ip
from privacy.services import signup_consents_record


class IdentityFieldsMixin:
    """The fields that say who a user is, with the rule that ties them to the account type.

    The name is asked in the order the reader's language writes it: family name
    first in Japanese.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if site_format("FAMILY_NAME_FIRST"):
            names = list(self.fields)
            given = [name for name in names if name.startswith("first_name")]
            family = [name for name in names if name.startswith("last_name")]
            if given and family:
                at = names.index(given[0])
                rest = [name for name in names if name not in given + family]
                self.order_fields(rest[:at] + family + given + rest[at:])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("account_type") == User.AccountType.CORPORATE:
            if not cleaned.get("corporation_name", "").strip():
                self.add_error("corporation_name", _("Enter the corporation's name."))
        else:
            for field in ("first_name", "last_name"):
                if not cleaned.get(field, "").strip():
                    self.add_error(field, _("This field is required for a personal account."))
        return cleaned


class SignupForm(IdentityFieldsMixin, forms.Form):
    """Extra signup fields; django-allauth adds email and passwords around them."""

    account_type = forms.ChoiceField(
        label=_("Account type"),
        choices=User.AccountType.choices,
        initial=User.AccountType.PERSONAL,
        widget=forms.RadioSelect,
        help_text=_(
            "In public, a personal account shows only your last name; "
            "a corporate account only the corporation's name."
        ),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"data-required-for": "personal"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"data-required-for": "personal"}),
    )
    corporation_name = forms.CharField(
        label=_("Corporation name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"data-required-for": "corporate"}),
    )

    accept_policy = forms.BooleanField(
        label=_("I have read and accept the Privacy Policy"),
        required=True,
        error_messages={"required": _("Please accept the Privacy Policy to create an account.")},
        # Help texts are rendered as HTML (partials/form_field.html); every part is ours.
        help_text=format_lazy(
            '<a href="{}" target="_blank">{}</a>', reverse_lazy("privacy:policy"), _("Read it")
        ),
    )
    marketing_mail = forms.BooleanField(
        label=_("Send me news of campaigns, services and gifts by e-mail"),
        required=False,
        help_text=_("Optional. You can stop them at any time on your privacy page."),
    )

    def signup(self, request, user):
        user_identity_update(
            user=user,
            account_type=self.cleaned_data["account_type"],
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            corporation_name=self.cleaned_data["corporation_name"],
        )
        signup_consents_record(
            user=user, marketing=self.cleaned_data["marketing_mail"], ip=client_ip(request)
        )


class ProfileForm(IdentityFieldsMixin, forms.ModelForm):
    """The profile, each field followed by who may see it."""

    class Meta:
        model = User
        fields = [
            "account_type",
            "first_name",
            "first_name_visibility",
            "last_name",
            "last_name_visibility",
            "corporation_name",
            "phone",
            "phone_visibility",
            "introduction",
            "introduction_visibility",
        ]
        widgets = {
            "account_type": forms.RadioSelect,
            "first_name": forms.TextInput(attrs={"data-required-for": "personal"}),
            "last_name": forms.TextInput(attrs={"data-required-for": "personal"}),
            "corporation_name": forms.TextInput(attrs={"data-required-for": "corporate"}),
            "introduction": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PROFILE_FIELDS_WITH_VISIBILITY:
            field = self.fields[f"{name}_visibility"]
            field.widget = forms.RadioSelect(choices=VISIBILITY_CHOICES_EXPLAINED)
            field.choices = VISIBILITY_CHOICES_EXPLAINED

    def service_arguments(self) -> dict:
        """cleaned_data shaped for accounts.services.user_identity_update."""
        data = dict(self.cleaned_data)
        visibility = {
            name: data.pop(f"{name}_visibility") for name in PROFILE_FIELDS_WITH_VISIBILITY
        }
        return {**data, "visibility": visibility}
