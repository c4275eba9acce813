"""Output serializers for store documents: DRF fields, one plain loop per row.

DRF's generic `to_representation` spends most of its time resolving attributes
and skipping fields, and every new serializer deep-copies its fields. A read
model row is already a dict with the right keys, so each field only converts its
value, and one serializer instance per class serves every request (output-only
serializers hold no per-request state).
"""

from functools import cache
from typing import Any

from rest_framework import serializers


class DocumentSerializer(serializers.Serializer):
    """Serializes dicts read from OpenSearch or Redis; absent keys become null."""

    @classmethod
    def represent(cls, document: dict[str, Any]) -> dict[str, Any]:
        """One document in its output shape."""
        return _shared(cls).to_representation(document)

    @classmethod
    def represent_many(cls, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Documents in their output shape."""
        serializer = _shared(cls)
        return [serializer.to_representation(document) for document in documents]

    def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
        row = {}
        for name, field in self._converters:
            value = instance.get(name)
            row[name] = None if value is None else field.to_representation(value)
        return row

    @property
    def _converters(self) -> list[tuple[str, serializers.Field]]:
        converters = self.__dict__.get("_converter_list")
        if converters is None:
            converters = [(field.field_name, field) for field in self._readable_fields]
            self.__dict__["_converter_list"] = converters
        return converters


@cache
def _shared(serializer_class: type[DocumentSerializer]) -> DocumentSerializer:
    serializer = serializer_class()
    serializer._converters  # noqa: B018 - bind the fields once, before threads share it
    return serializer
