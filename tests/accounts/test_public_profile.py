import pytest
from django.urls import reverse

from tests.accounts.factories import CorporateUserFactory, UserFactory

pytestmark = pytest.mark.django_db

EVERY_FIELD_ONLY_ME = {
    f"{name}_visibility": "me" for name in ("first_name", "last_name", "phone", "introduction")
}


def test_personal_account_shows_only_its_last_name_in_public(client):
    member = UserFactory(first_name="Haruki", last_name="Murakami", phone="080-9999-0000")

    page = client.get(reverse("users:detail", kwargs={"pk": member.pk})).text

    assert "Murakami" in page
    assert "Haruki" not in page
    assert "080-9999-0000" not in page
    assert member.email not in page


def test_corporate_account_shows_only_the_corporation_name_in_public(client):
    member = CorporateUserFactory(corporation_name="Sakura Residence Co., Ltd.", phone="03-1111")

    page = client.get(reverse("users:detail", kwargs={"pk": member.pk})).text

    assert "Sakura Residence Co., Ltd." in page
    assert "03-1111" not in page
    assert member.email not in page


def test_public_profile_hides_private_fields_from_other_signed_in_members(client):
    member = UserFactory(first_name="Secretfirst", phone="070-5555-1212")
    client.force_login(UserFactory())

    page = client.get(reverse("users:detail", kwargs={"pk": member.pk})).text

    assert "Secretfirst" not in page
    assert "070-5555-1212" not in page


def test_staff_and_unknown_profiles_are_not_found(client):
    staff = UserFactory(is_staff=True)

    assert client.get(reverse("users:detail", kwargs={"pk": staff.pk})).status_code == 404
    assert client.get("/users/999999/").status_code == 404


def test_account_page_shows_the_owner_their_full_details(client):
    member = UserFactory(first_name="Haruki", last_name="Murakami", phone="080-9999-0000")
    client.force_login(member)

    page = client.get(reverse("accounts:profile")).text

    assert "Haruki Murakami" in page
    assert "080-9999-0000" in page
    assert member.email in page


def test_account_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_edit_switching_to_corporate_drops_personal_names(client):
    member = UserFactory(first_name="Haruki", last_name="Murakami")
    client.force_login(member)

    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "account_type": "corporate",
            "corporation_name": "Murakami Lettings",
            "phone": "",
            **EVERY_FIELD_ONLY_ME,
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.public_name == "Murakami Lettings"
    assert (member.first_name, member.last_name) == ("", "")


def test_profile_edit_with_missing_names_shows_errors_and_keeps_the_old_ones(client):
    member = UserFactory(first_name="Haruki", last_name="Murakami")
    client.force_login(member)

    response = client.post(
        reverse("accounts:profile_edit"),
        {"account_type": "personal", "first_name": "Haruki", **EVERY_FIELD_ONLY_ME},
    )

    assert response.status_code == 200
    assert "This field is required for a personal account." in response.text
    member.refresh_from_db()
    assert member.last_name == "Murakami"
