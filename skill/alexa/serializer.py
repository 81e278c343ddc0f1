"""The ASK SDK's serializer with its two hot spots made cheap.

DefaultSerializer resolves every model class from its dotted name with __import__ on every
field of every request, parses every timestamp with dateutil, and only takes JSON text, which
the service has already parsed to check it. Class names are cached, ISO timestamps parsed by
the standard library, and parsed JSON accepted; everything else is the SDK's own code.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer


class QuickSerializer(DefaultSerializer):
    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}

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
