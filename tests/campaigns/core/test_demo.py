import pytest
from django.core.management import call_command

from campaigns.core.demo import DEMO_NAME, READERS
from campaigns.core.models import Campaign
from campaigns.core.selectors import campaign_statistics, campaign_timeline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_demo_shows_a_sent_campaign_with_opens_clicks_and_an_unsubscribe():
    """Loaded on an empty database (the `demo` fixture), then a second time."""
    call_command("load_demo", quiet_logins=True)

    campaign = Campaign.objects.get(name=DEMO_NAME)
    statistics = campaign_statistics(campaign=campaign)
    assert campaign.status == Campaign.Status.FINISHED
    assert statistics["delivered"] == READERS
    assert 0 < statistics["clicked"] < statistics["opened"] < READERS
    assert statistics["unsubscribed"] == 1
    assert all(link.clicks > 0 for link in statistics["links"])
    assert len(campaign_timeline(campaign=campaign)) > 3
