"""SITE_URL: mail links follow the address `make run` serves at; production must name it."""

import re
import shlex
import subprocess

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.accounts.test_signup import sign_up
from tests.kaguaruoo.test_settings import ROOT, start_django

MAIL = """
import django
django.setup()
from types import SimpleNamespace
from kaguaruoo.mail import mail_render
contract = SimpleNamespace(get_absolute_url="/contracts/7/")
print(mail_render(template="contracts/emails/contract_expired", context={"contract": contract},
                  language="en")[1])
"""


def run_target_variables(**make_variables) -> tuple[str, dict]:
    """The runserver line of `make run` (not run: make -n) and the variables it sets."""
    arguments = [f"{name}={value}" for name, value in make_variables.items()]
    dry_run = subprocess.run(
        ["make", "-n", "run", *arguments], cwd=ROOT, capture_output=True, text=True, check=True
    )
    line = next(line for line in dry_run.stdout.splitlines() if "manage.py runserver" in line)
    variables = {}
    for word in shlex.split(line):
        if not re.match(r"^[A-Z_]+=", word):
            break
        name, value = word.split("=", 1)
        variables[name] = value
    return line, variables


def test_make_run_on_another_port_mails_links_to_that_port(tmp_path):
    line, variables = run_target_variables(PORT="8123")

    assert line.endswith("127.0.0.1:8123")
    result = start_django(tmp_path, script=MAIL, **variables)

    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:8123/contracts/7/" in result.stdout


def test_make_run_on_every_interface_mails_links_to_the_loopback_address(tmp_path):
    _line, variables = run_target_variables(HOST="0.0.0.0", PORT="8124")  # noqa: S104

    assert variables["SITE_URL"] == "http://127.0.0.1:8124"


@pytest.mark.django_db
def test_allauth_mails_name_the_site(client, mailoutbox, django_capture_on_commit_callbacks):
    sign_up(client, on_commit=django_capture_on_commit_callbacks)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})

    confirmation, reset = mailoutbox
    for mail in (confirmation, reset):
        assert "Hello from KaguAruoo!" in mail.body
        assert "Thank you for using KaguAruoo!" in mail.body
        assert "from !" not in mail.body and "using !" not in mail.body
