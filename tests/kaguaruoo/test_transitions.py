import pytest

from kaguaruoo.roles import PARTIES, Role
from kaguaruoo.transitions import IllegalTransition, TransitionTable, transition_move
from listings.models import Listing
from tests.listings.builders import listing_near_station

pytestmark = pytest.mark.django_db

S = Listing.Status
TABLE = TransitionTable.of(
    {
        (S.PUBLISHED, S.PAUSED): Role.HOST,
        (S.PAUSED, S.PUBLISHED): PARTIES,
    }
)


def test_a_move_the_table_names_for_the_role_is_made_and_written():
    listing = listing_near_station()

    transition_move(obj=listing, table=TABLE, to=S.PAUSED, role=Role.HOST)

    assert listing.status == S.PAUSED
    assert Listing.objects.get(pk=listing.pk).status == S.PAUSED


@pytest.mark.parametrize("role", [Role.TENANT, Role.STRANGER, Role.SYSTEM])
def test_a_role_the_table_does_not_name_is_refused_and_nothing_changes(role):
    listing = listing_near_station()

    with pytest.raises(IllegalTransition):
        transition_move(obj=listing, table=TABLE, to=S.PAUSED, role=role)

    assert Listing.objects.get(pk=listing.pk).status == S.PUBLISHED


def test_a_move_missing_from_the_table_is_refused_with_the_message_given():
    listing = listing_near_station()

    with pytest.raises(IllegalTransition, match="cannot become a draft"):
        transition_move(
            obj=listing, table=TABLE, to=S.DRAFT, role=Role.HOST, message="cannot become a draft"
        )


def test_an_object_moved_by_someone_else_since_it_was_read_is_not_moved_again():
    listing = listing_near_station()
    read_earlier = Listing.objects.get(pk=listing.pk)
    transition_move(obj=listing, table=TABLE, to=S.PAUSED, role=Role.HOST)

    with pytest.raises(IllegalTransition, match="changed state meanwhile"):
        transition_move(obj=read_earlier, table=TABLE, to=S.PAUSED, role=Role.HOST)
    assert Listing.objects.get(pk=listing.pk).status == S.PAUSED


def test_an_unguarded_table_lets_any_role_make_its_moves_and_knows_their_sources():
    table = TransitionTable.unguarded([(S.DRAFT, S.PUBLISHED), (S.PAUSED, S.PUBLISHED)])

    assert table.allows(current=S.DRAFT, to=S.PUBLISHED, role=Role.STRANGER)
    assert not table.allows(current=S.PUBLISHED, to=S.DRAFT)
    assert table.sources(S.PUBLISHED) == {S.DRAFT, S.PAUSED}
