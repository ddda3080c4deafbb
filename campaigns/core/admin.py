"""Staff run campaigns in admin: write, preview, test, send, pause, resume, cancel, watch.

A campaign is edited while it is a draft or scheduled; once it starts its page is
read-only and shows its progress, which `static/campaigns/progress.js` refreshes from
the campaign's JSON endpoint (no inline script: the site's CSP allows only its own
files). Every button is a custom admin view under the campaign's URL that calls a
service and writes a staff audit row; a refused move becomes an error message.

The per-recipient log (deliveries) and the outbox rows name people and their
addresses: privacy officers only, every look audited (PersonalDataAdminMixin).
A campaign itself holds no customer's data: its page shows counts only.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from campaigns.core import services
from campaigns.core.charts import Series, line_chart_svg, timeline_fill
from campaigns.core.fields import campaign_fields, fields_unknown
from campaigns.core.models import Campaign, Delivery
from campaigns.core.render import campaign_render
from campaigns.core.selectors import campaign_progress, campaign_statistics, campaign_timeline
from kaguaruoo.admin import ReadOnlyAdminMixin
from kaguaruoo.outbox.admin import OutboxMessageAdmin as BaseOutboxMessageAdmin
from kaguaruoo.outbox.models import OutboxMessage
from kaguaruoo.transitions import IllegalTransition
from privacy.models import StaffAuditLog
from privacy.staff_access import PersonalDataAdminMixin, audit_origin, audit_record

Status = Campaign.Status
Audience = Campaign.Audience
TEXT_FIELDS = ("subject_en", "body_en", "subject_ja", "body_ja")
LANGUAGES = (("en", gettext_lazy("English")), ("ja", gettext_lazy("Japanese")))
ACTION_LABELS = {
    "preview": gettext_lazy("Preview"),
    "test_send": gettext_lazy("Test send to myself"),
    "send": gettext_lazy("Send…"),
    "pause": gettext_lazy("Pause"),
    "resume": gettext_lazy("Resume"),
    "cancel": gettext_lazy("Cancel campaign…"),
}
# Which buttons a campaign shows in each status; the services decide what is allowed.
ACTIONS_BY_STATUS = {
    Status.DRAFT: ("preview", "test_send", "send", "cancel"),
    Status.SCHEDULED: ("preview", "test_send", "cancel"),
    Status.SENDING: ("preview", "pause", "cancel"),
    Status.PAUSED: ("preview", "resume", "cancel"),
    Status.FINISHED: ("preview",),
    Status.CANCELLED: ("preview",),
}
# Buttons that open a page first (GET) instead of acting at once (POST).
LINK_ACTIONS = ("preview", "send", "cancel")
CHART_COLOURS = {"sent": "#205493", "opened": "#2e7d32", "clicked": "#b3261e"}


def fields_help() -> str:
    names = ", ".join(f"{{{{ {field.name} }}}} ({field.label})" for field in campaign_fields())
    return _(
        "Fields you may use: %(fields)s. Links (http:// or https://) are tracked; "
        "write the same links in the same order in both languages."
    ) % {"fields": names}


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "purpose",
            "subject_en",
            "body_en",
            "subject_ja",
            "body_ja",
            "audience",
            "audience_prefecture",
            "audience_days",
            "audience_campaign",
            "questionnaire",
            "applications_open",
            "applications_close_at",
            "summary_en",
            "summary_ja",
            "scheduled_at",
        ]
        widgets = {
            "body_en": forms.Textarea(attrs={"rows": 12, "cols": 80}),
            "body_ja": forms.Textarea(attrs={"rows": 12, "cols": 80}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        help_text = fields_help()
        for name in TEXT_FIELDS:
            if name in self.fields:
                self.fields[name].help_text = help_text
        if "audience_campaign" in self.fields:
            earlier = Campaign.objects.exclude(status__in=[Status.DRAFT, Status.SCHEDULED])
            if self.instance.pk:
                earlier = earlier.exclude(pk=self.instance.pk)
            self.fields["audience_campaign"].queryset = earlier
            self.fields["audience_campaign"].help_text = _(
                "For the audiences that did or did not open an earlier campaign."
            )
        if "audience_days" in self.fields:
            self.fields["audience_days"].help_text = _(
                "For “Tenants whose stay ends within N days”."
            )
        if "audience_prefecture" in self.fields:
            self.fields["audience_prefecture"].help_text = _("For “Interested in a prefecture”.")

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            unknown = fields_unknown(cleaned.get(name) or "")
            if unknown:
                self.add_error(
                    name,
                    _("Unknown fields: %(fields)s.")
                    % {"fields": ", ".join(f"{{{{ {n} }}}}" for n in unknown)},
                )
        audience = cleaned.get("audience")
        needs = {
            Audience.PREFECTURE: ("audience_prefecture", _("Choose the prefecture.")),
            Audience.STAY_ENDING: ("audience_days", _("Say within how many days.")),
            Audience.OPENED: ("audience_campaign", _("Choose the earlier campaign.")),
            Audience.NOT_OPENED: ("audience_campaign", _("Choose the earlier campaign.")),
        }
        if audience in needs:
            field, message = needs[audience]
            if field in self.fields and not cleaned.get(field):
                self.add_error(field, message)
        when = cleaned.get("scheduled_at")
        if "scheduled_at" in self.changed_data and when and when <= timezone.now():
            self.add_error(
                "scheduled_at", _("Choose a time ahead, or leave it empty to send at once.")
            )
        if self.instance.pk and self.instance.status == Status.SCHEDULED and not self.errors:
            self._check_still_sendable(cleaned)
        return cleaned

    def _check_still_sendable(self, cleaned):
        """A scheduled campaign goes out by itself: it must stay complete and keep a time."""
        candidate = copy.copy(self.instance)
        for name, value in cleaned.items():
            setattr(candidate, name, value)
        if candidate.scheduled_at is None:
            self.add_error("scheduled_at", _("A scheduled campaign needs its time."))
        for problem in services.campaign_problems(candidate):
            self.add_error(None, problem)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    change_form_template = "admin/campaigns/campaign/change_form.html"
    list_display = [
        "name",
        "status",
        "purpose",
        "audience",
        "scheduled_at",
        "started_at",
        "finished_at",
        "created_by",
    ]
    list_filter = ["status", "purpose", "audience"]
    list_select_related = ["created_by"]
    search_fields = ["name", "subject_en", "subject_ja"]
    date_hierarchy = "created_at"
    record_fields = ["status", "created_by", "created_at", "started_at", "finished_at"]

    class Media:
        css = {"all": ["campaigns/admin.css"]}
        js = ["campaigns/progress.js"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name", "purpose"]}),
            (_("English"), {"fields": ["subject_en", "body_en"]}),
            (_("Japanese"), {"fields": ["subject_ja", "body_ja"]}),
            (
                _("Audience"),
                {
                    "fields": [
                        "audience",
                        "audience_prefecture",
                        "audience_days",
                        "audience_campaign",
                    ]
                },
            ),
            (
                _("Questionnaire"),
                {
                    "fields": ["questionnaire"],
                    "description": _(
                        "A questionnaire campaign (purpose: questionnaire) carries one; "
                        "put {{ questionnaire_link }} in both bodies."
                    ),
                },
            ),
            (
                _("Applications"),
                {
                    "fields": [
                        "applications_open",
                        "applications_close_at",
                        "summary_en",
                        "summary_ja",
                    ],
                    "description": _(
                        "A campaign that takes applications has a public page where "
                        "signed-in people apply; choose recipients under Gift applications."
                    ),
                },
            ),
            (_("When"), {"fields": ["scheduled_at"]}),
        ]
        if obj is not None:
            # While the live progress panel shows the status, the record leaves it out.
            live = obj.status in (Campaign.Status.SENDING, Campaign.Status.PAUSED)
            shown = [
                f for f in self.record_fields if not live or f not in ("status", "finished_at")
            ]
            fieldsets.append((_("Record"), {"fields": shown}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.status in services.EDITABLE:
            return self.record_fields
        return [*CampaignForm.Meta.fields, *self.record_fields]

    def has_delete_permission(self, request, obj=None):
        """Only a draft may go; a campaign that was sent is the record of who got what."""
        if obj is not None and obj.status != Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.status = Status.DRAFT
            obj.save()
            audit_record(
                request=request,
                action=StaffAuditLog.Action.ADD,
                obj=obj,
                changed_fields=form.changed_data,
            )
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.campaign_edit(
                campaign=obj, by=request.user, changes=changes, origin=audit_origin(request)
            )
        except services.CampaignError as error:
            request._campaign_refused = True
            self.message_user(request, str(error), messages.ERROR)
            return

    def response_change(self, request, obj):
        if getattr(request, "_campaign_refused", False):
            return redirect(self._change_url(obj))
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if campaign is not None:
            extra.update(self._campaign_context(request, campaign))
        return super().change_view(request, object_id, form_url, extra)

    def _campaign_context(self, request, campaign) -> dict:
        context = {"campaign_status": campaign.status}
        if campaign.status in services.EDITABLE:
            context["audience_count"] = services.campaign_recipients(campaign).count()
            context["problems"] = services.campaign_problems(campaign)
        else:
            context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        if self.has_change_permission(request, campaign):
            context["campaign_actions"] = [
                {
                    "name": name,
                    "label": ACTION_LABELS[name],
                    "url": self._url(name, campaign),
                    "post": name not in LINK_ACTIONS,
                }
                for name in ACTIONS_BY_STATUS[campaign.status]
            ]
        if campaign.started_at is not None:
            context["progress"] = campaign_progress(campaign=campaign)
            context["progress_url"] = self._url("progress", campaign)
            context["statistics_url"] = self._url("statistics", campaign)
            context["deliveries_url"] = self._deliveries_url(request, campaign)
        return context

    def _deliveries_url(self, request, campaign) -> str:
        """The campaign's recipients, for those who may see them (privacy officers)."""
        delivery_admin = self.admin_site._registry.get(Delivery)
        if delivery_admin is None or not delivery_admin.has_view_permission(request):
            return ""
        changelist = reverse("admin:campaigns_delivery_changelist")
        return f"{changelist}?campaign__id__exact={campaign.pk}"

    # The campaign's own pages and buttons.

    def get_urls(self):
        views = [
            ("preview", self.preview_view),
            ("test_send", self.test_send_view),
            ("send", self.send_view),
            ("pause", self.pause_view),
            ("resume", self.resume_view),
            ("cancel", self.cancel_view),
            ("statistics", self.statistics_view),
        ]
        urls = [
            path(
                f"<path:object_id>/{name.replace('_', '-')}/",
                self.admin_site.admin_view(view),
                name=f"campaigns_campaign_{name}",
            )
            for name, view in views
        ]
        urls.append(
            path(
                "<path:object_id>/progress.json",
                self.admin_site.admin_view(never_cache(self.progress_view)),
                name="campaigns_campaign_progress",
            )
        )
        return [*urls, *super().get_urls()]

    def _url(self, name: str, campaign) -> str:
        return reverse(f"admin:campaigns_campaign_{name}", args=[campaign.pk])

    def _change_url(self, campaign) -> str:
        return reverse("admin:campaigns_campaign_change", args=[campaign.pk])

    def _campaign_for(self, request, object_id, *, change: bool = True) -> Campaign:
        campaign = self.get_object(request, unquote(object_id))
        if campaign is None:
            raise Http404
        allowed = (
            self.has_change_permission(request, campaign)
            if change
            else self.has_view_permission(request, campaign)
        )
        if not allowed:
            raise PermissionDenied
        return campaign

    def _page(self, request, campaign, template: str, title: str, **context):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": campaign,
            "change_url": self._change_url(campaign),
            "media": self.media,
            **context,
        }
        return TemplateResponse(request, f"admin/campaigns/campaign/{template}", context)

    def _act(self, request, campaign, *, service, done: str):
        """Call the service (which writes the audit row); an error message for a refusal."""
        try:
            moved = service(campaign=campaign, by=request.user, origin=audit_origin(request))
        except services.CampaignError as error:
            self.message_user(request, str(error), messages.ERROR)
        except IllegalTransition:
            current = Campaign.objects.get(pk=campaign.pk)
            self.message_user(
                request,
                _("Not possible while the campaign is %(status)s.")
                % {"status": current.get_status_display().lower()},
                messages.ERROR,
            )
        else:
            # In development the workers run when the send commits: read the status again.
            if Campaign.objects.filter(pk=moved.pk, status=Status.FINISHED).exists():
                done = _("The campaign was sent.")  # all at once: workers ran in the request
            self.log_change(request, campaign, done)
            self.message_user(request, done, messages.SUCCESS)
        return redirect(self._change_url(campaign))

    def _require_post(self, request):
        if request.method != "POST":
            raise PermissionDenied

    def preview_view(self, request, object_id):
        campaign = self._campaign_for(request, object_id)
        previews = [
            {
                "code": code,
                "name": name,
                "rendered": (
                    rendered := campaign_render(campaign=campaign, user=request.user, language=code)
                ),
                # In the preview's frame a link opens in a new tab, not inside the frame.
                "frame_html": rendered.html.replace("<body>", '<body><base target="_blank">', 1),
            }
            for code, name in LANGUAGES
        ]
        audit_record(
            request=request,
            action=StaffAuditLog.Action.VIEW,
            obj=campaign,
            changed_fields=["preview"],
        )
        return self._page(
            request,
            campaign,
            "preview.html",
            _("Preview: %(name)s") % {"name": campaign.name},
            previews=previews,
            problems=services.campaign_problems(campaign),
        )

    def test_send_view(self, request, object_id):
        campaign = self._campaign_for(request, object_id)
        self._require_post(request)
        try:
            services.campaign_test_send(
                campaign=campaign, by=request.user, origin=audit_origin(request)
            )
        except services.CampaignError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("A test in English and in Japanese is on its way to %(address)s.")
                % {"address": request.user.email},
                messages.SUCCESS,
            )
        return redirect(self._change_url(campaign))

    def send_view(self, request, object_id):
        campaign = self._campaign_for(request, object_id)
        if request.method == "POST":
            later = campaign.scheduled_at is not None and campaign.scheduled_at > timezone.now()
            done = (
                _("The campaign is scheduled for %(when)s.")
                % {"when": formats.localize(timezone.localtime(campaign.scheduled_at))}
                if later
                else _("The campaign is being sent.")
            )
            return self._act(request, campaign, service=services.campaign_send, done=done)
        return self._page(
            request,
            campaign,
            "confirm_send.html",
            _("Send this campaign?"),
            audience_count=services.campaign_recipients(campaign).count(),
            problems=services.campaign_problems(campaign),
            later=campaign.scheduled_at is not None and campaign.scheduled_at > timezone.now(),
        )

    def pause_view(self, request, object_id):
        campaign = self._campaign_for(request, object_id)
        self._require_post(request)
        return self._act(
            request,
            campaign,
            service=services.campaign_pause,
            done=_("The campaign is paused; nothing more goes out until you resume it."),
        )

    def resume_view(self, request, object_id):
        campaign = self._campaign_for(request, object_id)
        self._require_post(request)
        return self._act(
            request,
            campaign,
            service=services.campaign_resume,
            done=_("The campaign is being sent again."),
        )

    def cancel_view(self, request, object_id):
        campaign = self._campaign_for(request, object_id)
        if request.method == "POST":
            return self._act(
                request,
                campaign,
                service=services.campaign_cancel,
                done=_("The campaign is cancelled; mail not yet sent will not go out."),
            )
        return self._page(
            request,
            campaign,
            "confirm_cancel.html",
            _("Cancel this campaign?"),
            progress=campaign_progress(campaign=campaign) if campaign.started_at else None,
        )

    def progress_view(self, request, object_id):
        campaign = self._campaign_for(request, object_id, change=False)
        return JsonResponse(campaign_progress(campaign=campaign))

    def statistics_view(self, request, object_id):
        campaign = self._campaign_for(request, object_id, change=False)
        statistics = campaign_statistics(campaign=campaign)
        timeline = timeline_fill(
            campaign_timeline(campaign=campaign), keys=("sent", "opened", "clicked")
        )
        return self._page(
            request,
            campaign,
            "statistics.html",
            _("Statistics: %(name)s") % {"name": campaign.name},
            statistics=statistics,
            progress=campaign_progress(campaign=campaign),
            timeline=timeline,
            chart=mark_safe(timeline_chart(timeline)),  # noqa: S308 (every text escaped)
            deliveries_url=self._deliveries_url(request, campaign),
        )


