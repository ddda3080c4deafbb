"""Demo questionnaire: a stay survey with a conditional question, answered by demo users.

Idempotent: the questionnaire is found by its title, and saving a person's answers
again replaces them, so a second `load_demo` changes nothing.
"""

from accounts.models import User
from campaigns.questionnaires.models import Question, Questionnaire
from campaigns.questionnaires.services import response_save

DEMO_TITLE = "How was your stay?"
DEMO_RESPONDENTS = [
    # email, rating, recommend, what they used, what to improve (only when "No")
    ("alex.tenant@example.com", 5, "Yes", ["House Guide", "Support"], ""),
    ("mei.tenant@example.com", 4, "Yes", ["House Guide"], ""),
    ("sam.tenant@example.com", 2, "No", ["Support"], "Faster answers to inquiries, please."),
    ("hana.host@example.com", 4, "Yes", ["House Guide", "Messages"], ""),
    ("ken.host@example.com", 3, "No", ["Messages"], "A calendar view of booked months."),
]
QUESTIONS = [
    {
        "kind": Question.Kind.RATING,
        "text_en": "How happy are you with KaguAruoo overall?",
        "text_ja": "KaguAruoo全体の満足度を教えてください。",
        "required": True,
    },
    {
        "kind": Question.Kind.SINGLE,
        "text_en": "Would you recommend KaguAruoo to a friend?",
        "text_ja": "KaguAruooを友人に勧めたいですか？",
        "choices_en": "Yes\nNo",
        "choices_ja": "はい\nいいえ",
        "required": True,
    },
    {
        "kind": Question.Kind.MULTIPLE,
        "text_en": "Which parts of the site did you use?",
        "text_ja": "サイトのどの機能を使いましたか？",
        "choices_en": "House Guide\nMessages\nSupport",
        "choices_ja": "ハウスガイド\nメッセージ\nサポート",
    },
    {
        "kind": Question.Kind.TEXT,
        "text_en": "What should KaguAruoo improve?",
        "text_ja": "KaguAruooが改善すべき点は何ですか？",
        "condition": ("Would you recommend KaguAruoo to a friend?", "No"),
        "required": True,
    },
]


def _questionnaire() -> Questionnaire:
    questionnaire, created = Questionnaire.objects.get_or_create(
        title_en=DEMO_TITLE,
        defaults={
            "title_ja": "ご滞在はいかがでしたか？",
            "intro_en": "Four short questions, two minutes. Thank you for helping us improve.",
            "intro_ja": "2分ほどの簡単なアンケートです。ご協力ありがとうございます。",
            "trigger": Questionnaire.Trigger.MOVE_OUT,
        },
    )
    if created:
        by_text = {}
        for position, spec in enumerate(QUESTIONS, start=1):
            fields = {k: v for k, v in spec.items() if k != "condition"}
            if "condition" in spec:
                text, value = spec["condition"]
                fields |= {"condition_question": by_text[text], "condition_value": value}
            question = Question.objects.create(
                questionnaire=questionnaire, position=position, **fields
            )
            by_text[question.text_en] = question
    return questionnaire


def questionnaires_demo() -> Questionnaire:
    """The demo questionnaire, with the answers of the demo users who exist."""
    questionnaire = _questionnaire()
    questions = list(questionnaire.questions.order_by("position"))
    if len(questions) != len(QUESTIONS) or not questionnaire.is_open:
        return questionnaire  # staff changed it: leave their version alone
    rating, recommend, used, improve = questions
    for email, stars, recommends, parts, wish in DEMO_RESPONDENTS:
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            continue
        answers = {rating: stars, recommend: recommends, used: parts}
        if wish:
            answers[improve] = wish
        response_save(questionnaire=questionnaire, user=user, answers=answers)
    return questionnaire
