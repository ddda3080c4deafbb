"""Forms of a contract's changes: asking for an extension, declining one, cancelling."""

from django import forms
from django.utils.translation import gettext_lazy

from listings.stays import EXTENSION_MAX_MONTHS


class ExtensionForm(forms.Form):
    months = forms.TypedChoiceField(
        label=gettext_lazy("Additional months"),
        coerce=int,
        choices=[(n, n) for n in range(1, EXTENSION_MAX_MONTHS + 1)],
    )

    def __init__(self, *args, months_open: list[int] | None = None, **kwargs):
        """`months_open`: the extensions the stay can take; only those are offered.

        Any other number is still judged by the service, which says why it cannot be.
        """
        super().__init__(*args, **kwargs)
        if months_open is not None:
            self.fields["months"].widget.choices = [(n, n) for n in months_open]

    message = forms.CharField(
        label=gettext_lazy("Message to the host"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CancellationForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you cancel?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I have read the amounts above and cancel the contract."),
    )
    # The amounts shown, so that a change before the click is caught, not charged.
    due = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    refund = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
