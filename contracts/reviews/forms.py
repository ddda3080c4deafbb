from django import forms
from django.utils.translation import gettext_lazy as _


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Your review"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
