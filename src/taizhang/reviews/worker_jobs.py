"""Worker jobs: the monthly call-back sample, and retrying failed messages to reporters."""

from __future__ import annotations

from taizhang.reviews.callbacks import draw_monthly
from taizhang.reviews.notify import retry_failed

JOBS = [draw_monthly, retry_failed]
