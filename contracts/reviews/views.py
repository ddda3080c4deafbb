"""The page where a party of a finished stay writes their review."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.booking import selectors
from contracts.reviews import services as reviews


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=gettext_lazy("Your review"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


@login_required
def review_write(request, pk):
    contract = selectors.contract_get_for_party(user=request.user, pk=pk)
    try:
        reviews.review_check(contract=contract, author=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect(contract.get_absolute_url() + "#reviews")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reviews.review_write(
                contract=contract,
                author=request.user,
                rating=form.cleaned_data["rating"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your review is saved."))
            return redirect(contract.get_absolute_url() + "#reviews")
    role = contract.role_of(request.user)
    return render(
        request,
        "contracts/review_form.html",
        {
            "contract": contract,
            "form": form,
            "subject": contract.host if role == "tenant" else contract.tenant,
            "role": role,
            "last_day": reviews.review_last_day(contract=contract),
        },
        status=400 if form.is_bound else 200,
    )
