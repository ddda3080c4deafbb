from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.forms import ProfileForm
from accounts.selectors import profile_public_fields, user_get_public
from accounts.services import user_identity_update, user_language_set
from kaguaruoo.db_router import replica_reads
from privacy.services import identity_is_verified


@login_required
def profile(request):
    return render(request, "accounts/user_profile.html", {"profile_user": request.user})


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_identity_update(user=request.user, **form.service_arguments())
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/user_form.html", {"form": form})


@replica_reads
def public_profile(request, pk):
    member = user_get_public(pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "member": member,
            "public_fields": profile_public_fields(member=member),
            "identity_verified": identity_is_verified(user=member),
        },
    )


@require_POST
def language_set(request):
    """The header's language choice: Django's language cookie, and the account's language."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        # Django would take any language it has a catalog for; the site has two.
        return HttpResponseBadRequest(
            _("Choose one of the languages the site offers: 日本語 or English."),
            content_type="text/plain; charset=utf-8",
        )
    response = set_language(request)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return response
