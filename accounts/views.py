from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import ProfileForm
from accounts.selectors import profile_public_fields, user_get_public
from accounts.services import user_identity_update
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
