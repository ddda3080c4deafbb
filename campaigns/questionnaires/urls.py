from django.urls import path

from campaigns.questionnaires import views

urlpatterns = [
    path("q/<str:token>/", views.questionnaire_by_link, name="questionnaire_by_link"),
    path("questionnaires/<int:pk>/", views.questionnaire_answer, name="questionnaire_answer"),
    path("feedback/", views.feedback, name="feedback"),
]
