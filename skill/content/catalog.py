"""The loaded routines, looked up by id or by what a person calls them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .routines import Routine

# Words people wrap around a routine's name ("the butterfly one, please") that never tell
# routines apart.
FILLER_WORDS = frozenset({
    "a", "an", "the", "my", "some", "please", "one", "that", "this",
    "routine", "routines", "exercise", "exercises",
})


def normalize(phrase: str) -> str:
    """Lower-case words of `phrase`, punctuation and filler words dropped."""
    words = re.findall(r"[a-z0-9]+", phrase.lower().replace("'", ""))
    return " ".join(word for word in words if word not in FILLER_WORDS)


def spoken_names(routine: Routine) -> tuple[str, ...]:
    """Every phrase that names `routine`: its name, its synonyms and its id read as words."""
    return (routine.name, *routine.synonyms, routine.id.replace("-", " "))


class Catalog:
    """An ordered, read-only collection of routines with name matching."""

    def __init__(self, routines: Iterable[Routine]):
        self.routines: tuple[Routine, ...] = tuple(routines)
        self._by_id = {routine.id: routine for routine in self.routines}
        self._by_phrase: dict[str, Routine] = {}
        for routine in self.routines:
            for phrase in spoken_names(routine):
                self._by_phrase.setdefault(normalize(phrase), routine)

    def __len__(self) -> int:
        return len(self.routines)

    def __iter__(self):
        return iter(self.routines)

    def get(self, routine_id: str) -> Routine | None:
        return self._by_id.get(routine_id)

    def match(self, spoken: str) -> Routine | None:
        """The routine `spoken` names, forgiving case, filler words and partial names."""
        query = normalize(spoken)
        if not query:
            return None
        if query in self._by_phrase:
            return self._by_phrase[query]
        words = set(query.split())
        # "the butterfly stretch for my legs": the longest known phrase inside what was said.
        inside = [(len(p.split()), r) for p, r in self._by_phrase.items()
                  if set(p.split()) <= words]
        if inside:
            longest = max(size for size, _ in inside)
            found = _only({r.id: r for size, r in inside if size == longest})
            if found:
                return found
        # "butterfly": what was said is part of exactly one routine's phrases.
        return _only({r.id: r for p, r in self._by_phrase.items() if words <= set(p.split())})


def _only(routines: dict[str, Routine]) -> Routine | None:
    return next(iter(routines.values())) if len(routines) == 1 else None
