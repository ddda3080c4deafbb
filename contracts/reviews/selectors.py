"""Reads of reviews: the one definition of "published", and what the public sees."""

import datetime

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation

from accounts.models import User
from contracts.models import Review

REVIEW_DAYS = 14
PUBLIC_LIST_LENGTH = 10
LISTING_REVIEWS_SECONDS = 300


def listing_reviews_key(*, listing_id: int, language: str | None = None) -> str:
    """Where a listing page's rendered reviews are kept, for a language (the current one)."""
    return f"contracts:listing-reviews:{language or translation.get_language()}:{listing_id}"


def reviews_published(
    reviews: QuerySet[Review], *, today: datetime.date | None = None
) -> QuerySet[Review]:
    """The reviews anyone may read: both parties have written, or the window has closed."""
    today = today or timezone.localdate()
    other_party_wrote = Review.objects.filter(contract=OuterRef("contract")).exclude(
        author=OuterRef("author")
    )
    return reviews.filter(
        Exists(other_party_wrote)
        | Q(contract__end_date__lte=today - datetime.timedelta(days=REVIEW_DAYS))
    )


def reviews_public_for_listing(*, listing) -> QuerySet[Review]:
    """Published reviews by tenants of the listing's stays, newest first."""
    return reviews_published(
        Review.objects.filter(contract__listing=listing, role=Review.Role.TENANT)
    ).select_related("author")


def reviews_public_about(*, user: User) -> QuerySet[Review]:
    """Published reviews about a member, as a host or as a tenant, newest first."""
    return reviews_published(Review.objects.filter(subject=user)).select_related(
        "author", "contract__listing"
    )


def reviews_summary(reviews: QuerySet[Review]) -> dict:
    """How many, their average and the newest few: at most two queries."""
    summary = reviews.aggregate(count=Count("id"), average=Avg("rating"))
    summary["latest"] = list(reviews[:PUBLIC_LIST_LENGTH]) if summary["count"] else []
    return summary


def reviews_of_contract(*, contract) -> dict[int, Review]:
    """The contract's reviews by author id: at most one per party."""
    return {review.author_id: review for review in contract.reviews.all()}


def review_is_published(review: Review) -> bool:
    return reviews_published(Review.objects.filter(pk=review.pk)).exists()
