"""Models of clues."""
