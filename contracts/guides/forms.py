from django import forms
from django.utils.translation import gettext_lazy as _


class HouseGuideForm(forms.Form):
    """A new House Guide: a file or a URL. The service checks that exactly one is given."""

    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("A PDF or an image (JPEG, PNG, GIF or WebP), up to 10 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/*"}),
    )
    url = forms.URLField(
        label=_("URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Or the address of a web page, such as a shared document."),
    )
