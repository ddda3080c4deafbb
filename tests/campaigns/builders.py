"""Campaign test data: people who agreed to campaign mail, and campaigns to them."""

from campaigns.core.models import Campaign
from privacy.models import Consent
from privacy.services import consent_record
from tests.accounts.factories import UserFactory


def consenting_user(*, purposes=(Consent.Purpose.MARKETING,), **fields):
    user = UserFactory(**fields)
    for purpose in purposes:
        consent_record(
            user=user, purpose=purpose, granted=True, ip="192.0.2.1", source=Consent.Source.SIGNUP
        )
    return user


def campaign_build(*, created_by=None, **fields) -> Campaign:
    values = {
        "name": "Spring move-in",
        "subject_en": "Spring rooms for {{ name }}",
        "subject_ja": "{{ name }}様へ 春のお部屋",
        "body_en": "Hello {{ name }},\n\nNew rooms: https://kaguaruoo.example/spring. Also https://kaguaruoo.example/faq",
        "body_ja": "{{ name }}様\n\n新しいお部屋: https://kaguaruoo.example/spring 。よくある質問 https://kaguaruoo.example/faq",
        "audience": Campaign.Audience.EVERYONE,
        "created_by": created_by or UserFactory(is_staff=True),
        **fields,
    }
    return Campaign.objects.create(**values)


def campaign_to_consenting_people(count: int, *, email_prefix: str) -> Campaign:
    """`count` people who agreed to campaign mail (`<email_prefix><n>@example.com`), and a
    campaign to everyone, not yet sent."""
    for number in range(count):
        consenting_user(email=f"{email_prefix}{number}@example.com")
    return campaign_build()


def campaign_finished(campaign: Campaign) -> bool:
    campaign.refresh_from_db()
    return campaign.status == Campaign.Status.FINISHED
