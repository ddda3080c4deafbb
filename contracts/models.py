import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaguaruoo.money import yen
from kaguaruoo.roles import PARTIES, Role, stay_role
from kaguaruoo.uploads import upload_path


class ReservationRequest(models.Model):
    """A tenant asks to rent the listing for a stay ("Click to Inquire")."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the host")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    thread = models.ForeignKey(
        "messaging.Thread", on_delete=models.PROTECT, related_name="reservation_requests"
    )
    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.PROTECT, related_name="reservation_requests"
    )
    tenant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reservation_requests"
    )
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    move_in = models.DateField(_("move-in date"))
    months = models.PositiveSmallIntegerField(
        _("months"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    people = models.PositiveSmallIntegerField(
        _("number of people"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    message = models.TextField(_("message to the host"), blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    decline_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("reservation request")
        verbose_name_plural = _("reservation requests")
        constraints = [
            models.UniqueConstraint(
                fields=["thread"],
                condition=Q(status="open"),
                name="reservation_one_open_per_thread",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="reservation_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=60), name="reservation_months_range"
            ),
            models.CheckConstraint(
                condition=Q(people__gte=1, people__lte=20), name="reservation_people_range"
            ),
        ]

    def __str__(self):
        return f"{self.listing} / {self.tenant} from {self.move_in}"


class CommissionRate(models.Model):
    """The platform's commission on the tenant and on the host, set by staff.

    The newest row whose `effective_from` has come is in force; a contract
    copies the rates when it is sent, so a later change never alters it.
    """

    tenant_percent = models.DecimalField(
        _("tenant commission (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    host_percent = models.DecimalField(
        _("host commission (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    effective_from = models.DateTimeField(_("in force from"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("commission rate")
        verbose_name_plural = _("commission rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(tenant_percent__gte=0, tenant_percent__lte=50)
                & Q(host_percent__gte=0, host_percent__lte=50),
                name="commission_percent_range",
            ),
        ]

    def __str__(self):
        return f"{self.tenant_percent}% / {self.host_percent}% from {self.effective_from:%Y-%m-%d}"


class Contract(models.Model):
    """The terms a host sends a tenant, and the tenant's signature on them.

    `terms` is a snapshot taken when the contract is sent: later edits of the
    listing or the profiles never change a contract. The stay runs from
    `start_date` (move-in) to the day before `end_date` (move-out).
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Waiting for the tenant's signature")
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    thread = models.ForeignKey(
        "messaging.Thread", on_delete=models.PROTECT, related_name="contracts"
    )
    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.PROTECT, related_name="contracts"
    )
    tenant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts_as_tenant"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts_as_host"
    )
    reservation = models.OneToOneField(
        ReservationRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.SENT, db_index=True
    )
    start_date = models.DateField(_("move-in date"))
    end_date = models.DateField(_("move-out date"))
    months = models.PositiveSmallIntegerField(_("months"))
    people = models.PositiveSmallIntegerField(_("number of people"))
    cancellation_policy = models.CharField(_("cancellation policy"), max_length=10)
    tenant_commission_percent = models.DecimalField(max_digits=5, decimal_places=2)
    host_commission_percent = models.DecimalField(max_digits=5, decimal_places=2)
    # The stay's cost without commission, and what the tenant pays with it.
    total = models.PositiveIntegerField(_("total for the stay (yen)"))
    tenant_total = models.PositiveIntegerField(_("total the tenant pays (yen)"))
    terms = models.JSONField(default=dict)
    # The language of terms_text: the tenant's when the contract was sent, or the one they
    # clicked Agree in. That text is the one signed, and it governs.
    language = models.CharField(
        _("language of the signed text"), max_length=8, choices=settings.LANGUAGES
    )
    terms_text = models.TextField()
    terms_sha256 = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    host_ip = models.GenericIPAddressField(null=True, blank=True)
    host_user_agent = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_user_agent = models.CharField(max_length=300, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancellation_reason = models.TextField(_("reason"), blank=True)
    cancellation_charge = models.PositiveIntegerField(null=True, blank=True)
    cancellation_refund = models.PositiveIntegerField(null=True, blank=True)
    guide_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["listing", "status", "start_date"], name="contract_listing_dates"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(tenant=models.F("host")), name="contract_tenant_is_not_host"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | (Q(signed_at__isnull=False) & ~Q(signed_sha256="")),
                name="contract_signed_has_signature",
            ),
            # Overlapping signed contracts on one listing are refused by an
            # exclusion constraint (PostgreSQL) or triggers (SQLite): migration 0002.
        ]

    def __str__(self):
        return _("Contract %(number)s") % {"number": self.number}

    def get_absolute_url(self):
        return reverse("contracts:contract_detail", kwargs={"pk": self.pk})

    @property
    def number(self) -> str:
        return f"KA-{self.pk:06d}"

    @property
    def last_night(self):
        return self.end_date - datetime.timedelta(days=1)

    def role_of(self, user) -> Role | None:
        """The tenant or host role of `user` in this contract; None for anyone else."""
        role = stay_role(self, user)
        return role if role in PARTIES else None


