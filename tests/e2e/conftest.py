"""Browser journeys: pytest-playwright driving Debian's Chromium against live_server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(
            f"Chromium is needed for the browser tests and is not at {CHROMIUM}: "
            "install it with `apt-get install -y chromium` (or set CHROMIUM_PATH)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def site(live_server, page):
    """The page, pointed at the live server, with short timeouts so failures are quick."""
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    return page
