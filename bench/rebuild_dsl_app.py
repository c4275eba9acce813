"""The app `rebuild_dsl_settings` installs so the benchmark's Document is registered."""

from pathlib import Path

from django.apps import AppConfig


class RebuildBenchDslConfig(AppConfig):
    name = "bench"
    label = "rebuild_bench_dsl"
    path = str(Path(__file__).resolve().parent)

    def ready(self) -> None:
        from bench import rebuild_dsl_documents  # noqa: F401 - registers the Document
