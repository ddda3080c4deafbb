"""Public pages read from the replica; writes, and reads right after a write, the primary.

The replica here is Django's test mirror of the primary (TEST MIRROR): the alias
"replica" opens its own connection to the test database. Both aliases see the
same rows, so each test asserts which connection ran the queries. A separate
connection sees only committed rows, hence transactional tests.
"""

import copy
import json
import re

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaguaruoo.db_router import RECENT_WRITE_COOKIE, RecentWriteMiddleware, replica_reads
from listings.models import Listing
from tests.accounts.factories import UserFactory
from tests.kaguaruoo.test_settings import start_django
from tests.listings.builders import published_listing, station

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """The alias "replica", made Django's test mirror of the primary as the test runner
    makes a TEST MIRROR alias. The settings have one only with DATABASE_REPLICA_URL
    (and then the test runner has mirrored it already).

    Module-wide, so that it exists before a test declares the databases it uses.
    """
    if "replica" in connections.settings:
        yield
        return
    default = connections["default"]
    connections.settings["replica"] = {
        **copy.deepcopy(default.settings_dict),
        "TEST": {**default.settings_dict["TEST"], "MIRROR": "default"},
    }
    connections["replica"].creation.set_as_test_mirror(default.settings_dict)
    yield
    with django_db_blocker.unblock():
        connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


# A connection of its own sees only committed rows: these tests commit.
with_replica = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def listing():
    return published_listing(
        title="Quiet 1K by Shibuya", stations=[(station("渋谷", "しぶや", "Shibuya"), 400)]
    )


def queries_by_alias(client_call):
    """Runs client_call(); the SQL each alias ran meanwhile, and the response."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client_call()
    return [q["sql"] for q in primary], [q["sql"] for q in replica], response


def mentions(queries, table):
    return [sql for sql in queries if f'"{table}"' in sql]


def reads_user(queries, user):
    where = re.compile(rf'"accounts_user"\."id" = {user.pk}\b')
    return [sql for sql in queries if sql.startswith("SELECT") and where.search(sql)]


@with_replica
def test_search_results_are_read_from_the_replica(client, listing):
    primary, replica_sql, response = queries_by_alias(
        lambda: client.get(reverse("listings:search"), {"q": "Shibuya"})
    )

    assert "Quiet 1K by Shibuya" in response.text
    assert mentions(replica_sql, "listings_listing")
    assert not mentions(primary, "listings_listing")
    assert not [sql for sql in replica_sql if sql.startswith(WRITES)]


@with_replica
def test_listing_page_is_read_from_the_replica(client, listing):
    primary, replica_sql, response = queries_by_alias(
        lambda: client.get(listing.get_absolute_url())
    )

    assert response.status_code == 200
    assert "Quiet 1K by Shibuya" in response.text
    assert mentions(replica_sql, "listings_listing")
    assert not mentions(primary, "listings_listing")


@with_replica
def test_public_profile_is_read_from_the_replica_and_the_viewer_from_the_primary(client):
    member = UserFactory(last_name="Murakami")
    viewer = UserFactory(last_name="Viewer")
    client.force_login(viewer)

    primary, replica_sql, response = queries_by_alias(
        lambda: client.get(reverse("users:detail", kwargs={"pk": member.pk}))
    )

    assert "Murakami" in response.text
    assert reads_user(replica_sql, member)
    # Who is signed in comes from the primary: a fresh login may not be on the replica yet.
    assert reads_user(primary, viewer)
    assert not reads_user(replica_sql, viewer)
    assert not mentions(replica_sql, "django_session")


@with_replica
def test_a_post_writes_to_the_primary_and_the_next_pages_read_the_primary(client, listing):
    client.force_login(listing.host)

    primary, replica_sql, response = queries_by_alias(
        lambda: client.post(reverse("listings:host_action", args=[listing.pk, "pause"]))
    )

    assert replica_sql == []
    assert [sql for sql in mentions(primary, "listings_listing") if sql.startswith("UPDATE")]
    assert RECENT_WRITE_COOKIE in response.cookies

    client.post(reverse("listings:host_action", args=[listing.pk, "publish"]))
    primary, replica_sql, response = queries_by_alias(
        lambda: client.get(listing.get_absolute_url())
    )

    # The host sees the listing as just saved, not as the replica may still have it.
    assert response.status_code == 200
    assert replica_sql == []
    assert mentions(primary, "listings_listing")


@with_replica
def test_reads_after_a_write_in_the_same_request_go_to_the_primary(listing):
    @replica_reads
    def view(request):
        before = Listing.objects.get(pk=listing.pk)
        Listing.objects.filter(pk=listing.pk).update(title="Renamed")
        after = Listing.objects.get(pk=listing.pk)
        return HttpResponse(f"{before.title}|{after.title}")

    request = RequestFactory().get("/")
    primary, replica_sql, response = queries_by_alias(lambda: RecentWriteMiddleware(view)(request))

    assert response.content.decode() == "Quiet 1K by Shibuya|Renamed"
    assert len(mentions(replica_sql, "listings_listing")) == 1
    assert [sql.split()[0] for sql in mentions(primary, "listings_listing")] == [
        "UPDATE",
        "SELECT",
    ]
    # The browser reads the primary for a while after this request wrote.
    assert RECENT_WRITE_COOKIE in response.cookies


@with_replica
@pytest.mark.parametrize(
    "page",
    [
        lambda listing: reverse("home"),
        lambda listing: reverse("accounts:profile"),
        lambda listing: reverse("listings:host_list"),
        lambda listing: reverse("listings:host_edit", args=[listing.pk]),
    ],
    ids=["home", "own profile", "host dashboard", "listing edit form"],
)
def test_other_pages_never_touch_the_replica(client, listing, page):
    client.force_login(listing.host)

    primary, replica_sql, response = queries_by_alias(lambda: client.get(page(listing)))

    assert response.status_code == 200
    assert replica_sql == []
    assert primary


PRINT_DATABASES = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES))"
)


def test_replica_url_becomes_the_replica_alias_mirrored_by_the_primary_in_tests(tmp_path):
    result = start_django(
        tmp_path,
        script=PRINT_DATABASES,
        DATABASE_URL="postgres://kagu:secret@primary.internal:5432/kaguaruoo",
        DATABASE_REPLICA_URL="postgres://reader:other@replica.internal:6432/kaguaruoo",
    )

    assert result.returncode == 0, result.stderr
    databases = json.loads(result.stdout)
    assert databases["default"]["HOST"] == "primary.internal"
    replica = databases["replica"]
    assert replica["ENGINE"] == "django.db.backends.postgresql"
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == (
        "replica.internal",
        "6432",
        "kaguaruoo",
    )
    assert (replica["USER"], replica["PASSWORD"]) == ("reader", "other")
    assert replica["TEST"]["MIRROR"] == "default"


def test_without_a_replica_url_there_is_only_the_primary(tmp_path):
    result = start_django(tmp_path, script=PRINT_DATABASES)

    assert result.returncode == 0, result.stderr
    assert list(json.loads(result.stdout)) == ["default"]


def test_a_malformed_replica_url_stops_start_up_naming_the_variable(tmp_path):
    result = start_django(tmp_path, DATABASE_REPLICA_URL="postgres://replica.internal")

    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration error: DATABASE_REPLICA_URL needs a host and a database name: "
        "'postgres://replica.internal'"
    )
