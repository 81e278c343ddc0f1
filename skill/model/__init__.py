"""The skill package: the interaction model (intent definitions joined with the routines) and
the manifest (publishing.yaml), with the rules each must follow."""
