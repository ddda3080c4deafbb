import pytest
from playwright.sync_api import expect

from messaging.models import Thread
from tests.accounts.factories import UserFactory
from tests.e2e.helpers import log_in, new_page
from tests.listings.builders import days, published_listing, station

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_tenant_requests_materials_host_replies_and_a_stranger_gets_404(site):
    base = site.base_url
    host = UserFactory(email="hana.journey@example.com", is_host=True, last_name="Sato")
    listing = published_listing(
        host=host,
        stations=[(station(), 400)],
        title="Quiet 1K near Ebisu",
        communication_style="easy",
    )
    tenant = UserFactory(email="alex.journey@example.com", first_name="Alex", last_name="Morgan")
    stranger = UserFactory(email="sam.journey@example.com")

    log_in(site, base, tenant.email)
    site.goto(base + listing.get_absolute_url())
    site.get_by_role("link", name="Request materials").click()
    expect(site.get_by_role("heading", name="What the host will see")).to_be_visible()
    site.get_by_label("Move-in date").fill(days(30).isoformat())
    site.get_by_label("Months").fill("3")
    site.get_by_label("Number of people").fill("1")
    site.locator("#id_body").fill("Could you send the floor plan?")
    site.get_by_label("My full name").check()
    site.get_by_label("I agree that KaguAruoo passes").check()
    site.get_by_role("button", name="Send inquiry").click()

    expect(site.get_by_text("Your inquiry was sent to the host.")).to_be_visible()
    expect(site.get_by_text("Take it easy!")).to_be_visible()
    thread = Thread.objects.get()
    assert thread.shared_fields == ["public_name", "inquiry", "full_name"]

    host_page = new_page(site)
    log_in(host_page, base, host.email)
    expect(host_page.get_by_test_id("unread-count")).to_have_text("1")
    host_page.get_by_role("link", name="Messages").click()
    host_page.get_by_role("link", name="Quiet 1K near Ebisu").click()
    expect(host_page.get_by_text("Could you send the floor plan?")).to_be_visible()
    expect(host_page.get_by_text("Alex Morgan")).to_be_visible()
    expect(host_page.get_by_test_id("unread-count")).to_have_count(0)
    host_page.locator("#id_body").fill("Of course, here it comes.")
    host_page.get_by_role("button", name="Send", exact=True).click()
    expect(host_page.get_by_text("Of course, here it comes.")).to_be_visible()

    site.reload()
    expect(site.get_by_test_id("unread-count")).to_have_count(0)
    expect(site.get_by_text("Of course, here it comes.")).to_be_visible()

    stranger_page = new_page(site)
    log_in(stranger_page, base, stranger.email)
    response = stranger_page.goto(base + f"/messages/{thread.pk}/")
    assert response.status == 404
    assert "Could you send the floor plan?" not in stranger_page.content()
