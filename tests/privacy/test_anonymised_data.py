import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from privacy.models import AnonymisedExport, StaffAuditLog
from tests.accounts.factories import CorporateUserFactory, UserFactory
from tests.privacy.helpers import sign_in

pytestmark = pytest.mark.django_db


def export(client):
    response = client.post(reverse("privacy:anonymised_export"))
    assert response.status_code == 200
    text = response.content.decode()
    header, body = text.split("\n", 1)
    return header, list(csv.DictReader(io.StringIO(body)))


def test_the_export_says_what_it_is_and_holds_only_groups_of_five_or_more(officer_client):
    UserFactory.create_batch(6)
    CorporateUserFactory.create_batch(4)

    header, rows = export(officer_client)

    assert "Anonymously processed information" in header
    month = f"{timezone.localdate():%Y-%m}"
    personal = [r for r in rows if r["group"] == f"account_type=personal; month={month}"]
    assert [int(r["people"]) for r in personal] == [6]
    assert not [r for r in rows if "corporate" in r["group"]]
    assert all(int(r["people"]) >= 5 for r in rows)


def test_the_export_has_no_identifier_columns_or_values(officer_client):
    members = UserFactory.create_batch(5, first_name="Identifiable")

    _header, rows = export(officer_client)

    assert set(rows[0]) == {"aggregate", "group", "people"}
    text = str(rows)
    assert all(m.email not in text for m in members)
    assert "Identifiable" not in text
    assert not any(column in {"email", "name", "phone", "id", "user", "ip"} for column in rows[0])


def test_the_site_publishes_the_items_and_the_dates_of_exports(officer_client, client):
    export(officer_client)

    page = client.get(reverse("privacy:anonymised_data")).text

    assert "Members who signed up, by account type and month" in page
    assert "account type, month of sign-up, number of members" in page
    assert date_format(timezone.localdate()) in page
    assert AnonymisedExport.objects.count() == 1
    assert StaffAuditLog.objects.filter(action="export").count() == 1


def test_only_staff_signed_in_with_a_second_factor_export(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff)

    assert client.get(reverse("privacy:anonymised_export")).status_code == 404
    assert client.post(reverse("privacy:anonymised_export")).status_code == 404
    assert not AnonymisedExport.objects.exists()


def test_groups_are_counted_per_month(officer_client):
    last_year = timezone.now() - datetime.timedelta(days=400)
    UserFactory.create_batch(5, date_joined=last_year)

    _header, rows = export(officer_client)

    assert f"month={timezone.localtime(last_year):%Y-%m}" in " ".join(r["group"] for r in rows)


def test_opening_the_export_address_asks_before_exporting_and_records_nothing(officer_client):
    response = officer_client.get(reverse("privacy:anonymised_export"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Create the export" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert response["Cache-Control"] == "private, no-store"
    assert not AnonymisedExport.objects.exists()
    assert not StaffAuditLog.objects.filter(action="export").exists()


def test_an_export_posted_without_the_csrf_token_is_refused(officer_client):
    officer_client.handler.enforce_csrf_checks = True

    response = officer_client.post(reverse("privacy:anonymised_export"))

    assert response.status_code == 403
    assert not AnonymisedExport.objects.exists()
