"""The kinds of job: each app lists its own in `<app>/job_kinds.py` as `KINDS = [JobKind(...), ...]`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from taizhang.core.discovery import hooks

if TYPE_CHECKING:
    from taizhang.jobs.models import Job

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobKind:
    """How to run one kind of job.

    run(job, progress) does the work and returns a small JSON-able result; it raises ActionError with a
    Chinese message for a failure the person should read. `resumable` says a job whose worker died may
    simply be run again (its work is one transaction, or idempotent); otherwise it is marked failed.
    on_failed(job, reason) lets the kind mark its own domain row (an ImportJob) failed too.
    """

    name: str
    label: Any
    run: Callable[[Job, Progress], dict[str, Any] | None]
    resumable: bool = True
    on_failed: Callable[[Job, str], None] | None = None
    # The page where the person who started the job follows it (default: the generic job page).
    url: Callable[[Job], str] | None = None


@runtime_checkable
class JobKindsHook(Protocol):
    """`<app>/job_kinds.py`: the kinds of job the app runs in the worker."""

    KINDS: Sequence[JobKind]


# Kinds registered by code rather than a job_kinds module (the tests' own kinds).
EXTRA: dict[str, JobKind] = {}


def kinds() -> dict[str, JobKind]:
    found: dict[str, JobKind] = dict(EXTRA)
    for module in hooks("job_kinds", JobKindsHook):
        for kind in module.KINDS:
            found[kind.name] = kind
    return found


def get(name: str) -> JobKind:
    try:
        return kinds()[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r}") from None
