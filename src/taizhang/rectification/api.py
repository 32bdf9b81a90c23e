"""JSON API routes of rectification."""

from ninja import Router

router = Router(tags=["rectification"])
