"""整改 (rectification)."""
