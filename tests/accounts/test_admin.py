"""The staff site's index: one section per app, each under a name of its own."""

import pytest
from django.urls import reverse

from tests.privacy.helpers import officer_create, sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def test_the_admin_index_shows_no_section_twice(client):
    sign_in_with_second_factor(client, officer_create(is_superuser=True))

    response = client.get(reverse("admin:index"))

    names = [app["name"] for app in response.context["app_list"]]
    assert len(names) == len(set(names)), names
    assert "Users" in names
    assert "E-mail addresses" in names
