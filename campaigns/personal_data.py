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


# --- Questionnaires (campaigns/questionnaires/) --------------------------------------
# A person's own responses and answers, that they answered (participation), the
# questionnaires a stay sent them, and their feedback. Deletion keeps the counts of
# a questionnaire's results: responses lose their person and free texts are erased;
# the rest is deleted. Anonymous responses hold no person: see the models' docstring.

from campaigns.questionnaires.models import (  # noqa: E402
    Answer,
    Feedback,
    Invitation,
    Participation,
    Response,
)


def _answer_export(answer: Answer) -> dict:
    return {
        "questionnaire": answer.response.questionnaire.title_en,
        "question": answer.question.text_en,
        "answer": answer.display,
    }


register(
    PersonalData(
        model=Response,
        person_field="user",
        export=lambda r: {
            "questionnaire": r.questionnaire.title_en,
            "submitted_at": r.submitted_at.isoformat(),
            "updated_at": r.updated_at.isoformat(),
        },
        erase=Erase.ANONYMISE,
        anonymise={"user": None},
    )
)

register(
    PersonalData(
        model=Answer,
        person_field="response__user",
        export=_answer_export,
        erase=Erase.ANONYMISE,
        anonymise={"text": ""},
    )
)

register(
    PersonalData(
        model=Participation,
        person_field="user",
        export=lambda p: {
            "questionnaire": p.questionnaire.title_en,
            "answered_at": p.answered_at.isoformat(),
        },
        erase=Erase.DELETE,
    )
)

register(
    PersonalData(
        model=Invitation,
        person_field="user",
        export=lambda i: {
            "questionnaire": i.questionnaire.title_en,
            "contract": i.contract.number,
            "moment": i.moment,
            "at": i.created_at.isoformat(),
        },
        erase=Erase.DELETE,
    )
)

register(
    PersonalData(
        model=Feedback,
        person_field="user",
        export_fields=("category", "text", "created_at"),
        erase=Erase.DELETE,
    )
)


# --- Applications and gifts ---------------------------------------------------------------
# Applications (who applied to which campaign, when, whether chosen) and gift shipments
# (the shipping address and phone, the consent to use them, carrier and tracking). Deletion
# empties the person and the address and keeps the rows, so a campaign's counts stay; a
# draw keeps its record but not the staff member who ran it.

from campaigns.gifts.models import GiftApplication, GiftDraw, GiftShipment  # noqa: E402


def _when(value):
    return value.isoformat() if value else None


register(
    PersonalData(
        model=GiftApplication,
        person_field="user",
        export=lambda a: {
            "campaign": a.campaign.name,
            "applied_at": _when(a.applied_at),
            "chosen_at": _when(a.chosen_at),
            "chosen_in_draw": a.draw_id,
        },
        erase=Erase.ANONYMISE,
        anonymise={"user": None},
        other_user_fields={"chosen_by": "staff member who chose the application"},
    )
)

register(
    PersonalData(
        model=GiftShipment,
        person_field="user",
        export=lambda s: {
            "campaign": s.campaign.name,
            "status": s.status,
            "recipient_name": s.recipient_name,
            "postal_code": s.postal_code,
            "prefecture": s.prefecture,
            "city": s.city,
            "address_line": s.address_line,
            "building": s.building,
            "phone": s.phone,
            "address_consented_at": _when(s.address_consented_at),
            "address_consent_ip": s.address_consent_ip,
            "carrier": s.carrier,
            "tracking_number": s.tracking_number,
            "shipped_at": _when(s.shipped_at),
            "delivered_at": _when(s.delivered_at),
            "confirmed_at": _when(s.confirmed_at),
        },
        erase=Erase.ANONYMISE,
        anonymise={
            "user": None,
            "recipient_name": "",
            "postal_code": "",
            "city": "",
            "address_line": "",
            "building": "",
            "phone": "",
            "address_consent_ip": None,
            "tracking_number": "",
        },
    )
)

register(
    PersonalData(
        model=GiftDraw,
        person_field="drawn_by",
        export_fields=("campaign", "number", "drawn_at"),
        erase=Erase.ANONYMISE,
        anonymise={"drawn_by": None},
    )
)
