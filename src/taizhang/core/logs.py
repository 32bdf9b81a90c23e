"""Log records carry the request id (the same one the audit rows and the X-Request-ID header carry)."""

from __future__ import annotations

import logging

from taizhang.core.context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id() or "-"
        return True
