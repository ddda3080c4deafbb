from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """One published text of the privacy policy; the highest version is in force.

    Each version holds the policy in English and in Japanese; a reader sees the one of
    their language (a version from before both were required may lack the Japanese).
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text (English)"))
    text_ja = models.TextField(_("text (Japanese)"), blank=True)
    changes = models.TextField(
        _("what changed (English)"),
        blank=True,
        help_text=_("Shown to users with the notice of the revision."),
    )
    changes_ja = models.TextField(
        _("what changed (Japanese)"),
        blank=True,
        help_text=_("Shown to users with the notice of the revision."),
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")
        constraints = [
            models.CheckConstraint(condition=models.Q(version__gte=1), name="privacy_version_gte_1")
        ]

    def __str__(self):
        return f"Privacy policy v{self.version}"

    def get_absolute_url(self):
        return reverse("privacy:policy_version", kwargs={"version": self.version})

    def in_language(self, field: str, language: str | None = None) -> tuple[str, str]:
        """(language, value) of `field` ("text" or "changes") for a reader of `language`
        (the active one if None): that language's (`text_ja`) where one is held, else
        the default language's (`text`)."""
        language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
        if language != settings.LANGUAGE_CODE and getattr(self, f"{field}_{language}", ""):
            return language, getattr(self, f"{field}_{language}")
        return settings.LANGUAGE_CODE, getattr(self, field)

    @property
    def localized_text(self) -> str:
        return self.in_language("text")[1]

    @property
    def localized_text_language(self) -> str:
        return self.in_language("text")[0]

    @property
    def localized_changes(self) -> str:
        return self.in_language("changes")[1]


class Consent(models.Model):
    """One decision of a person about one purpose; the newest row per purpose is in force.

    Rows are only ever added, so the table is the full history: granted or withdrawn,
    when, from which IP address and under which version of the policy. A granted
    marketing row is also the opt-in record that the Act on Regulation of Transmission
    of Specified Electronic Mail asks a sender to keep.
    """

    class Purpose(models.TextChoices):
        POLICY = "policy", _("Privacy policy accepted")
        MARKETING = "marketing", _("Campaigns and gifts by e-mail")
        QUESTIONNAIRES = "questionnaires", _("Questionnaires")
        PROFILE_SHARING = "profile_sharing", _("Share my profile with a host when I inquire")
        CONTRACT_SHARING = (
            "contract_sharing",
            _("Share my name and contact details with the other party of a contract"),
        )
        ANALYTICS = "analytics", _("Analytics cookies")
        GIFT_SHIPPING = "gift_shipping", _("Use my shipping address to send me a gift")

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        PRIVACY_PAGE = "privacy_page", _("Privacy page")
        POLICY_NOTICE = "policy_notice", _("Policy revision notice")
        COOKIE_NOTICE = "cookie_notice", _("Cookie notice")
        STOP_OF_USE = "stop_of_use", _("Request to stop the use")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
        INQUIRY = "inquiry", _("Inquiry to a host")
        CONTRACT = "contract", _("Reservation request or contract")
        GIFT = "gift", _("Gift shipping address form")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("user"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose)
    granted = models.BooleanField(_("granted"))
    recorded_at = models.DateTimeField(_("recorded at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy version")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "purpose", "-recorded_at"])]

    def __str__(self):
        state = _("granted") if self.granted else _("withdrawn")
        return f"{self.get_purpose_display()}: {state}"


# What the code names in a provision's `data_items`, as a person reads it.
DATA_ITEM_LABELS = {
    "public_name": _("the name shown on the site"),
    "inquiry": _("the inquiry's text"),
    "full_name": _("full name"),
    "email": _("e-mail address"),
    "phone": _("phone number"),
    "introduction": _("introduction"),
    "listing_exact_address": _("the listing's exact address"),
}


class ProvisionRecord(models.Model):
    """Personal data given to another party (APPI art. 29): to whom, about whom, what, why.

    Kept at least three years (APPI Enforcement Rules art. 14) whatever a deletion
    request says: privacy/personal_data.py declares the retention, and admin refuses
    to delete a record before `keep_until`.
    """

    class Basis(models.TextChoices):
        CONSENT = "consent", _("The person's consent")
        LAW = "law", _("Permitted by law (policy 3.1.1)")
        PUBLIC_BODY = "public_body", _("Request from a court, the police or a public body (3.1.2)")
        EMERGENCY = "emergency", _("Emergency for life, body or property (3.1.3)")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="provision_records",
        verbose_name=_("person"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provisions_received",
        verbose_name=_("recipient account"),
    )
    recipient_name = models.CharField(_("recipient"), max_length=200)
    data_items = models.JSONField(_("data items"))
    purpose = models.CharField(_("purpose"), max_length=200)
    # The purpose in each language of the site when the code wrote it (kaguaruoo.i18n).
    purpose_texts = models.JSONField(default=dict, blank=True)
    provided_at = models.DateTimeField(_("provided at"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent relied on"),
    )
    exception_reason = models.TextField(_("reason for the legal exception"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    keep_until = models.DateField(_("kept until"))

    class Meta:
        ordering = ["-provided_at", "-pk"]
        verbose_name = _("third-party provision record")
        verbose_name_plural = _("third-party provision records")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(basis="consent", consent__isnull=False)
                    | (~models.Q(basis="consent") & ~models.Q(exception_reason=""))
                ),
                name="privacy_provision_has_a_basis",
            ),
        ]

    def __str__(self):
        return f"{self.person_id} → {self.recipient_name} ({self.provided_at:%Y-%m-%d})"

    def data_item_labels(self) -> list[str]:
        """The data items in words (a staff member's typed items as typed)."""
        return [str(DATA_ITEM_LABELS.get(item, item)) for item in self.data_items]


