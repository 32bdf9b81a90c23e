"""Every supervision state change, one `do_<verb>_<noun>` per step (split by what it concerns)."""

from taizhang.supervision.actions.extensions import do_decide_extension, do_request_extension
from taizhang.supervision.actions.meetings import (
    do_cancel_meeting,
    do_complete_task,
    do_create_series,
    do_create_task,
    do_plan_meeting,
    do_record_minutes,
    do_reopen_task,
)
from taizhang.supervision.actions.records import (
    do_acknowledge_point_notice,
    do_issue_point_notice,
    do_issue_urging_notice,
    do_lift_listing,
    do_list_target,
    do_mark_notifications_read,
    do_record_talk,
)

__all__ = [
    "do_acknowledge_point_notice",
    "do_cancel_meeting",
    "do_complete_task",
    "do_create_series",
    "do_create_task",
    "do_decide_extension",
    "do_issue_point_notice",
    "do_issue_urging_notice",
    "do_lift_listing",
    "do_list_target",
    "do_mark_notifications_read",
    "do_plan_meeting",
    "do_record_minutes",
    "do_record_talk",
    "do_reopen_task",
    "do_request_extension",
]
