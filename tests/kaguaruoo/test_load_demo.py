import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET
from accounts.models import User
from campaigns.core.demo import READERS
from privacy.staff_access import is_privacy_officer
from tests.privacy import helpers

# Each test starts from the demo loaded on an empty database (the `demo` fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

DEMO_EMAILS = {
    "hana.host@example.com",
    "sakura.host@example.com",
    "ken.host@example.com",
    "alex.tenant@example.com",
    "mei.tenant@example.com",
    "sam.tenant@example.com",
    "staff@example.com",
}


def snapshot():
    users = {
        u.email: (u.account_type, u.public_name, u.is_host, u.is_staff, u.password)
        for u in User.objects.all()
    }
    addresses = sorted(EmailAddress.objects.values_list("email", "verified", "primary"))
    return users, addresses


def test_load_demo_twice_gives_the_same_data(capsys):
    first = snapshot()
    call_command("load_demo")

    assert snapshot() == first
    # Besides the printed logins: the campaign's newsletter readers, who cannot log in.
    readers = {f"reader{n:02}@example.com" for n in range(1, READERS + 1)}
    assert set(first[0]) == DEMO_EMAILS | readers
    assert not any(User.objects.get(email=email).has_usable_password() for email in readers)
    assert all(verified and primary for _, verified, primary in first[1])
    printed = capsys.readouterr().out
    assert "staff@example.com" in printed
    assert DEMO_PASSWORD in printed


def test_demo_accounts_log_in_with_the_shared_password(client):
    for email in DEMO_EMAILS:
        assert client.login(email=email, password=DEMO_PASSWORD), email
        client.logout()
    sakura = User.objects.get(email="sakura.host@example.com")
    assert sakura.public_name == "Sakura Residence Co., Ltd."
    assert User.objects.get(email="hana.host@example.com").public_name == "Sato"


def test_demo_staff_account_reaches_django_admin_with_the_printed_second_factor(client, capsys):
    call_command("load_demo")
    printed = capsys.readouterr().out
    assert DEMO_STAFF_TOTP_SECRET in printed
    staff = User.objects.get(email="staff@example.com")

    helpers.sign_in_with_second_factor(
        client, staff, secret=DEMO_STAFF_TOTP_SECRET, password=DEMO_PASSWORD
    )

    assert client.get("/admin/").status_code == 200
    assert is_privacy_officer(staff)
