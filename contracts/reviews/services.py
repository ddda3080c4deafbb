"""Reviews after a stay: the tenant about the host and the apartment, the host about the tenant.

Each party of a signed contract may write one review from the move-out day
until `REVIEW_DAYS` later. A review stays hidden from the other party and the
public until both have written theirs or `REVIEW_DAYS` have passed since
move-out (`reviews_published` in reviews/selectors.py, the one definition of
"published"). The window closes when they are published, so nobody writes after
reading the other's.
"""

import contextlib
import datetime
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.core.services import contract_mail_send
from contracts.models import Contract, Review
from contracts.reviews.selectors import REVIEW_DAYS, listing_reviews_key


def review_last_day(*, contract: Contract) -> datetime.date:
    """The last day a party may write a review; the next day, the reviews are public."""
    return contract.end_date + datetime.timedelta(days=REVIEW_DAYS - 1)


def review_check(*, contract: Contract, author: User) -> None:
    """Refuse a review the author may not write now, saying why."""
    if contract.role_of(author) is None:
        raise PermissionDenied
    today = timezone.localdate()
    if contract.status != Contract.Status.SIGNED:
        raise ValidationError(_("Only a stay under a signed contract can be reviewed."))
    if contract.end_date > today:
        raise ValidationError(
            _("You can review the stay from the move-out day, %(date)s.")
            % {"date": date_format(contract.end_date)},
            code="too_early",
        )
    last_day = review_last_day(contract=contract)
    if today > last_day:
        raise ValidationError(
            _("Reviews of this stay could be written until %(date)s.")
            % {"date": date_format(last_day)},
            code="too_late",
        )
    if contract.reviews.filter(author=author).exists():
        raise ValidationError(_("You have already reviewed this stay."), code="duplicate")


@transaction.atomic
def _listing_reviews_retire(*, listing_id: int) -> None:
    keys = [
        listing_reviews_key(listing_id=listing_id, language=code)
        for code, _name in settings.LANGUAGES
    ]
    with contextlib.suppress(Exception):  # Kept five minutes at most in any case.
        cache.delete_many(keys)


def review_write(*, contract: Contract, author: User, rating: int, body: str) -> Review:
    """One party's review of the other; the other party is told, without reading it yet."""
    review_check(contract=contract, author=author)
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a few words about the stay."), code="body")
    if not 1 <= rating <= 5:
        raise ValidationError(_("Give 1 to 5 stars."), code="rating")
    is_tenant = author.pk == contract.tenant_id
    try:
        with transaction.atomic():
            review = Review.objects.create(
                contract=contract,
                author=author,
                subject=contract.host if is_tenant else contract.tenant,
                role=Review.Role.TENANT if is_tenant else Review.Role.HOST,
                rating=rating,
                body=body,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("You have already reviewed this stay."), code="duplicate"
        ) from error
    transaction.on_commit(partial(_listing_reviews_retire, listing_id=contract.listing_id))
    both_written = contract.reviews.count() == 2
    contract_mail_send(
        to=review.subject,
        template="review_published" if both_written else "review_written",
        context={
            "contract": contract,
            "author": author,
            "last_day": review_last_day(contract=contract),
        },
    )
    if both_written:
        contract_mail_send(
            to=author,
            template="review_published",
            context={"contract": contract, "author": review.subject},
        )
    return review