class ContractEvent(models.Model):
    """The history both parties see: sent, signed, extended, cancelled..."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Contract sent")
        SIGNED = "signed", _("Contract signed")
        DECLINED = "declined", _("Contract declined")
        EXPIRED = "expired", _("Contract expired")
        CANCELLED = "cancelled", _("Contract cancelled")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        EXTENSION_APPROVED = "extension_approved", _("Extension approved")
        EXTENSION_DECLINED = "extension_declined", _("Extension declined")
        EXTENSION_WITHDRAWN = "extension_withdrawn", _("Extension withdrawn")
        PAYMENT_RECEIVED = "payment_received", _("Payment received")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.contract_id}: {self.kind}"


class SigningCode(models.Model):
    """A one-time code mailed to the tenant to confirm "Agree"; only its hash is kept."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signing_codes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"code for {self.contract_id}"


def house_guide_upload_to(guide, filename):
    return upload_path(f"house-guides/{guide.listing_id}", filename)


class HouseGuide(models.Model):
    """One version of a listing's House Guide: a file or a URL. The newest is current."""

    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.CASCADE, related_name="house_guides"
    )
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=house_guide_upload_to, max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("House Guide")
        verbose_name_plural = _("House Guides")
        constraints = [
            models.UniqueConstraint(fields=["listing", "version"], name="house_guide_version_once"),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="house_guide_file_or_url",
            ),
        ]

    def __str__(self):
        return f"{self.listing} v{self.version}"


class HouseGuideView(models.Model):
    """Somebody opened a House Guide: the host sees who and when."""

    guide = models.ForeignKey(HouseGuide, on_delete=models.CASCADE, related_name="views")
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, null=True, blank=True, related_name="guide_views"
    )
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]

    def __str__(self):
        return f"{self.guide} viewed by {self.viewer_id}"


class Payment(models.Model):
    """One instalment of a contract's payment schedule.

    `base` is the share of the stay (rent, fees, one-time fees) this instalment
    covers; the tenant pays `amount` = base + deposit + tenant commission; the
    host receives `host_payout` = base + deposit - host commission.
    """

    class Kind(models.TextChoices):
        FIRST = "first", _("First payment")
        MONTHLY = "monthly", _("Monthly payment")
        EXTENSION = "extension", _("Extension")
        CANCELLATION = "cancellation", _("Cancellation charge")

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):
        CARD = "card", _("Card (Stripe)")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    sequence = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind)
    status = models.CharField(max_length=10, choices=Status, default=Status.DUE, db_index=True)
    due_date = models.DateField(_("due date"), db_index=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    rent = models.PositiveIntegerField(default=0)
    fees = models.PositiveIntegerField(default=0)
    one_time = models.PositiveIntegerField(default=0)
    deposit = models.PositiveIntegerField(default=0)
    base = models.PositiveIntegerField()
    tenant_commission = models.PositiveIntegerField()
    host_commission = models.PositiveIntegerField()
    amount = models.PositiveIntegerField(_("amount (yen)"))
    host_payout = models.PositiveIntegerField()
    method = models.CharField(max_length=15, choices=Method, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checkout_session_id = models.CharField(max_length=200, blank=True, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "sequence"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="payment_sequence_once"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="payment_paid_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.contract} #{self.sequence}: {yen(self.amount)}"


class StripeEvent(models.Model):
    """A webhook event already handled: the row that makes a replay harmless."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="stripe_events"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return self.event_id


class ExtensionRequest(models.Model):
    """The tenant asks to stay more months; approval amends the contract."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the host")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    months = models.PositiveSmallIntegerField(
        _("additional months"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    previous_end_date = models.DateField()
    new_end_date = models.DateField()
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status="pending"),
                name="extension_one_pending_per_contract",
            ),
            models.CheckConstraint(
                condition=Q(new_end_date__gt=models.F("previous_end_date")),
                name="extension_moves_end_later",
            ),
        ]

    def __str__(self):
        return f"{self.contract} +{self.months} months"


class Review(models.Model):
    """What one party of a finished stay says about the other."""

    class Role(models.TextChoices):
        TENANT = "tenant", _("Tenant about the host and the apartment")
        HOST = "host", _("Host about the tenant")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received"
    )
    role = models.CharField(max_length=10, choices=Role)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    body = models.TextField(_("review"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "author"], name="review_once_per_party"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_range"
            ),
            models.CheckConstraint(
                condition=~Q(author=models.F("subject")), name="review_not_about_oneself"
            ),
        ]

    def __str__(self):
        return f"{self.author_id} on {self.contract}: {self.rating}"


class SupportRequest(models.Model):
    """After-sale support: a party of a contract asks staff for help."""

    class Category(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        CONTRACT = "contract", _("Contract or extension")
        APARTMENT = "apartment", _("Apartment, furniture or appliances")
        KEYS = "keys", _("Keys and moving in")
        NEIGHBOURS = "neighbours", _("Neighbours or noise")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("support request", "Open")
        ANSWERED = "answered", _("Answered by support")
        CLOSED = "closed", _("Closed")

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="support_requests"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_requests"
    )
    category = models.CharField(_("category"), max_length=12, choices=Category)
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self):
        return reverse("contracts:support_detail", kwargs={"pk": self.pk})


def support_upload_to(message, filename):
    return upload_path(f"support/{message.request_id}", filename)


class SupportMessage(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    file = models.FileField(upload_to=support_upload_to, max_length=200, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.request_id}: {self.body[:40]}"
