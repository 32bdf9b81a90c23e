"""Models of rectification."""
