"""An orjson-backed serializer for opensearch-py: bulk bodies are the hot path."""

from decimal import Decimal
from typing import Any

import orjson
from opensearchpy.exceptions import SerializationError
from opensearchpy.serializer import JSONSerializer


def _default(value: Any) -> Any:
    # Same conversions opensearch-py's JSONSerializer makes for the types orjson lacks.
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Unable to serialize {value!r} (type: {type(value)})")


class OrjsonSerializer(JSONSerializer):
    """JSON (de)serialisation with orjson; strings pass through as opensearch-py expects."""

    def dumps(self, data: Any) -> str:
        if isinstance(data, str):
            return data
        try:
            return orjson.dumps(data, default=_default).decode()
        except (TypeError, orjson.JSONEncodeError) as exc:
            raise SerializationError(data, exc) from exc

    def loads(self, s: str) -> Any:
        try:
            return orjson.loads(s)
        except orjson.JSONDecodeError as exc:
            raise SerializationError(s, exc) from exc
