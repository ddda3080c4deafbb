from django.apps import AppConfig


class KaguaruooConfig(AppConfig):
    name = "kaguaruoo"
    verbose_name = "KaguAruoo"
