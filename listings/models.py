from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from listings.walking import MAX_DISTANCE_M, walk_minutes

THIRD_PARTY_TEXT = _("Must be provided by a third party.")
# Each amount a host enters, in yen: a stay of 60 months at this much still fits
# the 32-bit integers that contracts and payments store.
MAX_YEN = 10_000_000


class Line(models.Model):
    """A railway line, e.g. JR山手線."""

    code = models.PositiveIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    name_romaji = models.CharField(_("name (romaji)"), max_length=200, blank=True)
    company = models.CharField(_("company"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("railway line")
        verbose_name_plural = _("railway lines")

    def __str__(self):
        return self.name


class Station(models.Model):
    """A station on one line; a station served by several lines has one row per line,
    all sharing `group_code`."""

    code = models.PositiveIntegerField(_("code"), unique=True)
    group_code = models.PositiveIntegerField(_("group code"), db_index=True)
    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="stations")
    name = models.CharField(_("name"), max_length=100, db_index=True)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True, db_index=True)
    name_romaji = models.CharField(_("name (romaji)"), max_length=200, blank=True, db_index=True)
    prefecture = models.CharField(_("prefecture"), max_length=10, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["name", "line__name"]
        # The search matches romaji case-insensitively (UPPER(name_romaji) = ...).
        indexes = [models.Index(Upper("name_romaji"), name="station_romaji_upper")]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self):
        return f"{self.name} ({self.line.name})"


