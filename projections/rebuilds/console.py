"""The management commands' `Reporter`: their stdout, styles and a tqdm bar."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from projections.rebuilds.reporting import ProgressBar, Reporter


class ConsoleReporter(Reporter):
    """Says things at verbosity >= 1; shows a progress bar only on a terminal."""

    def __init__(self, *, command: BaseCommand, verbosity: int) -> None:
        self.command = command
        self.verbosity = verbosity

    def say(self, message: str) -> None:
        if self.verbosity >= 1:
            self.command.stdout.write(message)

    def warn(self, message: str) -> None:
        self.command.stdout.write(self.command.style.WARNING(message))

    def bar(self, *, total: int, done: int, unit: str) -> ProgressBar:
        return tqdm(
            total=total,
            initial=done,
            unit=unit,
            unit_scale=True,
            file=sys.stderr,
            dynamic_ncols=True,
            disable=self.verbosity < 1 or not sys.stderr.isatty(),
        )
