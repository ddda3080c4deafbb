"""`load_demo` sets known passwords: with DEBUG off it refuses, and creates nobody.

Apart from tests/kaguaruoo/test_load_demo.py, whose tests all start from the loaded demo.
"""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_load_demo_refuses_to_run_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not User.objects.exists()
