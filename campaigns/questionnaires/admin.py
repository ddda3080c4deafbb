"""Staff build questionnaires, read their results and remind people who have not answered.

Questions are edited inline; a condition must name an earlier choice question of
the same questionnaire and one of its English choices (checked against what the
page submits, so a question and its condition can be changed together).

The results of a questionnaire that is not anonymous say who answered what:
only privacy officers open them, and each look (page or CSV) is written to the
staff audit log. Anonymous results carry nobody's name and are withheld for
fewer than five respondents.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns.questionnaires import selectors
from campaigns.questionnaires.models import Feedback, Invitation, Question, Questionnaire
from campaigns.questionnaires.services import question_condition_check, questionnaire_remind
from kaguaruoo.admin import ReadOnlyAdminMixin
from privacy.models import StaffAuditLog
from privacy.staff_access import PersonalDataAdminMixin, audit_record, is_privacy_officer


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]
        by_pk = {form.instance.pk: form.cleaned_data for form in kept if form.instance.pk}
        for form in kept:
            self._check_choices(form)
            self._check_condition(form, by_pk)

    def _check_choices(self, form):
        data = form.cleaned_data
        english, japanese = _lines(data.get("choices_en")), _lines(data.get("choices_ja"))
        if data.get("kind") in Question.CHOICE_KINDS:
            if len(english) < 2:
                form.add_error("choices_en", _("A choice question needs at least two choices."))
            elif len(set(english)) != len(english):
                form.add_error("choices_en", _("Each choice must be different."))
            if japanese and len(japanese) != len(english):
                form.add_error(
                    "choices_ja", _("Give as many Japanese choices as English ones, in order.")
                )
        elif english or japanese:
            form.add_error("choices_en", _("Only choice questions have choices."))

    def _check_condition(self, form, by_pk):
        data = form.cleaned_data
        condition = data.get("condition_question")
        # The condition as this page changes it, else as stored.
        target = by_pk.get(condition.pk) if condition is not None else None
        target = target or (
            {
                "position": condition.position,
                "kind": condition.kind,
                "choices_en": condition.choices_en,
            }
            if condition is not None
            else {}
        )
        try:
            question_condition_check(
                position=data.get("position") or 0,
                condition=condition,
                condition_position=target.get("position") or 0,
                kind=target.get("kind", ""),
                choices=_lines(target.get("choices_en")),
                value=(data.get("condition_value") or "").strip(),
            )
        except ValidationError as error:
            form.add_error("condition_value", error)


class QuestionInline(admin.StackedInline):
    model = Question
    formset = QuestionInlineFormSet
    extra = 1
    ordering = ["position"]
    fields = [
        ("position", "kind", "required"),
        ("text_en", "text_ja"),
        ("choices_en", "choices_ja"),
        ("condition_question", "condition_value"),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "condition_question":
            match = request.resolver_match
            pk = match.kwargs.get("object_id") if match else None
            kwargs["queryset"] = Question.objects.filter(
                questionnaire_id=pk if pk and str(pk).isdigit() else None,
                kind__in=Question.CHOICE_KINDS,
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class QuestionnaireAdminForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = [
            "title_en",
            "title_ja",
            "intro_en",
            "intro_ja",
            "anonymous",
            "closes_at",
            "trigger",
            "trigger_days",
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("trigger") == Questionnaire.Trigger.MOVE_IN
            and data.get("trigger_days") is None
        ):
            self.add_error("trigger_days", _("Say how many days after move-in."))
        return data


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    form = QuestionnaireAdminForm
    inlines = [QuestionInline]
    list_display = ["title_en", "anonymous", "trigger", "closes_at", "respondents", "results"]
    list_filter = ["anonymous", "trigger"]
    search_fields = ["title_en", "title_ja"]
    readonly_fields = ["reminders_sent", "created_at"]
    actions = ["send_reminders"]
    fieldsets = [
        (None, {"fields": [("title_en", "title_ja"), ("intro_en", "intro_ja")]}),
        (
            gettext_lazy("Answering"),
            {"fields": ["anonymous", "closes_at", ("trigger", "trigger_days")]},
        ),
        (gettext_lazy("Sent"), {"fields": ["reminders_sent", "created_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(respondent_count=Count("responses"))

    @admin.display(description=gettext_lazy("respondents"), ordering="respondent_count")
    def respondents(self, questionnaire):
        return questionnaire.respondent_count

    @admin.display(description=gettext_lazy("results"))
    def results(self, questionnaire):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:campaigns_questionnaire_results", args=[questionnaire.pk]),
            _("Results"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/results/",
                self.admin_site.admin_view(self.results_view),
                name="campaigns_questionnaire_results",
            ),
            path(
                "<int:pk>/results.csv",
                self.admin_site.admin_view(self.results_csv_view),
                name="campaigns_questionnaire_results_csv",
            ),
            *super().get_urls(),
        ]

    def _questionnaire_for_results(self, request, pk) -> Questionnaire:
        questionnaire = Questionnaire.objects.filter(pk=pk).first()
        if questionnaire is None:
            raise Http404
        if not self.has_view_permission(request, questionnaire):
            raise PermissionDenied
        # Who answered what is personal data: privacy officers only (policy 2).
        if not questionnaire.anonymous and not is_privacy_officer(request.user):
            raise PermissionDenied
        return questionnaire

    def _results_page(self, request, questionnaire, results, *, status=200):
        return TemplateResponse(
            request,
            "campaigns/questionnaires/admin_results.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": questionnaire,
                "title": _("Results: %(title)s") % {"title": questionnaire.title_en},
                "results": results,
                "minimum": selectors.ANONYMOUS_MINIMUM,
            },
            status=status,
        )

    def results_view(self, request, pk):
        questionnaire = self._questionnaire_for_results(request, pk)
        results = selectors.questionnaire_results(questionnaire=questionnaire)
        if not questionnaire.anonymous:
            audit_record(request=request, action=StaffAuditLog.Action.VIEW, obj=questionnaire)
        return self._results_page(request, questionnaire, results)

    def results_csv_view(self, request, pk):
        questionnaire = self._questionnaire_for_results(request, pk)
        results = selectors.questionnaire_results(questionnaire=questionnaire)
        if results.hidden:
            return self._results_page(request, questionnaire, results, status=409)
        if not questionnaire.anonymous:
            audit_record(request=request, action=StaffAuditLog.Action.EXPORT, obj=questionnaire)
        response = HttpResponse(
            selectors.questionnaire_csv(questionnaire=questionnaire),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="questionnaire-{questionnaire.pk}.csv"'
        )
        return response

    @admin.action(description=gettext_lazy("Remind invited people who have not answered"))
    def send_reminders(self, request, queryset):
        for questionnaire in queryset:
            if not questionnaire.is_open:
                messages.warning(
                    request,
                    _("“%(title)s” is closed: no reminder sent.")
                    % {"title": questionnaire.title_en},
                )
                continue
            count = questionnaire_remind(questionnaire=questionnaire)
            messages.success(
                request,
                ngettext(
                    "“%(title)s”: %(count)d reminder queued.",
                    "“%(title)s”: %(count)d reminders queued.",
                    count,
                )
                % {"title": questionnaire.title_en, "count": count},
            )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["questionnaire", "user", "contract", "moment", "created_at"]
    list_filter = ["moment", "questionnaire"]
    list_select_related = ["questionnaire", "user", "contract"]
    search_fields = ["user__email", "=contract__id"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user", "category", "excerpt"]
    list_filter = ["category"]
    list_select_related = ["user"]
    search_fields = ["text", "user__email"]
    fields = ["created_at", "user", "category", "text"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("opinion"))
    def excerpt(self, feedback):
        return feedback.text[:120]
