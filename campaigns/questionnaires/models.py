"""Questionnaires: questions staff build, the answers people give, and the opinions they send.

Anonymous questionnaires keep answers apart from people. A `Response` of an
anonymous questionnaire has no user; its `respondent_key` is an HMAC of the
questionnaire and the user's id keyed with the site's SECRET_KEY
(`respondent_key_for`). The `Participation` row records, with the user, only
that the person answered and when: reminders skip them, and when they come back
the key is computed again to find their answers so they can edit them.

What that means: nothing stored in the database says whose an anonymous response
is, so staff reading admin, the results or the CSV export cannot tell. Someone
who holds both the database and SECRET_KEY could recompute the keys of known
users and re-link them: the answers are pseudonymous, not anonymous, towards
the operator. Rotating SECRET_KEY breaks the link for good (answers stay, people
can no longer edit them).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

RESPONDENT_KEY_SALT = "campaigns.questionnaires.respondent"


def respondent_key_for(*, questionnaire_id: int, user_id: int) -> str:
    """The key that ties a person's anonymous response to them, known only with SECRET_KEY."""
    return salted_hmac(
        RESPONDENT_KEY_SALT, f"{questionnaire_id}:{user_id}", algorithm="sha256"
    ).hexdigest()


def _in_language(en: str, ja: str, language: str) -> str:
    return ja if language == "ja" and ja.strip() else en


class Questionnaire(models.Model):
    class Trigger(models.TextChoices):
        NONE = "none", _("None (sent as a campaign or by link)")
        MOVE_IN = "move_in", _("N days after move-in")
        MOVE_OUT = "move_out", _("At move-out")

    title_en = models.CharField(_("title (English)"), max_length=150)
    title_ja = models.CharField(_("title (Japanese)"), max_length=150, blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_ja = models.TextField(_("introduction (Japanese)"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Answers are stored apart from people; results are shown only for groups "
            "of 5 or more respondents."
        ),
    )
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("Empty: open until staff close it.")
    )
    trigger = models.CharField(
        _("stay trigger"), max_length=10, choices=Trigger, default=Trigger.NONE
    )
    trigger_days = models.PositiveSmallIntegerField(_("days after move-in"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.CheckConstraint(
                condition=~Q(trigger="move_in") | Q(trigger_days__isnull=False),
                name="questionnaire_move_in_has_days",
            )
        ]

    def __str__(self):
        return self.title_en

    def get_absolute_url(self):
        return reverse("campaigns:questionnaire_answer", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.closes_at is None or timezone.now() < self.closes_at

    def title_in(self, language: str) -> str:
        return _in_language(self.title_en, self.title_ja, language)

    def intro_in(self, language: str) -> str:
        return _in_language(self.intro_en, self.intro_ja, language)


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RATING = "rating", _("Rating 1–5")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_ja = models.CharField(_("question (Japanese)"), max_length=300, blank=True)
    choices_en = models.TextField(
        _("choices (English)"), blank=True, help_text=_("One per line; choice questions only.")
    )
    choices_ja = models.TextField(
        _("choices (Japanese)"), blank=True, help_text=_("One per line, in the same order.")
    )
    required = models.BooleanField(_("required"), default=False)
    condition_question = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("show only when question"),
    )
    condition_value = models.CharField(
        _("is answered"),
        max_length=200,
        blank=True,
        help_text=_("One of that question's English choices."),
    )

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="question_position_once"
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.text_en}"

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def choice_list(self) -> list[str]:
        """The English choices: the values answers store, whatever language was shown."""
        return [line.strip() for line in self.choices_en.splitlines() if line.strip()]

    def choice_labels(self, language: str) -> list[str]:
        japanese = [line.strip() for line in self.choices_ja.splitlines() if line.strip()]
        if language == "ja" and len(japanese) == len(self.choice_list):
            return japanese
        return self.choice_list

    def text_in(self, language: str) -> str:
        return _in_language(self.text_en, self.text_ja, language)


class Response(models.Model):
    """One person's answers to a questionnaire; `user` is empty in anonymous mode."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
        verbose_name=_("respondent"),
    )
    respondent_key = models.CharField(max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(_("last changed at"))

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "user"],
                condition=Q(user__isnull=False),
                name="response_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "respondent_key"],
                condition=~Q(respondent_key=""),
                name="response_once_per_key",
            ),
        ]

    def __str__(self):
        return f"{self.questionnaire} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("text"), blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)

    class Meta:
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="answer_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return self.display

    @property
    def display(self) -> str:
        if self.rating is not None:
            return str(self.rating)
        if self.choices:
            return "; ".join(self.choices)
        return self.text


class Participation(models.Model):
    """That a person answered a questionnaire (never what): see the module's docstring."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="participations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="questionnaire_participations",
    )
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "user"], name="participation_once_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user} -> {self.questionnaire}"


class Invitation(models.Model):
    """A questionnaire mailed to a person because of a stay (once per contract and moment)."""

    class Moment(models.TextChoices):
        MOVE_IN = "move_in", _("After move-in")
        MOVE_OUT = "move_out", _("At move-out")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="invitations"
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="questionnaire_invitations"
    )
    moment = models.CharField(_("moment"), max_length=10, choices=Moment)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="questionnaire_invitations",
        verbose_name=_("invited person"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("questionnaire invitation")
        verbose_name_plural = _("questionnaire invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "contract", "moment"], name="invitation_once_per_stay"
            )
        ]

    def __str__(self):
        return f"{self.questionnaire} -> {self.user} ({self.get_moment_display()})"

    @property
    def outbox_key(self) -> str:
        return f"questionnaire:{self.questionnaire_id}:contract:{self.contract_id}:{self.moment}"


class Feedback(models.Model):
    """An opinion a signed-in person sends at any time (policy 1.1.5)."""

    class Category(models.TextChoices):
        SITE = "site", _("The website")
        LISTINGS = "listings", _("Listings and search")
        STAY = "stay", _("A stay or a contract")
        PAYMENTS = "payments", _("Payments")
        OTHER = "other", _("Something else")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("from"),
    )
    category = models.CharField(_("about"), max_length=10, choices=Category, blank=True)
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return self.text[:60]
