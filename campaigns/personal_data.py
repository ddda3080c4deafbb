"""What the campaigns app holds about a person (see privacy/registry.py).

- deliveries: which campaign mailed the person, in which language, and whether
  (and when) they opened it, clicked its links or unsubscribed from it;
- clicks on the tracked links of a campaign mail.

Deletion keeps the campaign's counts and removes the person from them.
"""

from campaigns.core.models import Campaign, Click, Delivery
from privacy.registry import Erase, PersonalData, register

register(
    PersonalData(
        model=Delivery,
        person_field="user",
        export=lambda d: {
            "campaign": d.campaign.name,
            "language": d.language,
            "state": d.message.state,
            "sent_at": d.message.finished_at.isoformat() if d.message.finished_at else None,
            "first_opened_at": d.opened_at.isoformat() if d.opened_at else None,
            "opens": d.opens,
            "clicks": d.clicks,
            "unsubscribed_at": d.unsubscribed_at.isoformat() if d.unsubscribed_at else None,
        },
        erase=Erase.DELETE,
    )
)

register(
    PersonalData(
        model=Click,
        person_field="delivery__user",
        export=lambda c: {"link": c.link.url, "at": c.at.isoformat()},
        erase=Erase.DELETE,
    )
)

register(
    PersonalData(
        model=Campaign,
        person_field="created_by",
        export_fields=("name", "created_at"),
        erase=Erase.ANONYMISE,
        anonymise={"created_by": None},
    )
)
