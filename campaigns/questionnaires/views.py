"""A person's questionnaire page (by their mailed link, or signed in) and the feedback page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns.questionnaires import selectors, services
from campaigns.questionnaires.forms import AnswerForm, FeedbackForm
from kaguaruoo.actions import form_submit


def _answer_page(request, questionnaire, user):
    language = get_language()
    response = selectors.response_of(questionnaire=questionnaire, user=user)
    context = {
        "questionnaire": questionnaire,
        "title": questionnaire.title_in(language),
        "intro": questionnaire.intro_in(language),
        "answered": response is not None,
    }
    if not questionnaire.is_open:
        summary = selectors.response_summary(response=response, language=language)
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "campaigns/questionnaires/questionnaire_closed.html",
            {**context, "summary": summary},
            status=status,
        )
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial=AnswerForm.initial_from(response),
        questions=selectors.questions_of(questionnaire=questionnaire),
        language=language,
    )
    saved = form_submit(
        request,
        form,
        lambda _data: services.response_save(
            questionnaire=questionnaire, user=user, answers=form.answers()
        ),
        done=_("Thank you! Your answers are saved; you can change them until it closes."),
    )
    if saved:
        return redirect(request.path)
    return render(
        request,
        "campaigns/questionnaires/questionnaire_form.html",
        {**context, "form": form},
        status=400 if form.is_bound else 200,
    )


def questionnaire_by_link(request, token):
    """The mailed link: it names the person, so it works without signing in."""
    questionnaire, user = selectors.questionnaire_get_by_token(token=token)
    return _answer_page(request, questionnaire, user)


@login_required
def questionnaire_answer(request, pk):
    questionnaire = selectors.questionnaire_get_for_invitee(user=request.user, pk=pk)
    return _answer_page(request, questionnaire, request.user)


@login_required
def feedback(request):
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    sent = form_submit(
        request,
        form,
        lambda data: services.feedback_send(
            user=request.user, text=data["text"], category=data["category"]
        ),
        done=_("Thank you for your opinion. KaguAruoo staff read every message."),
    )
    if sent:
        return redirect("campaigns:feedback")
    return render(
        request,
        "campaigns/questionnaires/feedback_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
