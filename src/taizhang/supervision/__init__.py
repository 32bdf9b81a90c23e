"""督办 (supervision)."""
