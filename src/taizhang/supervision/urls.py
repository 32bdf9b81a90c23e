"""The supervision pages under /supervision/."""

from django.urls import path

from taizhang.supervision.views import boards, calendar, meetings, records

app_name = "supervision"
urlpatterns = [
    path("", boards.board, name="board"),
    path("overdue/", boards.overdue, name="overdue"),
    path("todo/", boards.todo, name="todo"),
    path("inbox/", boards.inbox, name="inbox"),
    path("inbox/read/", boards.inbox_read, name="inbox_read"),
    path("clues/<int:pk>/extension/", records.extension_request, name="extension_request"),
    path("extensions/<int:pk>/decide/", records.extension_decide, name="extension_decide"),
    path("clues/<int:pk>/urge/", records.urging_issue, name="urging_issue"),
    path("urging/", records.urging_list, name="urging_list"),
    path("urging/<int:pk>.docx", records.urging_download, name="urging_docx"),
    path("listed/", records.listed_list, name="listed_list"),
    path("listed/new/<str:model>/<int:pk>/", records.listed_create, name="listed_create"),
    path("listed/<int:pk>/", records.listed_detail, name="listed_detail"),
    path("listed/<int:pk>/lift/", records.listed_lift, name="listed_lift"),
    path("talks/", records.talk_list, name="talk_list"),
    path("talks/new/", records.talk_create, name="talk_create"),
    path("notices/", records.notice_list, name="notice_list"),
    path("notices/new/", records.notice_create, name="notice_create"),
    path("notices/<int:pk>/", records.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/acknowledge/", records.notice_acknowledge, name="notice_acknowledge"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/series/new/", meetings.series_create, name="series_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("tasks/", meetings.task_list, name="task_list"),
    path("tasks/new/", meetings.task_create, name="task_create"),
    path("tasks/<int:pk>/", meetings.task_detail, name="task_detail"),
    path("tasks/<int:pk>/complete/", meetings.task_complete, name="task_complete"),
    path("calendar/notice/", calendar.holiday_notice, name="holiday_notice"),
]
