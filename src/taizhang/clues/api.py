"""JSON API routes of clues."""

from ninja import Router

router = Router(tags=["clues"])
