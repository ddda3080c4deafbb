import pytest

from listings.demo import SHIBUYA_TITLE
from messaging import demo
from messaging.models import DeliveryRequest, Thread
from tests.accounts.factories import UserFactory
from tests.messaging.builders import listing_near_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people():
    hana = UserFactory(email="hana.host@example.com", is_host=True)
    listing_near_station(host=hana, title=SHIBUYA_TITLE, max_months=12)
    UserFactory(email="alex.tenant@example.com")
    UserFactory(email="mei.tenant@example.com")
    UserFactory(email="sam.tenant@example.com")


def test_demo_threads_are_alex_and_meis_with_hana_and_load_once(demo_people):
    assert demo.load() == 2
    assert demo.load() == 2

    tenants = set(Thread.objects.values_list("tenant__email", flat=True))
    assert tenants == {"alex.tenant@example.com", "mei.tenant@example.com"}
    assert DeliveryRequest.objects.get().thread.tenant.email == "alex.tenant@example.com"
    assert all(t.messages.count() >= 2 for t in Thread.objects.all())


def test_without_the_shibuya_listing_the_demo_makes_no_threads():
    assert demo.load() == 0
