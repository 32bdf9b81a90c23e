"""Organisation: the unit tree, people and their roles, and who may see what."""
