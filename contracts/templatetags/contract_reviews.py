"""Published reviews on listing pages and public profiles.

listings/ and accounts/ may not import contracts (imports point the other way),
so their templates load this library: `{% listing_reviews listing %}`,
`{% user_reviews member %}`. Each costs at most two queries.
"""

from django import template

from contracts.reviews.services import (
    reviews_public_about,
    reviews_public_for_listing,
    reviews_summary,
)

register = template.Library()


@register.inclusion_tag("contracts/partials/review_list.html")
def listing_reviews(listing):
    return {
        "summary": reviews_summary(reviews_public_for_listing(listing=listing)),
        "show_listing": False,
    }


@register.inclusion_tag("contracts/partials/review_list.html")
def user_reviews(user):
    return {"summary": reviews_summary(reviews_public_about(user=user)), "show_listing": True}
