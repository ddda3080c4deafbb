"""The shapes of a view that carries out one action: call it, flash the outcome, redirect;
or, for a form, call it with the form's data and leave a refusal on the form."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from kaguaruoo.ratelimit import form_limit_hit
from kaguaruoo.transitions import IllegalTransition


def error_text(error: Exception) -> str:
    """What a person reads of a refused action."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def action_redirect(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    done: str,
    to,
    illegal: str = "",
) -> HttpResponseRedirect:
    """Run `action`; flash `done`, or why it was refused; redirect to `to` either way.

    A ValidationError or PermissionDenied shows its own message. An IllegalTransition
    (someone else moved the object first, or the move is not this person's) shows
    `illegal`, or its own message when `illegal` is empty.
    """
    try:
        action()
    except IllegalTransition as error:
        messages.error(request, illegal or error_text(error))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return redirect(to)


def form_submit[T](
    request: HttpRequest,
    form,
    action: Callable[[dict], T],
    *,
    done: str = "",
    error_field: Callable[[ValidationError], str | None] | None = None,
    limit: str = "",
) -> T | None:
    """Run `action` with the cleaned data of a valid bound `form`; flash `done` (if any) and
    return what the action made, which is never None.

    None when the form is unbound or invalid, or when the action raises a ValidationError:
    that goes onto the form, on the field `error_field` names for it, else the form as a whole,
    so the view shows the form again. With `limit`, the abuse limit of that name
    (kaguaruoo/ratelimit.py) counts the valid form first; a refusal goes on top of the
    form, and `form_limit_apply` makes the page that shows it again a 429.
    """
    if not form.is_valid():
        return None
    if limit and not form_limit_hit(request, form, limit):
        return None
    try:
        made = action(form.cleaned_data)
    except ValidationError as error:
        form.add_error(error_field(error) if error_field else None, error)
        return None
    if done:
        messages.success(request, done)
    return made
