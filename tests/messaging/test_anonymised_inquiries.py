import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.messaging.builders import listing_near_station, start_thread

pytestmark = pytest.mark.django_db


def export_rows(client):
    text = client.post(reverse("privacy:anonymised_export")).content.decode()
    return list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))


def test_the_anonymised_export_counts_inquiries_per_area_and_hides_small_groups(
    officer_client,
):
    tokyo = listing_near_station()
    osaka = listing_near_station(
        postal_code="5300001", prefecture="大阪府", city="大阪市北区", town="梅田"
    )
    tenants = UserFactory.create_batch(5)
    for tenant in tenants:
        start_thread(tenant=tenant, listing=tokyo, notify=False)
    start_thread(tenant=tenants[0], listing=osaka, notify=False)

    rows = [
        r
        for r in export_rows(officer_client)
        if r["aggregate"] in {"inquiries_by_prefecture_and_month", "stay_lengths_asked"}
    ]

    month = f"{timezone.localdate():%Y-%m}"
    by_group = {r["group"]: int(r["people"]) for r in rows}
    assert by_group[f"month={month}; prefecture=東京都"] == 5
    assert not any("大阪府" in group for group in by_group)
    assert by_group["months=3"] == 5
    assert all(tenant.email not in str(rows) for tenant in tenants)
