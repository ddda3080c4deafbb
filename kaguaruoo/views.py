from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kaguaruoo.accessibility import accessibility_report
from kaguaruoo.health import DOWN, system_state


def terms(request):
    return render(request, "terms.html")


def accessibility(request):
    """The accessibility target and what the last browser test run measured."""
    return render(request, "accessibility.html", {"report": accessibility_report()})


@never_cache
@require_GET
def healthz(request):
    state = system_state()
    status = 503 if DOWN in state.values() else 200
    return JsonResponse(state, status=status)
