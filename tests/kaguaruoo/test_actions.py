from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from kaguaruoo.actions import form_submit


class NoteForm(forms.Form):
    note = forms.CharField()
    file = forms.CharField(required=False)


def posted_request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def refuse(code):
    def action(data):
        raise ValidationError("Not now.", code=code)

    return action


def test_a_valid_form_runs_the_action_flashes_and_returns_what_it_made():
    request = posted_request()

    made = form_submit(request, NoteForm({"note": "hi"}), lambda data: data["note"], done="Sent.")

    assert made == "hi"
    assert [str(m) for m in get_messages(request)] == ["Sent."]


def test_an_invalid_or_unbound_form_runs_nothing():
    request = posted_request()
    ran = []

    assert form_submit(request, NoteForm({}), ran.append, done="Sent.") is None
    assert form_submit(request, NoteForm(), ran.append, done="Sent.") is None
    assert ran == []
    assert list(get_messages(request)) == []


def test_a_refusal_goes_onto_the_form_or_the_field_it_names():
    request = posted_request()
    whole, field = NoteForm({"note": "hi"}), NoteForm({"note": "hi"})

    assert form_submit(request, whole, refuse("late"), done="Sent.") is None
    assert (
        form_submit(request, field, refuse("too_large"), error_field=lambda error: "file") is None
    )
    assert whole.non_field_errors() == ["Not now."]
    assert field.errors["file"] == ["Not now."]
    assert list(get_messages(request)) == []
