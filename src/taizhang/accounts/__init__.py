"""Signing in: passwords, throttling, two-factor, API tokens."""
