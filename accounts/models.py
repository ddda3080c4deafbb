from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kaguaruoo.formats import site_format


class Visibility(models.TextChoices):
    """Who sees a profile field. The labels and explanations are the customer's own words."""

    ALL_USERS = "all", _("All User")
    ONLY_ME = "me", _("Only You")


VISIBILITY_EXPLANATIONS = {
    Visibility.ALL_USERS: _("Open for all user. Anybody can see in your public profile."),
    Visibility.ONLY_ME: _("Only visible to you."),
}
VISIBILITY_CHOICES_EXPLAINED = [
    (value, format_lazy("{} — {}", label, VISIBILITY_EXPLANATIONS[value]))
    for value, label in Visibility.choices
]

# The profile fields a person shows or hides, in the order a profile lists them.
PROFILE_FIELDS_WITH_VISIBILITY = ("first_name", "last_name", "phone", "introduction")


def person_name(*, first: str, last: str, language: str | None = None) -> str:
    """A person's full name, family name first where the language writes it so."""
    parts = (last, first) if site_format("FAMILY_NAME_FIRST", language=language) else (first, last)
    return " ".join(part for part in parts if part)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class AccountType(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        CORPORATE = "corporate", _("Corporate")

    email = models.EmailField(_("email address"), unique=True)
    account_type = models.CharField(
        _("account type"), max_length=10, choices=AccountType, default=AccountType.PERSONAL
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    corporation_name = models.CharField(_("corporation name"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    # The language this person reads the site and every mail in: the one they signed
    # up in, then the one they last chose in the header; empty means not known.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    introduction = models.TextField(_("introduction"), max_length=2000, blank=True)
    first_name_visibility = models.CharField(
        _("who sees your first name"), max_length=3, choices=Visibility, default=Visibility.ONLY_ME
    )
    last_name_visibility = models.CharField(
        _("who sees your last name"), max_length=3, choices=Visibility, default=Visibility.ALL_USERS
    )
    phone_visibility = models.CharField(
        _("who sees your phone number"),
        max_length=3,
        choices=Visibility,
        default=Visibility.ONLY_ME,
    )
    introduction_visibility = models.CharField(
        _("who sees your introduction"),
        max_length=3,
        choices=Visibility,
        default=Visibility.ALL_USERS,
    )
    is_host = models.BooleanField(_("host"), default=False)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(account_type="corporate") | ~models.Q(corporation_name=""),
                name="accounts_user_corporation_named",
            ),
        ]

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        return reverse("users:detail", kwargs={"pk": self.pk})

    @property
    def is_corporate(self) -> bool:
        return self.account_type == self.AccountType.CORPORATE

    @property
    def public_name(self) -> str:
        """The name others see: the corporation's, or a person's last name if they show it."""
        if self.is_corporate:
            return self.corporation_name
        if self.last_name_visibility != Visibility.ALL_USERS:
            return str(_("Member"))
        return self.last_name or str(_("Member"))

    def is_visible_to_all(self, field_name: str) -> bool:
        return getattr(self, f"{field_name}_visibility") == Visibility.ALL_USERS

    @property
    def full_name(self) -> str:
        """Private: for the user, staff and the parties of a signed contract.

        In the reader's order: 山田 太郎 in Japanese, Taro Yamada in English.
        """
        return self.full_name_in()

    def full_name_in(self, language: str | None = None) -> str:
        """The full name as `language` (the active one if None) writes it."""
        if self.is_corporate:
            return self.corporation_name
        return person_name(first=self.first_name, last=self.last_name, language=language)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.public_name
