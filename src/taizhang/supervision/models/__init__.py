"""Models of supervision (督办), split by what they are for."""

from taizhang.supervision.models.delivery import Dispatch, Notification
from taizhang.supervision.models.meetings import Attendance, Decision, Meeting, MeetingSeries, Task
from taizhang.supervision.models.records import Extension, ListedSupervision, PointNotice, Talk, UrgingNotice
from taizhang.supervision.models.rules import CalendarOverride, DeadlineRule, HolidayNotice, SupervisionPolicy

__all__ = [
    "Attendance",
    "CalendarOverride",
    "DeadlineRule",
    "Decision",
    "Dispatch",
    "Extension",
    "HolidayNotice",
    "ListedSupervision",
    "Meeting",
    "MeetingSeries",
    "Notification",
    "PointNotice",
    "SupervisionPolicy",
    "Talk",
    "Task",
    "UrgingNotice",
]