def timeline_chart(timeline) -> str:
    """The campaign's sent, opened and clicked per hour (or per day, for a long one)."""
    hourly = len(timeline) < 2 or (timeline[1][0] - timeline[0][0]).total_seconds() <= 3600
    pattern = "m-d H:00" if hourly else "Y-m-d"
    labels = [formats.date_format(timezone.localtime(moment), pattern) for moment, _v in timeline]
    names = {"sent": _("sent"), "opened": _("opened"), "clicked": _("clicked")}
    series = [
        Series(
            label=str(names[key]),
            values=[values[key] for _m, values in timeline],
            colour=CHART_COLOURS[key],
        )
        for key in ("sent", "opened", "clicked")
    ]
    return line_chart_svg(
        title=_("Mails sent, first opens and clicks per hour")
        if hourly
        else _("Mails sent, first opens and clicks per day"),
        description=_("One line for each: mails sent, people who first opened, link clicks."),
        labels=labels,
        series=series,
        empty_text=_("Nothing sent yet."),
        y_label=_("count"),
        chart_id="campaign-timeline",
    )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """Who got which campaign mail, when, with which Message-ID, and what they did with it."""

    list_display = [
        "recipient",
        "campaign",
        "state",
        "sent_at",
        "message_id",
        "smtp_answer",
        "opens",
        "clicks",
        "unsubscribed_at",
    ]
    list_filter = ["campaign", "message__state", "language"]
    list_select_related = ["user", "campaign", "message"]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "user__corporation_name",
        "message__message_id",
    ]
    search_help_text = gettext_lazy("An e-mail address, a name or a Message-ID.")
    fields = [
        "recipient",
        "campaign",
        "language",
        "state",
        "sent_at",
        "message_id",
        "smtp_answer",
        "attempts",
        "opened_at",
        "opens",
        "clicks",
        "click_list",
        "unsubscribed_at",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("recipient"), ordering="user__email")
    def recipient(self, delivery):
        name = delivery.user.full_name
        return f"{name} <{delivery.user.email}>" if name else delivery.user.email

    @admin.display(description=gettext_lazy("state"), ordering="message__state")
    def state(self, delivery):
        return delivery.message.get_state_display()

    @admin.display(description=gettext_lazy("sent or finished at"), ordering="message__finished_at")
    def sent_at(self, delivery):
        moment = delivery.message.finished_at
        return formats.localize(timezone.localtime(moment)) if moment else "-"

    @admin.display(description=gettext_lazy("Message-ID"), ordering="message__message_id")
    def message_id(self, delivery):
        return delivery.message.message_id

    @admin.display(description=gettext_lazy("SMTP answer"))
    def smtp_answer(self, delivery):
        return delivery.message.smtp_response

    @admin.display(description=gettext_lazy("attempts"))
    def attempts(self, delivery):
        return delivery.message.attempts

    @admin.display(description=gettext_lazy("clicked links"))
    def click_list(self, delivery):
        rows = delivery.click_rows.select_related("link").order_by("at")
        if not rows:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{} · {}",
            ((formats.localize(timezone.localtime(row.at)), row.link.url) for row in rows),
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(PersonalDataAdminMixin, BaseOutboxMessageAdmin):
    """The kernel's outbox rows name people: registered here, for privacy officers only."""

    def retried(self, request, rows) -> None:
        for row in rows:
            audit_record(
                request=request,
                action=StaffAuditLog.Action.CHANGE,
                obj=row,
                changed_fields=["state", "attempts"],
            )
