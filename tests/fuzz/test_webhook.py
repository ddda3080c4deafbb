"""Correctly signed Stripe webhooks carrying generated JSON: any value, an event envelope
around any object, and checkout sessions whose fields take any type. Never a 500; an
event refused with a 400 records nothing, and no payment is marked paid by accident.
"""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.models import Payment, StripeEvent
from tests.contracts.payments.builders import WEBHOOK_SECRET, post_webhook
from tests.fuzz.conftest import assert_no_server_error, fuzz_settings, junk_text

# Generated inputs run in CI's PostgreSQL pass (where a NUL byte or an odd shape reaches
# the production database engine), not again on SQLite.
pytestmark = [pytest.mark.django_db, pytest.mark.integration]

EXAMPLES = {"webhooks": 200}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | junk_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(junk_text, children, max_size=4)
    ),
    max_leaves=12,
)


def anything_or(*values) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(values), json_values)


sessions = st.fixed_dictionaries(
    {},
    optional={
        "id": anything_or("cs_test_1", "cs_" + "x" * 300),
        "object": anything_or("checkout.session"),
        "payment_status": anything_or("paid", "unpaid"),
        "amount_total": anything_or(80_000, -1, 2**63, "80000", 8e4),
        "currency": anything_or("jpy", "JPY", "usd"),
        "payment_intent": anything_or("pi_1", {"id": "pi_1"}),
        "metadata": st.one_of(
            st.fixed_dictionaries(
                {}, optional={"payment_id": anything_or("1", "２", "²", "9" * 30, "1\x00", 1)}
            ),
            json_values,
        ),
    },
)

events = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "id": anything_or("evt_1", "evt_" + "x" * 200, "evt_\x00"),
            "type": anything_or("checkout.session.completed", "customer.created"),
            "data": st.one_of(st.fixed_dictionaries({"object": sessions}), json_values),
        }
    ),
)


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@given(event=events)
@fuzz_settings(EXAMPLES["webhooks"])
def test_a_signed_webhook_of_any_shape_is_answered_without_a_server_error(client, event):
    before = StripeEvent.objects.count()

    response = post_webhook(client, json.dumps(event, ensure_ascii=False))

    assert_no_server_error(response)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert StripeEvent.objects.count() == before
    assert not Payment.objects.filter(status=Payment.Status.PAID).exists()
