"""Forms of after-sale support, for the parties' pages and for staff in admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import SupportRequest
from contracts.support.services import SUBJECT_MAX_LENGTH
from kaguaruoo.uploads import attachment_check

MESSAGE_MAX_LENGTH = 5000


def attachment_field(label) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        help_text=_("A PDF or an image, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )


def attachment_clean(file):
    """The file if it is a PDF or an image by its content (the services check it again)."""
    if file:
        attachment_check(file)
    return file


class SupportRequestForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=SupportRequest.Category.choices,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, since when, and what you have tried already."),
    )
    attachment = attachment_field(_("Attach a file"))

    def clean_attachment(self):
        return attachment_clean(self.cleaned_data.get("attachment"))


class SupportMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = attachment_field(_("Attach a file"))

    def clean_attachment(self):
        return attachment_clean(self.cleaned_data.get("attachment"))

    def clean(self):
        cleaned = super().clean()
        empty = not cleaned.get("body", "").strip() and not cleaned.get("attachment")
        if empty and not self.has_error("attachment"):
            raise forms.ValidationError(_("Write a message or attach a file."))
        return cleaned


class SupportReplyForm(forms.ModelForm):
    """Staff answer on the request's admin page; saving it calls `support_reply`."""

    reply = forms.CharField(
        label=_("Answer"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_(
            "Sent as a message from KaguAruoo support: the request becomes "
            "“answered” and the person who opened it is mailed the text."
        ),
    )
    reply_attachment = attachment_field(_("Attach a file to the answer"))

    class Meta:
        model = SupportRequest
        fields = []

    def clean_reply_attachment(self):
        return attachment_clean(self.cleaned_data.get("reply_attachment"))

    def clean(self):
        cleaned = super().clean()
        answer = cleaned.get("reply", "").strip()
        if answer and self.instance.status == SupportRequest.Status.CLOSED:
            raise forms.ValidationError(
                _("This request was closed meanwhile; the answer was not sent.")
            )
        if cleaned.get("reply_attachment") and not answer:
            self.add_error("reply", _("Write the answer that goes with the file."))
        return cleaned
