"""The ASK SDK's serializer with its two hot spots made cheap.

DefaultSerializer resolves every model class from its dotted name with __import__ on every
field of every request, parses every timestamp with dateutil, and only takes JSON text, which
the service has already parsed to check it. Class names are cached, ISO timestamps parsed by
the standard library, and parsed JSON accepted. One fix: keys a model does not name are dropped
rather than set as attributes (a client could overwrite the model's own). Everything else is the
SDK's own code.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer


class QuickSerializer(DefaultSerializer):
    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}
        self._fields: dict[type, tuple[tuple[str, str, str], ...]] = {}

    def from_data(self, data: dict[str, Any], obj_type: type) -> Any:
        """Like deserialize, from JSON the caller has already parsed (and checked)."""
        return self._DefaultSerializer__deserialize(data, obj_type)

    # These override DefaultSerializer's private (name-mangled) helpers.

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:  # noqa: N802
        found = self._classes.get(class_name)
        if found is None:
            found = super()._DefaultSerializer__load_class_from_name(class_name)
            self._classes[class_name] = found
        return found

    def _DefaultSerializer__deserialize_datetime(self, payload: str, obj_type: Any) -> Any:  # noqa: N802
        try:
            moment = datetime.fromisoformat(payload)
        except (TypeError, ValueError):  # not ISO 8601: let dateutil try, and fail as the SDK does
            return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)
        return moment.date() if obj_type is date else moment

    def _DefaultSerializer__deserialize_model(self, payload: Any, obj_type: Any) -> Any:  # noqa: N802
        """The SDK's, except that keys its model does not name are dropped. The SDK sets them
        as attributes, so a client's "__dict__" or "object_type" replaced the model's own."""
        try:
            if issubclass(obj_type, Enum):
                return obj_type(payload)
            if not hasattr(obj_type, "deserialized_types"):
                return payload
            if not isinstance(payload, dict):
                raise SerializationException(f"expected an object for {obj_type.__name__}")
            if hasattr(obj_type, "get_real_child_model"):
                obj_type = self._DefaultSerializer__get_obj_by_discriminator(payload, obj_type)
            model = obj_type()
            for attribute, key, kind in self._model_fields(obj_type):
                if key in payload:
                    value = self._DefaultSerializer__deserialize(payload[key], kind)
                    setattr(model, attribute, value)
            return model
        except Exception as error:  # as the SDK does: any failure is a SerializationException
            raise SerializationException(str(error)) from None

    def _model_fields(self, model: type) -> tuple[tuple[str, str, str], ...]:
        found = self._fields.get(model)
        if found is None:
            names = getattr(model, "attribute_map", {})
            found = tuple((attribute, names.get(attribute, attribute), kind)
                          for attribute, kind in model.deserialized_types.items())
            self._fields[model] = found
        return found
