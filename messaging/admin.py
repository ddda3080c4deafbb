"""Staff read a conversation only for a stated reason, and the reading is audited.

Privacy policy 2.2: a thread is a private conversation between a tenant and a
host. Only privacy officers open it (PersonalDataAdminMixin), and its page shows
no message until the officer has given the reason for reading; the reading is
written to the staff audit log with that reason. Nothing in a thread is edited here.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaguaruoo.admin import ReadOnlyAdminMixin
from messaging.models import Thread
from messaging.selectors import thread_messages
from privacy.staff_access import PersonalDataAdminMixin, audit_reasoned_look


class ReadingReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need to read this conversation?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example the support request you are answering. "
            "Your reading is recorded in the staff audit log with this reason."
        ),
    )


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "listing", "move_in", "months", "created_at", "last_message_at"]
    list_display_links = ["pk", "listing"]
    list_select_related = ["listing"]
    search_fields = ["=id", "=listing__id", "tenant__email", "host__email"]
    search_help_text = gettext_lazy(
        "A thread number, a listing number, or the e-mail of its tenant or host."
    )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        thread = self.get_object(request, object_id)
        if thread is None:
            raise Http404
        if not self.has_view_permission(request, thread):
            raise PermissionDenied
        form = ReadingReasonForm(request.POST if request.method == "POST" else None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": thread,
            "title": _("Conversation %(number)s") % {"number": thread.pk},
        }
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/reason_form.html",
                {
                    **context,
                    "form": form,
                    "explanation": _(
                        "This is a private conversation between a tenant and a host. "
                        "Give the reason you need to read it first."
                    ),
                    "submit_label": _("Read the conversation"),
                    "action_url": request.path,
                    "cancel_url": reverse("admin:messaging_thread_changelist"),
                },
            )
        reason = form.cleaned_data["reason"]
        audit_reasoned_look(request=request, obj=thread, reason=reason)
        return TemplateResponse(
            request,
            "admin/messaging/thread/read.html",
            {
                **context,
                "thread": thread,
                "reason": reason,
                "thread_messages": thread_messages(thread=thread),
            },
        )
