"""The worker's named rows list the columns of the tables they are inserted into, in the same order."""

from __future__ import annotations

from taizhang.supervision import worker


def _names(columns: list[tuple[str, str]]) -> list[str]:
    return [name for name, _type in columns]


def test_each_planned_row_names_its_table_columns_in_order():
    assert list(worker.NewDispatch._fields) == _names(worker.DISPATCH_COLUMNS)
    assert list(worker.NewUrgingNotice._fields) == _names(worker.URGING_COLUMNS)
    # A notification row gains the reader's email state when it is written.
    assert [*worker.NewNotification._fields, "email_state", "emailed_at"] == _names(
        worker.NOTIFICATION_COLUMNS
    )
