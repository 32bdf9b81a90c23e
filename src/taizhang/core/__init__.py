"""Shared base: audit log, request context, workflow helpers, layout."""
