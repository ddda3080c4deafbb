"""Form errors a screen reader reads: listed above the form, each tied to its field."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import UserFactory


class Elements(HTMLParser):
    """Every element's tag, attributes and text, and the elements by id."""

    def __init__(self, html: str):
        super().__init__()
        self.elements, self.by_id, self._open = [], {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if "id" in element["attrs"]:
            self.by_id[element["attrs"]["id"]] = element
        if tag not in {"input", "br", "img", "meta", "link", "hr"}:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open and self._open.pop()["tag"] != tag:
            pass

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def find(self, tag, **attrs):
        return [
            e
            for e in self.elements
            if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())
        ]

    def described_by(self, element) -> str:
        ids = element["attrs"].get("aria-describedby", "").split()
        return " ".join(self.by_id[i]["text"].strip() for i in ids)


class TenancyForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on your passport.")
    style = forms.ChoiceField(
        label="Style",
        choices=[("easy", "Easy"), ("strict", "Strict")],
        widget=forms.RadioSelect,
        help_text="How the host talks.",
    )
    document = forms.FileField(label="Document", help_text="A PDF or an image.")
    agree = forms.BooleanField(label="I agree")


def rendered(form) -> Elements:
    with translation.override("en"):
        return Elements(render_to_string("partials/form_fields.html", {"form": form}))


def test_each_field_with_an_error_is_invalid_and_described_by_its_message_and_help():
    page = rendered(TenancyForm(data={}))

    [name] = page.find("input", name="name")
    assert name["attrs"]["aria-invalid"] == "true"
    assert page.described_by(name) == "As on your passport. This field is required."
    [document] = page.find("input", name="document")
    assert document["attrs"]["aria-invalid"] == "true"
    assert page.described_by(document) == "A PDF or an image. This field is required."
    [agree] = page.find("input", name="agree")
    assert page.described_by(agree) == "This field is required."


def test_a_group_of_choices_is_described_on_its_fieldset():
    page = rendered(TenancyForm(data={}))

    [fieldset] = page.find("fieldset")
    assert page.described_by(fieldset) == "How the host talks. This field is required."
    assert all(
        radio["attrs"]["aria-invalid"] == "true" for radio in page.find("input", type="radio")
    )


def test_the_errors_are_listed_above_the_form_as_an_alert_with_links_to_their_fields():
    page = rendered(TenancyForm(data={"name": "Alex"}))

    [summary] = [e for e in page.elements if "data-error-summary" in e["attrs"]]
    assert summary["attrs"]["tabindex"] == "-1"
    assert page.find("div", role="alert")
    links = [e for e in page.elements if e["tag"] == "a"]
    assert [link["attrs"]["href"] for link in links] == ["#id_style", "#id_document", "#id_agree"]
    assert links[0]["text"] == "Style: This field is required."
    assert all(link["attrs"]["href"][1:] in page.by_id for link in links)


def test_a_form_without_errors_has_no_summary_and_no_invalid_field():
    page = rendered(TenancyForm())

    assert not [e for e in page.elements if "data-error-summary" in e["attrs"]]
    assert not [e for e in page.elements if "aria-invalid" in e["attrs"]]
    [name] = page.find("input", name="name")
    assert page.described_by(name) == "As on your passport."


@pytest.mark.django_db
def test_a_wrong_password_is_announced_above_the_login_form(client):
    user = UserFactory()

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = Elements(response.text)
    [alert] = page.find("div", role="alert")
    assert "not correct" in alert["text"]


@pytest.mark.django_db
def test_a_sign_up_without_an_email_ties_the_error_to_the_email_field(client):
    response = client.post(reverse("account_signup"), {}, HTTP_ACCEPT_LANGUAGE="en")

    page = Elements(response.text)
    [email] = page.find("input", name="email")
    assert email["attrs"]["aria-invalid"] == "true"
    assert "This field is required." in page.described_by(email)
    assert any(e["attrs"].get("href") == "#id_email" for e in page.find("a"))


@pytest.mark.django_db
def test_allauths_own_field_ties_its_error_to_the_input(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("account_email"),
        {"action_add": "", "email": "not an address"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = Elements(response.text)
    [email] = page.find("input", name="email")
    assert email["attrs"]["aria-invalid"] == "true"
    assert "valid email address" in page.described_by(email)
