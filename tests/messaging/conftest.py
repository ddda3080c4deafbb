import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests make many users and log them in with force_login: a slow hash buys nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
