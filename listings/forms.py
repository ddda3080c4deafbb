import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from listings import stays
from listings.japanese import search_normalise
from listings.models import Listing, ListingItem, ListingStation, Station
from listings.postal import PostalCodeError, postal_code_normalise
from listings.pricing import stay_end
from listings.services import (
    MAX_STATIONS,
    StationDistance,
    TownChoiceNeeded,
    address_check,
    station_distance_check,
    stations_check,
)

POSTAL_HELP = _("Input a valid zipcode, and the address will be automatically inputted.")
WALK_HELP = ListingStation._meta.get_field("distance_m").help_text
ITEM_CHOICES = [("", _("Not provided")), *ListingItem.ProvidedBy.choices]


class ListingForm(forms.ModelForm):
    """The listing itself, its stations and its furniture, in one form."""

    class Meta:
        model = Listing
        fields = [
            "title", "title_ja", "description", "description_ja", "area_description",
            "property_type", "layout", "floor_area_m2", "floor", "floors_total", "year_built",
            "max_occupants",
            "rent", "utilities_included", "utilities_fee", "cleaning_fee", "linen_fee",
            "deposit", "key_money",
            "min_months", "max_months", "available_from", "available_until",
            "cancellation_policy", "guarantor", "fire_insurance",
            "pets_allowed", "smoking_allowed", "instruments_allowed", "viewing_possible",
            "communication_style",
            "postal_code", "prefecture", "city", "town", "street", "building", "room",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_ja": forms.Textarea(attrs={"rows": 4}),
            "area_description": forms.Textarea(attrs={"rows": 3}),
            "available_from": forms.DateInput(attrs={"type": "date"}),
            "available_until": forms.DateInput(attrs={"type": "date"}),
            "communication_style": forms.RadioSelect,
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 10}
            ),
        }
        help_texts = {
            "postal_code": POSTAL_HELP,
            "communication_style": _(
                "Take it easy! — You can communicate with guests as you like. "
                "You can reject delivery request."
            ),
            "street": _("Shown only to the tenant of a signed contract."),
            "building": _("Shown only to the tenant of a signed contract."),
            "room": _("Shown only to the tenant of a signed contract."),
        }

    postal_code = forms.CharField(label=_("Postal code"), max_length=10, help_text=POSTAL_HELP)
    prefecture = forms.CharField(label=_("Prefecture"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    town = forms.CharField(label=_("Town"), max_length=100, required=False)
    utilities_fee = forms.IntegerField(
        label=_("Monthly utilities/management fee (yen)"), min_value=0, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.town_choices = []
        self._add_station_fields()
        self._add_item_fields()

    # Stations: up to three, each a picked station and a distance in metres.
    def _add_station_fields(self):
        current = list(self.instance.stations.select_related("station")) if self.instance.pk else []
        for index in range(1, MAX_STATIONS + 1):
            existing = current[index - 1] if index <= len(current) else None
            self.fields[f"station_{index}"] = forms.IntegerField(
                required=False,
                widget=forms.HiddenInput(attrs={"data-station-id": index}),
                initial=existing.station_id if existing else None,
            )
            self.fields[f"station_{index}_name"] = forms.CharField(
                label=_("Station %(n)s") % {"n": index},
                required=index == 1,
                max_length=50,
                widget=forms.TextInput(attrs={"data-station-picker": index, "autocomplete": "off"}),
                initial=existing.station.name if existing else "",
            )
            self.fields[f"distance_{index}"] = forms.IntegerField(
                label=_("Walking distance (m)"),
                required=index == 1,
                widget=forms.NumberInput(attrs={"data-distance-for": index, "min": 1}),
                help_text=WALK_HELP if index == 1 else "",
                initial=existing.distance_m if existing else None,
            )

    def _add_item_fields(self):
        current = (
            {i.item: i.provided_by for i in self.instance.items.all()} if self.instance.pk else {}
        )
        for code, label in ListingItem.Item.choices:
            self.fields[f"item_{code}"] = forms.ChoiceField(
                label=label, choices=ITEM_CHOICES, required=False, initial=current.get(code, "")
            )

    def station_rows(self):
        return [
            (self[f"station_{i}"], self[f"station_{i}_name"], self[f"distance_{i}"])
            for i in range(1, MAX_STATIONS + 1)
        ]

    def item_fields(self):
        return [self[f"item_{code}"] for code, _label in ListingItem.Item.choices]

    def clean_postal_code(self):
        try:
            return postal_code_normalise(self.cleaned_data["postal_code"])
        except PostalCodeError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        self._clean_address(cleaned)
        if cleaned.get("utilities_included"):
            cleaned["utilities_fee"] = 0
        elif cleaned.get("utilities_fee") is None:
            self.add_error("utilities_fee", _("Enter the monthly fee, or tick “included”."))
        self.stations = self._clean_stations(cleaned)
        self.items = {
            code: cleaned[f"item_{code}"]
            for code, _label in ListingItem.Item.choices
            if cleaned.get(f"item_{code}")
        }
        return cleaned

    def _clean_address(self, cleaned):
        """Without JavaScript, the server fills the address from the postal code."""
        if not cleaned.get("postal_code"):
            return
        try:
            address = address_check(
                postal_code=cleaned["postal_code"],
                prefecture=cleaned.get("prefecture", ""),
                city=cleaned.get("city", ""),
                town=cleaned.get("town", ""),
            )
        except TownChoiceNeeded as error:
            self.town_choices = error.candidates
            self.add_error(None, error)
            return
        except forms.ValidationError as error:
            self.add_error(None, error)
            return
        for part in ("postal_code", "prefecture", "city", "town"):
            cleaned[part] = address[part]

    def _clean_stations(self, cleaned) -> list[StationDistance]:
        rows = []
        for index in range(1, MAX_STATIONS + 1):
            name = (cleaned.get(f"station_{index}_name") or "").strip()
            distance = cleaned.get(f"distance_{index}")
            if not name and distance is None:
                continue
            station = self._resolve_station(cleaned.get(f"station_{index}"), name)
            if station is None:
                self.add_error(f"station_{index}_name", _("Pick a station from the list."))
                continue
            if distance is None:
                self.add_error(f"distance_{index}", _("Enter the walking distance in metres."))
                continue
            try:
                station_distance_check(distance)
            except forms.ValidationError as error:
                self.add_error(f"distance_{index}", error)
                continue
            rows.append(StationDistance(station=station, distance_m=distance))
        try:
            # What is left to refuse once each row is checked: a station named twice.
            stations_check(rows)
        except forms.ValidationError as error:
            self.add_error("station_2_name", error)
        return rows

    @staticmethod
    def _resolve_station(station_id, name) -> Station | None:
        if station_id:
            station = Station.objects.filter(pk=station_id, is_active=True).first()
            if station and (not name or search_normalise(name) in _station_names(station)):
                return station
        if not name:
            return None
        key = search_normalise(name)
        matches = (
            Station.objects.filter(is_active=True)
            .filter(Q(name=key) | Q(name_kana=key) | Q(name_romaji__iexact=key))
            .order_by("group_code", "code")
        )
        groups = {s.group_code for s in matches[:20]}
        return matches.first() if len(groups) == 1 else None

    def fields_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _station_names(station: Station) -> set[str]:
    return {search_normalise(n) for n in (station.name, station.name_kana, station.name_romaji)}


def _check_move_in(move_in):
    if move_in and (error := stays.move_in_horizon_error(move_in)):
        raise forms.ValidationError(error)
    return move_in


class SearchForm(forms.Form):
    """The search page's filters; every one is a GET parameter, so a search is a link."""

    SORTS = [
        ("newest", _("Newest")),
        ("rent", _("Rent: low to high")),
        ("-rent", _("Rent: high to low")),
        ("walk", _("Walk time")),
    ]

    q = forms.CharField(label=_("Keyword, area or station"), required=False, max_length=100)
    prefecture = forms.CharField(label=_("Prefecture"), required=False, max_length=10)
    city = forms.CharField(label=_("City"), required=False, max_length=50)
    station = forms.CharField(label=_("Station"), required=False, max_length=50)
    walk = forms.IntegerField(label=_("Max walk (min)"), required=False, min_value=1, max_value=100)
    rent_min = forms.IntegerField(label=_("Rent from (yen)"), required=False, min_value=0)
    rent_max = forms.IntegerField(label=_("Rent up to (yen)"), required=False, min_value=0)
    built_within = forms.IntegerField(
        label=_("Built within (years)"), required=False, min_value=1, max_value=150
    )
    area_min = forms.DecimalField(
        label=_("Floor area from (m²)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
    )
    area_max = forms.DecimalField(
        label=_("Floor area up to (m²)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
    )
    move_in = forms.DateField(
        label=_("Move-in"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    months = forms.IntegerField(label=_("Months"), required=False, min_value=1, max_value=60)
    layout = forms.MultipleChoiceField(
        label=_("Layout"),
        required=False,
        choices=Listing.Layout.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    occupants = forms.IntegerField(label=_("People"), required=False, min_value=1, max_value=20)
    items = forms.MultipleChoiceField(
        label=_("Furniture and appliances"),
        required=False,
        choices=ListingItem.Item.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    viewing = forms.BooleanField(label=_("Viewing possible"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("rent_min"), cleaned.get("rent_max")
        if low is not None and high is not None and low > high:
            self.add_error(None, _("The highest rent is below the lowest."))
            del cleaned["rent_min"], cleaned["rent_max"]
        small, large = cleaned.get("area_min"), cleaned.get("area_max")
        if small is not None and large is not None and small > large:
            self.add_error(None, _("The largest floor area is below the smallest."))
            del cleaned["area_min"], cleaned["area_max"]
        move_in = cleaned.get("move_in")
        if move_in and move_in < timezone.localdate() - datetime.timedelta(days=1):
            self.add_error("move_in", _("The move-in date has passed."))
        return cleaned

    def clean_move_in(self):
        return _check_move_in(self.cleaned_data.get("move_in"))

    def filters(self) -> dict:
        """The valid filters only; invalid ones are reported on the page and left out."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "", [], False)
        }


class StayForm(forms.Form):
    """A move-in date and a length of stay, to price a stay on the listing page."""

    move_in = forms.DateField(label=_("Move-in"), widget=forms.DateInput(attrs={"type": "date"}))
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=60)

    def __init__(self, *args, listing: Listing, **kwargs):
        super().__init__(*args, **kwargs)
        self.listing = listing
        # The booked stay in the way of the dates asked, once cleaned (stays.TakenDates).
        self.taken = None

    def clean_move_in(self):
        move_in = _check_move_in(self.cleaned_data.get("move_in"))
        if move_in and (error := stays.move_in_past_error(move_in, wording=stays.MOVE_IN_PASSED)):
            raise forms.ValidationError(error)
        return move_in

    def clean(self):
        cleaned = super().clean()
        move_in, months = cleaned.get("move_in"), cleaned.get("months")
        listing = self.listing
        if months:
            wording = stays.MONTHS_ON_LISTING_PAGE
            self._add_error_if(
                "months", stays.months_error(listing=listing, months=months, wording=wording)
            )
        if move_in:
            self._add_error_if(
                "move_in", stays.available_from_error(listing=listing, move_in=move_in)
            )
        if move_in and months:
            last_night = stay_end(move_in, months)
            self._add_error_if(
                "months", stays.available_until_error(listing=listing, last_night=last_night)
            )
        if move_in and months and not self.errors:
            self.taken = stays.dates_taken(listing=listing, move_in=move_in, months=months)
            self._add_error_if("move_in", self.taken and self.taken.message())
        return cleaned

    def _add_error_if(self, field: str, error: str | None) -> None:
        if error:
            self.add_error(field, error)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        uploads = [u for u in uploads if u]
        if not uploads:
            raise forms.ValidationError(_("Choose at least one photo."))
        return [super(MultipleImageField, self).clean(u, initial) for u in uploads]


class PhotoUploadForm(forms.Form):
    photos = MultipleImageField(
        label=_("Photos"),
        help_text=_("JPEG, PNG or WebP, up to 15 MB and 50 megapixels each; up to 20 photos."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=120, required=False)
