"""Routines: the content model, the YAML loader and validator, the catalog, timing."""
