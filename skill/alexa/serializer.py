"""The ASK SDK's serializer, with its results computed by compiled straight-line code.

DefaultSerializer interprets model metadata on every request, looks classes up with __import__
and parses timestamps with dateutil. QuickSerializer builds the very same ask_sdk_model objects
and JSON-ready data from readers and writers compiled per class on first use (model_readers,
model_writers) in about a tenth of the instructions (bench/serializer.py), fails on the same
input with the same SerializationException (its message names the field), and leaves every type
it does not compile to the SDK.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

from ..untrusted import clip
from .model_readers import reader_for
from .model_writers import write
from .read_errors import describe_failure


class QuickSerializer(DefaultSerializer):
    """A DefaultSerializer, for the skill and for the SDK's service clients alike."""

    def from_data(self, data: Any, obj_type: Any) -> Any:
        """Like deserialize, from JSON the caller has already parsed (and checked)."""
        read = reader_for(obj_type) if isinstance(obj_type, type) else None
        if read is None:  # a type name, a list or a primitive: the SDK's own code
            return self._DefaultSerializer__deserialize(data, obj_type)
        try:
            return read(data)
        except Exception as error:  # the SDK wraps every failure inside a model the same way
            raise SerializationException(describe_failure(data, obj_type, error)) from error

    def deserialize(self, payload: str | None, obj_type: Any) -> Any:
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception:
            raise SerializationException(
                clip(f"Couldn't parse response body: {payload}")) from None
        return self.from_data(data, obj_type)

    def serialize(self, obj: Any) -> Any:
        return write(obj)
