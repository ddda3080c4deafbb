from django.http import Http404
from django.shortcuts import render

from privacy.selectors import policy_current


def policy(request):
    current = policy_current()
    if current is None:
        raise Http404("No privacy policy has been published.")
    return render(request, "privacy/policy_detail.html", {"policy": current})
