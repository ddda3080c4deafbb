from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def search(request):
    return render(request, "listings/listing_list.html", {"query": request.GET.get("q", "")})


@login_required
def host_listings(request):
    return render(request, "listings/host_listing_list.html")
