"""Every data binding in a document, resolved against the data source sent with it.

Walks the document as APL inflates it: `data` arrays give each child its `data` item, a
layout's parameters are bound at the place it is used, and names outside `payload`, `data`
and layout parameters must be APL's own (viewport, elapsedTime, Math ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Names APL itself provides to every expression.
GLOBALS = frozenset({"elapsedTime", "localTime", "utcTime", "viewport", "environment", "state",
                     "Math", "String", "Array", "Time", "event", "index", "length"})
CHILDREN = ("item", "items", "firstItem", "lastItem")
_EXPRESSION = re.compile(r"\$\{([^}]*)\}")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NAME = re.compile(r"(?<![\w.@])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
MISSING = object()


def expressions(text: str) -> list[str]:
    return _EXPRESSION.findall(text)


def names(expression: str) -> list[str]:
    """The dotted names an expression reads: "data.end - elapsedTime" gives both."""
    return _NAME.findall(_QUOTED.sub("", expression))


def lookup(scope: dict[str, Any], name: str) -> Any:
    root, *keys = name.split(".")
    if root not in scope:
        return MISSING
    value = scope[root]
    for key in keys:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key == "length":
            value = len(value)
        else:
            return MISSING
    return value


def bound(node: Any, where: str = "") -> Iterator[str]:
    """Where each string holding a binding sits in `node`, as a slash-separated path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from bound(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from bound(value, f"{where}/{index}")
    elif isinstance(node, str) and expressions(node):
        yield where


@dataclass
class Bindings:
    """One document checked against one data source: what failed, and what was reached."""

    document: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    sent: list[Any] = field(default_factory=list)  # what each SendEvent would send, resolved

    def check(self, datasources: dict[str, Any]) -> Bindings:
        for key in ("resources", "styles"):
            self._walk(self.document.get(key), {}, f"/{key}")
        template = self.document["mainTemplate"]
        scope = {name: datasources for name in template.get("parameters", [])}
        for key in CHILDREN:
            if key in template:
                self._walk(template[key], scope, f"/mainTemplate/{key}")
        return self

    def _value(self, text: str, scope: dict[str, Any], where: str) -> Any:
        """Check every name in `text`; the value, if `text` is a single name's binding."""
        self.checked.add(where)
        value: Any = None
        for expression in expressions(text):
            for name in names(expression):
                if name.split(".")[0] in GLOBALS:
                    continue
                value = lookup(scope, name)
                if value is MISSING:
                    self.problems.append(f"{where}: {name} does not resolve")
        whole = text.startswith("${") and text.endswith("}") and len(expressions(text)) == 1
        return value if whole and value is not MISSING else None

    def _walk(self, node: Any, scope: dict[str, Any], where: str) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                self._walk(item, scope, f"{where}/{index}")
        elif isinstance(node, str):
            self._value(node, scope, where)
        elif isinstance(node, dict):
            layout = self.document.get("layouts", {}).get(node.get("type"))
            if layout is not None:
                self._expand(node, layout, scope, where)
                return
            if node.get("type") == "SendEvent":
                self.sent.append(self._value(node.get("arguments", ""), scope, where))
            inflated = "type" in node and "data" in node
            for key, value in node.items():
                if inflated and key in CHILDREN:
                    self._inflate(node["data"], value, scope, f"{where}/{key}")
                elif not (inflated and key == "data"):
                    self._walk(value, scope, f"{where}/{key}")

    def _inflate(self, data: Any, children: Any, scope: dict[str, Any], where: str) -> None:
        """Children of a component with `data`: once for each item, with `data` set to it."""
        items = self._value(data, scope, where.rsplit("/", 1)[0] + "/data")
        if not isinstance(items, list):
            self.problems.append(f"{where}: data is {items!r}, not a list")
            return
        for item in items:
            self._walk(children, {**scope, "data": item}, where)

    def _expand(self, node: dict[str, Any], layout: dict[str, Any], scope: dict[str, Any],
                where: str) -> None:
        """A layout used here: its parameters bound in this scope, its body walked with them."""
        name = node["type"]
        parameters = {}
        for parameter in layout.get("parameters", []):
            key = parameter if isinstance(parameter, str) else parameter["name"]
            if key not in node:
                self.problems.append(f"{where}: layout {name} used without {key}")
                continue
            given = node[key]
            parameters[key] = (self._value(given, scope, f"{where}/{key}")
                               if isinstance(given, str) else given)
        for key, value in node.items():
            if key != "type" and key not in parameters:
                self._walk(value, scope, f"{where}/{key}")
        for key in CHILDREN:
            if key in layout:
                self._walk(layout[key], {**scope, **parameters}, f"/layouts/{name}/{key}")
