from django.apps import AppConfig
from django.core import checks


class ReadApiConfig(AppConfig):
    name = "readapi"
    verbose_name = "Read API"

    def ready(self) -> None:
        # The checks import the views, which need the app registry ready.
        from readapi.checks import TAG, check_filter_sets

        checks.register(check_filter_sets, TAG)
