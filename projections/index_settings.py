"""Index settings built when read, so a new generation follows the current settings."""

from collections.abc import Callable, Iterator, Mapping
from typing import Any


class IndexSettings(Mapping[str, Any]):
    """The settings `build()` returns at the moment they are read (index creation)."""

    def __init__(self, build: Callable[[], dict[str, Any]]) -> None:
        self._build = build

    def __getitem__(self, key: str) -> Any:
        return self._build()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._build())

    def __len__(self) -> int:
        return len(self._build())
