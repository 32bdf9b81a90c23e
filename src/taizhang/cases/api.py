"""JSON API routes of cases."""

from ninja import Router

router = Router(tags=["cases"])
