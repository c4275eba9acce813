"""How a rebuild or a verification tells a person what it is doing.

The functions that do the work take a `Reporter`; the management commands
pass one that writes to their stdout with a tqdm progress bar, the Dramatiq
task the silent default, which only logs.
"""

import logging
from typing import Protocol

logger = logging.getLogger(__name__)


class ProgressBar(Protocol):
    def update(self, n: int) -> None: ...

    def close(self) -> None: ...


class Reporter:
    """Logs what is said; shows no progress bar."""

    def say(self, message: str) -> None:
        logger.info("%s", message)

    def warn(self, message: str) -> None:
        logger.warning("%s", message)

    def bar(self, *, total: int, done: int, unit: str) -> ProgressBar:
        return NoBar()


class NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass
