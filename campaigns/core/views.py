"""The public ends of a campaign mail: tracked links, the open beacon, unsubscribe."""

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.core import selectors, services
from kaguaruoo.net import client_ip

# A transparent 1×1 GIF.
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@require_GET
@never_cache
def track(request, token):
    """Record the click and go to the campaign's own link; nothing of the request is used."""
    delivery, position = selectors.delivery_for_track(token=token)
    link = selectors.link_of(delivery=delivery, position=position)
    services.delivery_click(delivery=delivery, link=link)
    response = HttpResponseRedirect(link.url_for(delivery.language))
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@never_cache
def beacon(request, token):
    delivery, position = selectors.delivery_for_track(token=token)
    if position == "o":
        services.delivery_open(delivery=delivery)
    response = HttpResponse(PIXEL, content_type="image/gif")
    # Shown inside mail programs, web mail included: another site embeds it.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET shows one button and changes nothing (mail scanners open links); POST, from
    that button or from a mail program's one-click (RFC 8058), withdraws at once with no
    login, cookie or CSRF token: the signed token is the authority."""
    target = selectors.unsubscribe_for(token=token)
    done = False
    if request.method == "POST":
        services.unsubscribe(target=target, ip=client_ip(request))
        done = True
    return render(
        request,
        "campaigns/unsubscribe.html",
        {
            "target": target,
            "done": done or services.unsubscribed_already(target=target),
            "just_done": done,
            # One button on this page: the cookie question can wait for another page.
            "cookie_choice_needed": False,
        },
    )
