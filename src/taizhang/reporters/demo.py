"""Demo staff side: a reply to a reporter, a released outcome, and one identity revealed with a reason."""

from __future__ import annotations

from taizhang.core.demo_context import DemoContext
from taizhang.reporters import actions


def populate(ctx: DemoContext) -> None:
    issued = ctx.extra.get("portal_receipts") or []
    staff, custodian = ctx.users.get("shb_staff"), ctx.users.get("custodian")
    if len(issued) < 2 or staff is None or custodian is None:
        return
    first, real_name = issued[0].receipt, issued[1].receipt
    actions.do_reply_to_reporter(
        first.clue_id, actor=staff, body="您好，您反映的情况已受理。如方便，请补充您记下的车牌号。"
    )
    actions.do_reply_to_reporter(
        real_name.clue_id, actor=staff, body="您反映的问题已受理，我们会依法核查并向您反馈结果。"
    )
    # In the demo the custodian is taken as having passed 2FA; on the site the session must have passed it.
    actions.do_reveal_identity(
        real_name.clue_id,
        actor=custodian,
        reason="核查组需要联系实名举报人核实被打业主的情况",
        second_factor=True,
    )
    ctx.say("reporters: replies sent, one identity revealed (see the clue's timeline)")
