"""JSON API routes of supervision."""

from ninja import Router

router = Router(tags=["supervision"])
