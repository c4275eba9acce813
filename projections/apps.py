from django.apps import AppConfig
from django.core import checks

from projections import registry


class ProjectionsConfig(AppConfig):
    name = "projections"
    verbose_name = "Projections"

    def ready(self) -> None:
        checks.register(registry.check_registrations)
