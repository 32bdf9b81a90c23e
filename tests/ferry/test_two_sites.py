"""End to end with two sites on this machine: two databases, two var folders, one drop folder between them.

A citizen submits on the portal → export → import → the clue is in the ledger with its attachment → staff
reply → reverse package → the citizen reads the reply with receipt + passphrase. Then the faults: a killed
import leaves nothing and the package then applies once; a replay changes nothing.
"""

from __future__ import annotations

import signal
import time

import pytest

from tests.ferry.sites import CITIZEN_READS, CITIZEN_SUBMITS, pair

pytestmark = pytest.mark.slow

LEDGER_STATE = """
from taizhang.clues.models import Attachment, Clue
from taizhang.core.models import AuditEntry
from taizhang.portal.models import Message
clues = list(Clue.objects.values("id", "summary", "channel", "facts"))
files = list(Attachment.objects.values_list("original_name", flat=True))
from taizhang.core import files as stored
contents = [stored.open_stored(a.storage_path).read_bytes().decode() for a in Attachment.objects.all()]
print(json.dumps({
    "clues": clues, "files": files, "contents": contents,
    "messages": list(Message.objects.values_list("sender", "body")),
    "audit": list(AuditEntry.objects.filter(action__startswith="ferry.").values_list("action", flat=True)),
}))
"""

STAFF_REPLIES = """
from taizhang.clues.models import Clue
from taizhang.org.models import User
from taizhang.reporters.actions import do_release_outcome, do_reply_to_reporter
staff = User.objects.get(username="staff")
clue = Clue.objects.get()
do_reply_to_reporter(clue.pk, actor=staff, body=PARAMS["reply"])
do_release_outcome(clue.pk, actor=staff, text=PARAMS["outcome"])
print(json.dumps({"clue": clue.pk}))
"""


def test_a_report_crosses_to_the_ledger_and_the_reply_comes_back(tmp_path):
    portal, ledger = pair(tmp_path)
    sent = portal.py(
        CITIZEN_SUBMITS,
        summary="刘某某团伙强占砂石市场",
        facts="刘某某纠集十余人，强迫运输车辆只能从其砂石场进货，不从者被打砸车辆。",
        file="砂石场收据 2025年3月",
        sector="",
    )
    assert sent["status"] == 200 and len(sent["code"]) == 16

    out = portal.run("ferry", "export", "--out", str(portal.drop)).stdout
    assert "package 1 written" in out
    (package,) = portal.packages()
    ledger.run("ferry", "import", str(package))

    state = ledger.py(LEDGER_STATE)
    (clue,) = state["clues"]
    assert clue["summary"] == "刘某某团伙强占砂石市场" and clue["channel"] == "portal"
    assert "强迫运输车辆" in clue["facts"]
    assert state["files"] == ["收据.txt"] and state["contents"] == ["砂石场收据 2025年3月"]
    assert state["audit"] == ["ferry.package_applied"]

    ledger.py(STAFF_REPLIES, reply="已收到，正在核查。", outcome="经核查，问题属实，已移送公安机关。")
    reverse_dir = tmp_path / "reverse"
    ledger.run("ferry", "export", "--out", str(reverse_dir))
    (answer,) = sorted(reverse_dir.glob("*.pkg"))
    portal.run("ferry", "import", str(answer))

    read = portal.py(CITIZEN_READS, code=sent["code"], passphrase=sent["passphrase"])
    assert read["status"] == 302
    page = read["page"]
    assert "刘某某团伙强占砂石市场" in page
    assert "已收到，正在核查。" in page
    assert "经核查，问题属实，已移送公安机关。" in page
    wrong = portal.py(CITIZEN_READS, code=sent["code"], passphrase="not-the-passphrase")
    assert wrong["status"] == 400 and "已收到，正在核查" not in wrong["page"]

    # The reporter adds information; it travels in the next package and lands in the clue's thread.
    portal.py(CITIZEN_READS, code=sent["code"], passphrase=sent["passphrase"], add="车牌号 甲A12345")
    portal.run("ferry", "export", "--out", str(portal.drop))
    second = portal.packages()[-1]
    ledger.run("ferry", "import", str(second))
    messages = ledger.py(LEDGER_STATE)["messages"]
    assert ["reporter", "车牌号 甲A12345"] in messages

    # Replaying either package changes nothing.
    before = ledger.py(LEDGER_STATE)
    again = ledger.run("ferry", "import", str(package))
    assert "已经导入过" in again.stdout
    after = ledger.py(LEDGER_STATE)
    assert after["clues"] == before["clues"] and after["messages"] == before["messages"]


def test_a_killed_import_leaves_nothing_and_the_package_then_applies_once(tmp_path):
    portal, ledger = pair(tmp_path)
    portal.py(
        """
import secrets
from taizhang.gate.actions import do_submit_sealed
from taizhang.portal.uploads import CleanFile
payload = {"summary": "", "facts": "某团伙在码头收取保护费，不交者被殴打。", "subjects": [{"name": "赵某"}],
           "reporter": {"kind": "anonymous"}}
for n in range(PARAMS["n"]):
    do_submit_sealed({**payload, "summary": f"码头收保护费 {n}"}, chosen_passphrase="", challenge_nonce=secrets.token_hex(8),
                     attachments=[CleanFile(name=f"{n}.txt", content_type="text/plain", data=f"证据 {n}".encode())])
print(json.dumps({}))
""",
        n=40,
    )
    portal.run("ferry", "export", "--out", str(portal.drop))
    (package,) = portal.packages()

    files_root = ledger.var / "files"
    importer = ledger.popen("ferry", "import", str(package))
    deadline = time.monotonic() + 120
    # Attachments are stored as each report is registered: ten of them mean the import is a quarter of the way
    # through its one transaction (ten clues written, none committed). Kill it there.
    while len([p for p in files_root.glob("??/??/*") if p.is_file()]) < 10 and time.monotonic() < deadline:
        assert importer.poll() is None, importer.communicate()
        time.sleep(0.005)
    assert importer.poll() is None, "the import finished before it could be killed"
    importer.send_signal(signal.SIGKILL)
    importer.wait()

    state = ledger.py(LEDGER_STATE)
    assert state["clues"] == [] and state["messages"] == [] and state["audit"] == []

    ledger.run("ferry", "import", str(package))
    assert len(ledger.py(LEDGER_STATE)["clues"]) == 40
    ledger.run("ferry", "import", str(package))
    state = ledger.py(LEDGER_STATE)
    assert len(state["clues"]) == 40 and state["audit"] == ["ferry.package_applied"]
