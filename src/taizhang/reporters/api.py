"""JSON API routes of reporters."""

from ninja import Router

router = Router(tags=["reporters"])