class StaffAuditLog(models.Model):
    """One look at or change of a person's data by a staff member in admin (policy 2.2).

    Written only by privacy.staff_access; admin shows it read-only to privacy officers
    and offers no way to edit or delete a row.
    """

    class Action(models.TextChoices):
        LIST = "list", _("Listed")
        VIEW = "view", _("Viewed")
        ADD = "add", _("Added")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Exported")
        DECIDE = "decide", _("Decided")

    at = models.DateTimeField(_("at"), db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    model = models.CharField(_("model"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    path = models.CharField(_("path"), max_length=500)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("staff audit log entry")
        verbose_name_plural = _("staff audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.staff_id} {self.action} {self.model}"


class PrivacyRequest(models.Model):
    """A person's request under policy 7 (APPI arts. 33-35), from filing to decision."""

    class Kind(models.TextChoices):
        DISCLOSURE = "disclosure", _("Disclosure of my personal data")
        REVISION = "revision", _("Revision of my personal data")
        STOP_OF_USE = "stop_of_use", _("Stop of the use of my personal data")
        DELETION = "deletion", _("Deletion of my personal data")
        PROVISION_RECORDS = "provision_records", _("Disclosure of the records of provision")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Decision(models.TextChoices):
        FULFILLED = "fulfilled", _("Fulfilled")
        PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
        REFUSED = "refused", _("Refused")
        ALTERNATIVE_MEASURE = "alternative_measure", _("Alternative measure taken")

    class Ground(models.TextChoices):
        RISK_TO_RIGHTS = "7.1", _("7.1 Risk to the life, health, property or rights of someone")
        OBSTACLE_TO_OPERATION = "7.2", _("7.2 Obstacle to conducting our operation properly")
        AGAINST_LAW = "7.3", _("7.3 Against other laws and regulations")
        DIFFICULT_TO_STOP = "7.4", _("7.4 Difficult to stop; alternative measures taken")

    class IdentityCheck(models.TextChoices):
        REAUTHENTICATION = "reauthentication", _("Re-entered the password when signed in")
        DOCUMENT = "document", _("Identity document verified by staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="privacy_requests",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("request"), max_length=20, choices=Kind)
    details = models.TextField(_("details"), blank=True)
    # The language the request was made in: its mails are in it when the person's account
    # names none (or is closing).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    corrections = models.JSONField(
        _("corrections asked for"),
        default=dict,
        blank=True,
        help_text=_("For a revision: value to correct -> the correct value."),
    )
    corrected = models.JSONField(_("values that changed"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.RECEIVED)
    identity_check = models.CharField(
        _("identity checked by"), max_length=20, choices=IdentityCheck
    )
    identity_note = models.TextField(_("identity check note"), blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("identity checked by staff member"),
    )
    received_at = models.DateTimeField(_("received at"))
    due_on = models.DateField(_("due on"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision, blank=True)
    ground = models.CharField(_("ground"), max_length=3, choices=Ground, blank=True)
    decision_reason = models.TextField(_("reason given to the person"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    archive = models.FileField(_("archive"), upload_to="privacy/archives/", blank=True)
    archive_expires_at = models.DateTimeField(_("archive link expires at"), null=True, blank=True)
    erasure_report = models.JSONField(_("what the deletion kept"), default=dict, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="refused")
                | (~models.Q(ground="") & ~models.Q(decision_reason="")),
                name="privacy_request_refusal_has_ground_and_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(identity_check="document") | ~models.Q(identity_note=""),
                name="privacy_request_document_check_noted",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.CLOSED and self.due_on < timezone.localdate()


class IdentityVerification(models.Model):
    """An identity document a person uploaded, and the staff decision on it.

    The file is deleted 30 days after the decision; the result, the document type and
    who decided stay. The number side of an Individual Number (My Number) card is never
    accepted (Act on the Use of Numbers to Identify a Specific Individual, art. 20).
    """

    class DocumentType(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        RESIDENCE_CARD = "residence_card", _("Residence card")
        DRIVERS_LICENSE = "drivers_license", _("Driver's licence")
        MY_NUMBER_CARD = "my_number_card", _("Individual Number (My Number) card, front side")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Verified")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="identity_verifications",
        verbose_name=_("person"),
    )
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType)
    document = models.FileField(_("document"), upload_to="privacy/identity/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    document_deleted_at = models.DateTimeField(_("document deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="privacy_identity_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_document_type_display()} #{self.pk} ({self.get_status_display()})"


class AccessLog(models.Model):
    """One request to the site (policy 1.2.3), for trends; purged after 180 days.

    Only the path is kept, never the query string, and path segments that carry
    tokens are masked (kaguaruoo.requestlog.path_for_log).
    """

    at = models.DateTimeField(_("at"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    domain = models.CharField(_("connection-source domain"), max_length=255, blank=True)
    domain_resolved = models.BooleanField(_("domain looked up"), default=False, db_index=True)
    # Given as the request is served: a row a drain hands over twice is written once.
    key = models.UUIDField(_("entry key"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"


class AnonymisedExport(models.Model):
    """One export of anonymously processed information; the public page lists them (art. 43)."""

    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    items = models.JSONField(_("items contained"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("anonymised data export")
        verbose_name_plural = _("anonymised data exports")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d}"
