"""JSON API routes of portal."""

from ninja import Router

router = Router(tags=["portal"])
