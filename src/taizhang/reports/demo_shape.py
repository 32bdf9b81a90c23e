"""The demo city's shape in a few figures: 查结率 this quarter, overdue clues, each demo account's unread inbox.

`scripts/demo_figures.py` prints them for a freshly built demo; tests/proof/test_demo_shape.py holds them within
the ranges of a plausible office in the middle of its year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from taizhang.clues.models import Clue
from taizhang.org.models import User
from taizhang.reports.measures import percent
from taizhang.supervision.models import Notification


@dataclass
class DemoShape:
    received: int
    received_concluded: int
    conclusion_rate: float
    open_clues: int
    overdue: int
    overdue_received_this_quarter: int
    open_received_this_quarter: int
    unread: dict[str, int] = field(default_factory=dict)
    overdue_by_step: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"本季度受理 {self.received}，其中已查结 {self.received_concluded}，查结率 {self.conclusion_rate}%",
            f"在办 {self.open_clues}，超期 {self.overdue}（{percent(self.overdue, self.open_clues)}%）",
            f"本季度受理且在办 {self.open_received_this_quarter}，其中超期 {self.overdue_received_this_quarter}",
            "超期环节：" + "，".join(f"{k} {v}" for k, v in self.overdue_by_step.items()),
            "未读消息：",
        ]
        out += [f"  {name}: {n}" for name, n in self.unread.items()]
        return out


def quarter_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def measure(now: dt.datetime | None = None) -> DemoShape:
    now = now or timezone.now()
    start = timezone.make_aware(dt.datetime.combine(quarter_start(timezone.localdate(now)), dt.time()))
    received = Clue.objects.filter(received_at__gte=start, received_at__lt=now)
    open_clues = Clue.objects.open()
    overdue = open_clues.overdue(now)
    done = received.filter(concluded_at__isnull=False, concluded_at__lt=now).count()
    total = received.count()
    return DemoShape(
        received=total,
        received_concluded=done,
        conclusion_rate=percent(done, total),
        open_clues=open_clues.count(),
        overdue=overdue.count(),
        overdue_received_this_quarter=overdue.filter(received_at__gte=start).count(),
        open_received_this_quarter=open_clues.filter(received_at__gte=start).count(),
        overdue_by_step={
            str(row["deadline_step"]): row["n"]
            for row in overdue.values("deadline_step").annotate(n=Count("id")).order_by("-n")
        },
        unread={
            u.username: Notification.objects.filter(user=u, read_at__isnull=True).count()
            for u in User.objects.order_by("id")
        },
    )
