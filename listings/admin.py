"""Staff moderate listings: hide one from search and its public page, give it back.

A listing names its host and its address, so its admin is for privacy officers
only and every look is audited (PersonalDataAdminMixin). Nothing is edited here:
hiding and showing again go through `listing_hide` and `listing_unhide`, which
write the audit row with the reason the officer gave.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaguaruoo.admin import ReadOnlyAdminMixin
from kaguaruoo.money import yen
from kaguaruoo.transitions import IllegalTransition
from listings.models import Listing
from listings.services import listing_hide, listing_unhide
from privacy.staff_access import PersonalDataAdminMixin, audit_origin, is_privacy_officer


class ModerationReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the staff audit log; the host sees the listing hidden."),
    )


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["title", "host", "status", "monthly_rent", "prefecture", "city", "published_at"]
    list_filter = ["status", "prefecture"]
    list_select_related = ["host"]
    search_fields = ["=id", "title", "host__email"]
    search_help_text = gettext_lazy("A listing number, words of its title or its host's e-mail.")
    fields = [
        "title",
        "host",
        "status",
        "hidden_reason",
        "monthly_rent",
        "prefecture",
        "city",
        "town",
        "layout",
        "min_months",
        "max_months",
        "description",
        "created_at",
        "published_at",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("rent"), ordering="rent")
    def monthly_rent(self, listing):
        return yen(listing.rent)

    def get_urls(self):
        moderation = [
            path(
                "<path:object_id>/hide/",
                self.admin_site.admin_view(self.hide_view),
                name="listings_listing_hide",
            ),
            path(
                "<path:object_id>/unhide/",
                self.admin_site.admin_view(self.unhide_view),
                name="listings_listing_unhide",
            ),
        ]
        return [*moderation, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        listing = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if listing is not None and is_privacy_officer(request.user):
            hidden = listing.status == Listing.Status.HIDDEN
            extra_context["moderation_url"] = reverse(
                "admin:listings_listing_unhide" if hidden else "admin:listings_listing_hide",
                args=[listing.pk],
            )
            extra_context["moderation_label"] = _("Show again") if hidden else _("Hide")
        return super().change_view(request, object_id, form_url, extra_context)

    def hide_view(self, request, object_id):
        return self._moderate(
            request,
            object_id,
            service=listing_hide,
            title=_("Hide this listing"),
            explanation=_(
                "The listing leaves search and its public page answers “not found”. "
                "Its host still sees it, marked hidden by KaguAruoo, and cannot publish it."
            ),
            done=_("The listing is hidden."),
        )

    def unhide_view(self, request, object_id):
        return self._moderate(
            request,
            object_id,
            service=listing_unhide,
            title=_("Show this listing again"),
            explanation=_("The listing goes back to the status it had when it was hidden."),
            done=_("The listing is shown again."),
        )

    def _moderate(self, request, object_id, *, service, title, explanation, done):
        if not is_privacy_officer(request.user):
            raise PermissionDenied
        listing = self.get_object(request, object_id)
        if listing is None:
            raise Http404
        change_url = reverse("admin:listings_listing_change", args=[listing.pk])
        form = ModerationReasonForm(request.POST or None)
        if form.is_valid():
            try:
                service(
                    listing=listing,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    origin=audit_origin(request),
                )
            except (ValidationError, IllegalTransition) as error:
                text = " ".join(getattr(error, "messages", [])) or str(error)
                self.message_user(request, text, messages.ERROR)
            else:
                self.log_change(request, listing, title)
                self.message_user(request, done, messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": listing,
            "form": form,
            "explanation": explanation,
            "submit_label": title,
            "action_url": request.path,
            "cancel_url": change_url,
        }
        return TemplateResponse(request, "admin/reason_form.html", context)
