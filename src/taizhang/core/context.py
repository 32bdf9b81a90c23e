"""Per-request context (request id) readable from actions without passing the request around."""

from __future__ import annotations

import contextvars

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("taizhang_request_id", default="")


def current_request_id() -> str:
    """The id of the request being served, or '' outside a request (commands, worker)."""
    return _request_id.get()


def set_request_id(value: str) -> contextvars.Token[str]:
    """Bind a request id for the current context; returns a token for reset."""
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    """Undo set_request_id."""
    _request_id.reset(token)
