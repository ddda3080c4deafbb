"""Staff choose recipients (by hand or by a recorded draw) and ship gifts in admin.

Applications and shipments hold personal data (a shipment holds an address and a phone
number): privacy officers only, and every list and look is audited by
`PersonalDataAdminMixin`. Changes go through the services, which write their own audit
rows; no model form here saves a model directly.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.core.models import Campaign
from campaigns.gifts.models import GiftApplication, GiftDraw, GiftShipment
from campaigns.gifts.services import (
    SHIPMENT_TRANSITIONS,
    gift_applications_choose,
    gift_draw_candidates,
    gift_draw_run,
    gift_draw_verify,
    gift_shipment_deliver,
    gift_shipment_ship,
)
from kaguaruoo.actions import error_text
from kaguaruoo.roles import Role
from kaguaruoo.transitions import IllegalTransition
from privacy.admin import adopt_saved
from privacy.staff_access import PersonalDataAdminMixin, audit_origin

Status = GiftShipment.Status


class ChosenFilter(admin.SimpleListFilter):
    title = _("chosen")
    parameter_name = "chosen"

    def lookups(self, request, model_admin):
        return [("yes", _("Chosen")), ("no", _("Not chosen"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(chosen_at__isnull=self.value() == "no")
        return queryset


@admin.register(GiftApplication)
class GiftApplicationAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["campaign", "user", "applied_at", "chosen_at", "draw"]
    list_filter = ["campaign", ChosenFilter]
    list_select_related = ["campaign", "user", "draw"]
    search_fields = ["user__email"]
    actions = ["choose"]
    readonly_fields = ["campaign", "user", "applied_at", "chosen_at", "chosen_by", "draw"]

    @admin.action(description=_("Choose the selected applications (mails each person)"))
    def choose(self, request, queryset):
        shipments = gift_applications_choose(
            applications=queryset.select_related("campaign", "user").order_by("pk"),
            by=request.user,
            origin=audit_origin(request),
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d person chosen and asked for a shipping address.",
                "%(count)d people chosen and asked for a shipping address.",
                len(shipments),
            )
            % {"count": len(shipments)},
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The change page shows the application read-only; the action is what changes it.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class GiftDrawForm(forms.ModelForm):
    """A new draw: the campaign and how many to draw; the seed is chosen at random."""

    class Meta:
        model = GiftDraw
        fields = ["campaign", "number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "campaign" in self.fields:
            self.fields["campaign"].queryset = Campaign.objects.filter(applications_open=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("campaign") and cleaned.get("number") is not None:
            try:
                gift_draw_candidates(campaign=cleaned["campaign"], number=cleaned["number"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(GiftDraw)
class GiftDrawAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    form = GiftDrawForm
    list_display = ["campaign", "number", "drawn_by", "drawn_at"]
    list_filter = ["campaign"]
    list_select_related = ["campaign", "drawn_by"]
    readonly_fields = [
        "campaign",
        "number",
        "seed",
        "drawn_by",
        "drawn_at",
        "candidate_ids",
        "chosen_ids",
        "winners",
        "verified",
    ]

    def get_fields(self, request, obj=None):
        return ["campaign", "number"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description=_("chosen people"))
    def winners(self, draw):
        applications = draw.applications.select_related("user").order_by("pk")
        return format_html_join(
            ", ", "{}", ((a.user.email if a.user else _("(erased)"),) for a in applications)
        )

    @admin.display(description=_("re-run from the seed gives the same winners"), boolean=True)
    def verified(self, draw):
        return gift_draw_verify(draw=draw)

    def save_model(self, request, obj, form, change):
        if change:
            return
        draw = gift_draw_run(
            campaign=form.cleaned_data["campaign"],
            number=form.cleaned_data["number"],
            by=request.user,
            origin=audit_origin(request),
        )
        adopt_saved(obj, draw)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class GiftShipmentAdminForm(forms.ModelForm):
    """The next step of a shipment: shipped (with carrier and tracking number) or delivered."""

    move = forms.ChoiceField(
        label=_("Mark as"),
        required=False,
        choices=[("", "—"), (Status.SHIPPED, _("Shipped")), (Status.DELIVERED, _("Delivered"))],
    )
    ship_carrier = forms.ChoiceField(
        label=_("Carrier"), required=False, choices=[("", "—"), *GiftShipment.Carrier.choices]
    )
    ship_tracking = forms.CharField(label=_("Tracking number"), required=False, max_length=40)

    class Meta:
        model = GiftShipment
        fields = []

    def clean(self):
        cleaned = super().clean()
        move = cleaned.get("move")
        if not move:
            return cleaned
        if not SHIPMENT_TRANSITIONS.allows(current=self.instance.status, to=move, role=Role.STAFF):
            self.add_error(
                "move",
                _("A shipment that is %(status)s cannot be marked so.")
                % {"status": self.instance.get_status_display().lower()},
            )
        elif move == Status.SHIPPED:
            if not cleaned.get("ship_carrier"):
                self.add_error("ship_carrier", _("Choose the carrier of the parcel."))
            if not cleaned.get("ship_tracking", "").strip():
                self.add_error("ship_tracking", _("Give the parcel's tracking number."))
            if not self.instance.address_given:
                self.add_error("move", _("The recipient has not given a shipping address yet."))
        return cleaned


@admin.register(GiftShipment)
class GiftShipmentAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    form = GiftShipmentAdminForm
    list_display = ["campaign", "user", "status", "carrier", "tracking_number", "shipped_at"]
    list_filter = ["campaign", "status", "carrier"]
    list_select_related = ["campaign", "user"]
    search_fields = ["user__email", "tracking_number"]
    actions = ["mark_delivered"]
    readonly_fields = [
        "campaign",
        "user",
        "status",
        "recipient_name",
        "postal_code",
        "prefecture",
        "city",
        "address_line",
        "building",
        "phone",
        "address_consented_at",
        "address_consent_ip",
        "address_consent_policy",
        "carrier",
        "tracking_number",
        "created_at",
        "shipped_at",
        "delivered_at",
        "confirmed_at",
    ]

    def get_fields(self, request, obj=None):
        if obj is None or obj.status not in {Status.PREPARING, Status.SHIPPED}:
            return self.readonly_fields
        return [*self.readonly_fields, "move", "ship_carrier", "ship_tracking"]

    def save_model(self, request, obj, form, change):
        move = form.cleaned_data.get("move")
        try:
            if move == Status.SHIPPED:
                gift_shipment_ship(
                    shipment=obj,
                    carrier=form.cleaned_data["ship_carrier"],
                    tracking_number=form.cleaned_data["ship_tracking"],
                    by=request.user,
                    origin=audit_origin(request),
                )
            elif move == Status.DELIVERED:
                gift_shipment_deliver(shipment=obj, by=request.user, origin=audit_origin(request))
        except (ValidationError, IllegalTransition) as error:
            messages.error(request, error_text(error))

    @admin.action(description=_("Mark the selected shipments as delivered"))
    def mark_delivered(self, request, queryset):
        delivered = 0
        for shipment in queryset.filter(status=Status.SHIPPED):
            try:
                gift_shipment_deliver(
                    shipment=shipment, by=request.user, origin=audit_origin(request)
                )
            except IllegalTransition:
                continue  # confirmed by its recipient meanwhile
            delivered += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d shipment marked delivered.",
                "%(count)d shipments marked delivered.",
                delivered,
            )
            % {"count": delivered},
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