class Listing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        PAUSED = "paused", _("Paused")
        HIDDEN = "hidden", _("Hidden by KaguAruoo")

    class PropertyType(models.TextChoices):
        APARTMENT = "apartment", _("Apartment")
        HOUSE = "house", _("House")
        SHARE_ROOM = "share_room", _("Share-house room")

    class Layout(models.TextChoices):
        R1 = "1R", "1R"
        K1 = "1K", "1K"
        DK1 = "1DK", "1DK"
        LDK1 = "1LDK", "1LDK"
        K2 = "2K", "2K"
        DK2 = "2DK", "2DK"
        LDK2 = "2LDK", "2LDK"
        K3 = "3K", "3K"
        DK3 = "3DK", "3DK"
        LDK3 = "3LDK", "3LDK"
        LDK4 = "4LDK", "4LDK"
        LARGER = "5+", _("5 rooms or more")

    class CancellationPolicy(models.TextChoices):
        FLEXIBLE = "flexible", _("Flexible: free cancellation up to 14 days before move-in")
        MODERATE = "moderate", _("Moderate: free up to 30 days before; then the first month")
        STRICT = "strict", _("Strict: the first month is due on any cancellation")

    class CommunicationStyle(models.TextChoices):
        STANDARD = "standard", _("Standard")
        EASY = "easy", _("Take it easy!")

    class ThirdPartyChoice(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        INCLUDED = "included", _("Included")
        THIRD_PARTY = "third_party", THIRD_PARTY_TEXT

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="listings"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    # Set while staff hide the listing (listing_hide): why, and the status it goes back to.
    hidden_reason = models.TextField(_("why staff hid it"), blank=True)
    hidden_from = models.CharField(
        _("status before it was hidden"), max_length=10, choices=Status, blank=True
    )
    title = models.CharField(_("title"), max_length=120)
    title_ja = models.CharField(_("title (Japanese)"), max_length=120, blank=True)
    description = models.TextField(_("description"))
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    area_description = models.TextField(_("about the area"), blank=True)

    property_type = models.CharField(
        _("property type"), max_length=12, choices=PropertyType, default=PropertyType.APARTMENT
    )
    layout = models.CharField(_("layout"), max_length=5, choices=Layout, default=Layout.K1)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(5), MaxValueValidator(1000)],
    )
    floor = models.SmallIntegerField(_("floor"), validators=[MinValueValidator(-5)])
    floors_total = models.PositiveSmallIntegerField(
        _("floors in the building"), validators=[MinValueValidator(1)]
    )
    year_built = models.PositiveSmallIntegerField(
        _("year built"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    max_occupants = models.PositiveSmallIntegerField(
        _("maximum occupants"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )

    # Whole yen.
    rent = models.PositiveIntegerField(
        _("monthly rent (yen)"), db_index=True, validators=[MaxValueValidator(MAX_YEN)]
    )
    utilities_included = models.BooleanField(
        _("utilities and management fee included"), default=False
    )
    utilities_fee = models.PositiveIntegerField(
        _("monthly utilities/management fee (yen)"), validators=[MaxValueValidator(MAX_YEN)]
    )
    cleaning_fee = models.PositiveIntegerField(
        _("cleaning fee, once (yen)"), default=0, validators=[MaxValueValidator(MAX_YEN)]
    )
    linen_fee = models.PositiveIntegerField(
        _("linen fee, once (yen)"), default=0, validators=[MaxValueValidator(MAX_YEN)]
    )
    deposit = models.PositiveIntegerField(
        _("deposit (yen)"), default=0, validators=[MaxValueValidator(MAX_YEN)]
    )
    key_money = models.PositiveIntegerField(
        _("key money (yen)"), default=0, validators=[MaxValueValidator(MAX_YEN)]
    )

    min_months = models.PositiveSmallIntegerField(
        _("minimum stay (months)"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    max_months = models.PositiveSmallIntegerField(
        _("maximum stay (months)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    available_from = models.DateField(_("available from"), db_index=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    cancellation_policy = models.CharField(
        _("cancellation policy"),
        max_length=10,
        choices=CancellationPolicy,
        default=CancellationPolicy.MODERATE,
    )

    guarantor = models.CharField(
        _("guarantor"), max_length=12, choices=ThirdPartyChoice, default=ThirdPartyChoice.NOT_NEEDED
    )
    fire_insurance = models.CharField(
        _("renter's fire insurance"),
        max_length=12,
        choices=ThirdPartyChoice,
        default=ThirdPartyChoice.INCLUDED,
    )
    pets_allowed = models.BooleanField(_("pets allowed"), default=False)
    smoking_allowed = models.BooleanField(_("smoking allowed"), default=False)
    instruments_allowed = models.BooleanField(_("musical instruments allowed"), default=False)
    viewing_possible = models.BooleanField(
        _("If you can visit somewhere, check this."), default=False
    )
    communication_style = models.CharField(
        _("communication style"),
        max_length=10,
        choices=CommunicationStyle,
        default=CommunicationStyle.STANDARD,
    )

    # Address. Only prefecture, city and town are public (DESIGN rule 4).
    postal_code = models.CharField(_("postal code"), max_length=7)
    prefecture = models.CharField(_("prefecture"), max_length=10, db_index=True)
    city = models.CharField(_("city"), max_length=50, db_index=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    prefecture_romaji = models.CharField(max_length=40, blank=True)
    city_romaji = models.CharField(max_length=100, blank=True)
    town_romaji = models.CharField(max_length=200, blank=True)
    area_kana = models.CharField(max_length=300, blank=True)
    street = models.CharField(_("street number (banchi)"), max_length=100)
    building = models.CharField(_("building"), max_length=100, blank=True)
    room = models.CharField(_("room"), max_length=20, blank=True)

    # Lower-cased title, area and station names in kanji, kana and romaji, kept by
    # the listing services so that one indexed column answers the free-text search.
    search_text = models.TextField(editable=False, blank=True)
    # The places it is in and near, as keys a place word matches (services.place_keys_for).
    place_keys = models.TextField(editable=False, blank=True)
    # The nearest station's distance, kept with the stations, to sort by walk time.
    nearest_distance_m = models.PositiveIntegerField(null=True, editable=False, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_months__gte=models.F("min_months")),
                name="listing_max_months_gte_min",
            ),
            models.CheckConstraint(
                condition=models.Q(available_until__isnull=True)
                | models.Q(available_until__gt=models.F("available_from")),
                name="listing_available_until_after_from",
            ),
            models.CheckConstraint(
                condition=models.Q(floor__lte=models.F("floors_total")),
                name="listing_floor_within_building",
            ),
            models.CheckConstraint(
                condition=models.Q(postal_code__regex=r"^[0-9]{7}$"),
                name="listing_postal_code_7_digits",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "rent"], name="listing_status_rent"),
            models.Index(fields=["status", "prefecture", "city"], name="listing_status_area"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        slug = slugify(self.title)
        if slug:
            return reverse("listings:detail_slug", kwargs={"pk": self.pk, "slug": slug})
        return reverse("listings:detail", kwargs={"pk": self.pk})

    @property
    def monthly_total(self) -> int:
        return self.rent + (0 if self.utilities_included else self.utilities_fee)


class ListingStation(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="stations")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    # The station's name, kept beside it (listings/services.py, load_stations): a search
    # nearest first from 渋谷 walks one (name, distance) index for all of 渋谷's lines.
    station_name = models.CharField(_("station name"), max_length=100, editable=False, default="")
    distance_m = models.PositiveIntegerField(
        _("walking distance (m)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DISTANCE_M)],
        help_text=_(
            "~ 80 meters = 1 min. Please convert the time it takes to walk from the station.\n"
            "Ex) If the distance from the station is 800 meters, it is 10 minutes away."
        ),
    )

    class Meta:
        ordering = ["distance_m", "id"]
        indexes = [
            models.Index(
                fields=["station_name", "distance_m", "listing"], name="listingstation_name_walk"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["listing", "station"], name="listing_station_once"),
            models.CheckConstraint(
                condition=models.Q(distance_m__gte=1, distance_m__lte=MAX_DISTANCE_M),
                name="listing_station_distance_range",
            ),
        ]

    def __str__(self):
        return f"{self.station.name} {self.walk_minutes} min"

    @property
    def walk_minutes(self) -> int:
        return walk_minutes(self.distance_m)


class ListingPlace(models.Model):
    """One of a listing's place keys (services.place_keys_for), with its publication time.

    A search for a place newest first walks the (key, published_at, listing) index, the
    listings of that place in page order, so that it reads a page of them whether the
    place has ten listings or fifty thousand.
    """

    # Its rows are found by the (listing, key) key below.
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="places", db_index=False
    )
    key = models.CharField(max_length=200)
    published_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["key", "-published_at", "-listing"], name="listingplace_newest")
        ]
        constraints = [
            models.UniqueConstraint(fields=["listing", "key"], name="listing_place_once"),
        ]

    def __str__(self):
        return self.key


class ListingItem(models.Model):
    """A piece of furniture, an appliance or a service, in the flat or by a third party."""

    class Item(models.TextChoices):
        BED = "bed", _("Bed")
        FUTON = "futon", _("Futon")
        DESK = "desk", _("Desk")
        CHAIR = "chair", _("Chair")
        SOFA = "sofa", _("Sofa")
        TV = "tv", _("TV")
        FRIDGE = "fridge", _("Fridge")
        MICROWAVE = "microwave", _("Microwave")
        RICE_COOKER = "rice_cooker", _("Rice cooker")
        KETTLE = "kettle", _("Kettle")
        STOVE = "stove", _("Stove")
        WASHING_MACHINE = "washing_machine", _("Washing machine")
        DRYER = "dryer", _("Dryer")
        AIR_CONDITIONER = "air_conditioner", _("Air conditioner")
        HEATER = "heater", _("Heater")
        VACUUM = "vacuum", _("Vacuum cleaner")
        COOKWARE = "cookware", _("Cookware")
        DISHES = "dishes", _("Dishes")
        LINENS = "linens", _("Linens")
        TOWELS = "towels", _("Towels")
        HAIR_DRYER = "hair_dryer", _("Hair dryer")
        IRON = "iron", _("Iron")
        WIFI = "wifi", _("Wi-Fi")
        AUTO_LOCK = "auto_lock", _("Auto-lock entrance")
        BATH_TOILET_SEPARATE = "bath_toilet_separate", _("Separate bath and toilet")

    class ProvidedBy(models.TextChoices):
        HOST = "host", _("In the apartment")
        THIRD_PARTY = "third_party", THIRD_PARTY_TEXT

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(max_length=24, choices=Item)
    provided_by = models.CharField(max_length=12, choices=ProvidedBy, default=ProvidedBy.HOST)

    class Meta:
        ordering = ["item"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "item"], name="listing_item_once"),
        ]
        indexes = [models.Index(fields=["item", "listing"], name="listing_item_lookup")]

    def __str__(self):
        return self.get_item_display()


def photo_upload_to(photo, filename):
    return f"listings/{photo.listing_id}/photos/{filename}"


class ListingPhoto(models.Model):
    class State(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    # width and height are filled by the photo services; width_field/height_field
    # would make Django download the file from S3 each time a row is reloaded.
    image = models.ImageField(upload_to=photo_upload_to)
    large = models.ImageField(upload_to=photo_upload_to, blank=True)
    thumbnail = models.ImageField(upload_to=photo_upload_to, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_cover = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=State, default=State.PROCESSING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing"],
                condition=models.Q(is_cover=True),
                name="listing_photo_one_cover",
            ),
        ]

    def __str__(self):
        return self.caption or f"Photo {self.position + 1}"

    @property
    def thumbnail_url(self) -> str:
        """The small version once made; until then (or if making it failed) the original."""
        return (self.thumbnail or self.image).url

    @property
    def large_url(self) -> str:
        return (self.large or self.image).url


class ListingBooking(models.Model):
    """Nights of a listing taken by a signed contract: what search leaves out.

    The contracts app keeps these rows (listings.services.listing_dates_book /
    listing_dates_release); `reference` names the contract, so a row is written
    once per contract and moves with it when the stay is extended.
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="bookings")
    start_date = models.DateField()
    # The move-out day: the night before it is the last one taken.
    end_date = models.DateField()
    reference = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["start_date"]
        indexes = [
            models.Index(fields=["listing", "start_date", "end_date"], name="booking_dates"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="booking_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.listing_id}: {self.start_date} – {self.end_date}"
