"""Errors that actions raise; views turn them into Chinese messages and the API into {code, message}."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class ActionError(Exception):
    """A refused change: nothing was written. `code` is stable for the API, `message` is for people."""

    status = 400

    def __init__(self, code: str, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


class TransitionRefused(ActionError):
    """The record's state does not allow this step."""

    status = 409


class ConflictError(ActionError):
    """Someone else saved the record since it was loaded; `detail` lists what changed."""

    status = 409

    def __init__(self, changes: dict[str, Any] | None = None) -> None:
        super().__init__(
            "conflict",
            _("该记录已被他人修改，您的保存未生效。请查看最新内容后重试。"),
            detail={"changes": changes or {}},
        )


class NotVisible(ActionError):
    """Missing and forbidden look the same (404)."""

    status = 404

    def __init__(self) -> None:
        super().__init__("not_found", _("记录不存在或您无权查看。"))


class PermissionRefused(ActionError):
    """The user may see the record but not do this to it."""

    status = 403

    def __init__(self, message: str | None = None) -> None:
        super().__init__("forbidden", message or _("您没有执行此操作的权限。"))
