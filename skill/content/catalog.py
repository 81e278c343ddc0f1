"""The loaded routines, looked up by id or by what a person calls them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .routines import Concern, Routine

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
    """An ordered, read-only collection of routines with name matching, and the concerns they
    help with."""

    def __init__(self, routines: Iterable[Routine], concerns: Iterable[Concern] = ()):
        self.routines: tuple[Routine, ...] = tuple(routines)
        self.concerns: tuple[Concern, ...] = tuple(concerns)
        self._concerns = {concern.id: concern for concern in self.concerns}
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

    def concern(self, concern_id: str) -> Concern | None:
        return self._concerns.get(concern_id)

    def match_concern(self, spoken: str) -> Concern | None:
        """The concern whose name or a synonym is what was said, forgiving filler words."""
        query = normalize(spoken)
        for concern in self.concerns:
            if query in (normalize(phrase) for phrase in (concern.name, *concern.synonyms)):
                return concern
        return None

    def helping_with(self, concern: Concern) -> tuple[Routine, ...]:
        """The routines that help with `concern`, best first: those naming it earliest in
        their helps_with, then in catalog order."""
        helping = [routine for routine in self.routines if concern.id in routine.helps_with]
        return tuple(sorted(helping, key=lambda routine: routine.helps_with.index(concern.id)))

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
