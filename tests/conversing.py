"""Helpers for the interruption tests: routines looked up by what they are, not by name, so the
tests run on any catalog with a stretch with sides and rounds, a ranged massage and a
checklist."""

from __future__ import annotations

from skill.content.routines import Kind, Routine


def stretch_with_sides(catalog) -> tuple[Routine, int]:
    """A stretch and the index of its step held in rounds, on each side."""
    return next((routine, index) for routine in catalog if routine.kind == Kind.STRETCH
                for index, step in enumerate(routine.steps)
                if step.timed and step.reps > 1 and len(step.sides) > 1)


def ranged_massage(catalog) -> tuple[Routine, int]:
    """The massage offered for cramps, and the index of its first step held for a range."""
    return next((routine, index) for routine in catalog
                if routine.kind == Kind.MASSAGE and routine.for_cramps
                for index, step in enumerate(routine.steps) if step.hold_up_to)


def checklist(catalog) -> Routine:
    return next(routine for routine in catalog if routine.kind == Kind.CHECKLIST)
