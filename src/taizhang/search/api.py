"""JSON API routes of search."""

from ninja import Router

router = Router(tags=["search"])
