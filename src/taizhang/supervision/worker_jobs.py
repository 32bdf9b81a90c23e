"""Supervision's own worker jobs (discovered like every app's `worker_jobs.JOBS`)."""

from __future__ import annotations

from taizhang.supervision.meetings import schedule_meetings
from taizhang.supervision.worker import plan_deadlines, plan_digests

# Planning only: worker.run_once delivers and emails after every app's jobs have planned theirs.
JOBS = [schedule_meetings, plan_deadlines, plan_digests]
