"""Log records carry the request id (the same one the audit rows and the X-Request-ID header carry)."""

from __future__ import annotations

import logging

from taizhang.core.context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # django.request logs a 4xx/5xx after the middleware has unbound the id: take it from the request.
            request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(request, "request_id", "") or "-"
        return True
