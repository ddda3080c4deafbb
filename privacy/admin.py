from django import forms
from django.contrib import admin

from privacy.models import PolicyVersion
from privacy.services import policy_publish


class PolicyRevisionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["text", "changes"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """A published version never changes; a revision is a new version published here."""

    list_display = ["version", "published_at", "published_by"]
    form = PolicyRevisionForm

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["version", "text", "changes", "published_at", "published_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["text", "changes"]
        return ["version", "published_at", "published_by", "changes", "text"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        published = policy_publish(
            text=form.cleaned_data["text"], changes=form.cleaned_data["changes"], by=request.user
        )
        obj.pk = published.pk
        obj.version = published.version

    def has_delete_permission(self, request, obj=None):
        return False
