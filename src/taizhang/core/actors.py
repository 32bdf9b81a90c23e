"""Who acts when no person does: the system actors, and the one place they pass the permission checks.

Every action takes an `actor`: a signed-in `User`, or one of the `SystemActor`s below for the trusted
in-process callers (the portal ferry, the worker, management commands, the demo). `org.actors.Actor` is the
type (`User | SystemActor`). A plain string used to be taken as a system actor and skipped every permission
check; it is refused now (`is_system` raises), so a label can no longer open a door by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _l

if TYPE_CHECKING:
    from typing_extensions import TypeIs


@dataclass(frozen=True)
class SystemActor:
    """A trusted in-process caller. `code` is what the audit row records (`actor_label`, what the auditor
    searches for); `name` is what people read on timelines (`core.audit.actor_name`)."""

    code: str
    name: str | Promise = field(default="", compare=False)

    def __str__(self) -> str:
        return str(self.name or self.code)

    @classmethod
    def acting_for(cls, text: str) -> SystemActor:
        """A one-off system actor whose recorded label is the text itself (e.g. a review reopening a clue)."""
        return cls(code=text, name=text)


# The recorded codes are those the audit log has always held for these callers.
PORTAL = SystemActor("portal", _l("举报人（网络举报平台）"))
FERRY = SystemActor("ferry", _l("门户摆渡"))
CLI = SystemActor("cli", _l("系统管理命令"))
WORKER = SystemActor("worker", _l("定时任务"))
DEMO = SystemActor("演示数据", _l("演示数据"))
SIGN_OFF = SystemActor("整改销号", _l("整改销号"))
SYSTEM = SystemActor("system", _l("系统"))
EXCHANGE = SystemActor("exchange", _l("上下级联动"))

KNOWN = {actor.code: actor for actor in (PORTAL, FERRY, CLI, WORKER, DEMO, SIGN_OFF, SYSTEM, EXCHANGE)}


def is_system(actor: object) -> TypeIs[SystemActor]:
    """The one path by which a caller skips the person-based permission checks: it is a `SystemActor`.
    A person (or an anonymous visitor, or None) is checked by role and unit as usual. A plain string is a bug
    (it once passed as a system actor unnoticed) and raises."""
    if isinstance(actor, SystemActor):
        return True
    refuse_label(actor)
    return False


def refuse_label(actor: Any) -> None:
    """Raise if `actor` is a plain string rather than a person or a `SystemActor`."""
    if isinstance(actor, str):
        raise TypeError(f"actor must be a User or a SystemActor, not the string {actor!r}")


def recorded_label(actor: Any) -> str:
    """What the audit row's `actor_label` holds: a signed-in person's name, a system actor's code, else ""."""
    refuse_label(actor)
    if isinstance(actor, SystemActor):
        return actor.code
    return str(actor) if getattr(actor, "is_authenticated", False) else ""
