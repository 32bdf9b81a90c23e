"""Models of reporters."""
