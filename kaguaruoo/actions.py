"""The shape of a view that carries out one action: call it, flash the outcome, redirect."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

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
