"""Supervision pages: boards and inbox, supervision records, meetings and tasks."""
