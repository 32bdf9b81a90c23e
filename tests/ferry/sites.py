"""Two Taizhang sites on this machine: each its own var folder, SQLite database and `taizhang` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

TAIZHANG = str(Path(sys.executable).parent / "taizhang")


class Site:
    """One site (portal or ledger) run through the `taizhang` command with its own environment."""

    def __init__(self, role: str, root: Path, drop: Path) -> None:
        self.role = role
        self.var = root / role
        self.var.mkdir(parents=True, exist_ok=True)
        self.drop = drop
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TAIZHANG_", "DJANGO_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "taizhang.settings",
                "TAIZHANG_SITE": role,
                "TAIZHANG_VAR_DIR": str(self.var),
                "TAIZHANG_TESTING": "1",
                "TAIZHANG_SECRET_KEY": f"{role}-secret-for-tests-only-0123456789",
                "TAIZHANG_PORTAL_POW_BITS": "4",
                "TAIZHANG_PORTAL_ARGON2_MEMORY_KIB": str(19 * 1024),
                "TAIZHANG_PORTAL_ARGON2_TIME_COST": "2",
                "TAIZHANG_PORTAL_ARGON2_PARALLELISM": "1",
            }
        )
        self.env = env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [TAIZHANG, *args], env=self.env, capture_output=True, text=True, timeout=300, check=False
        )
        if check and done.returncode != 0:
            raise AssertionError(f"taizhang {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [TAIZHANG, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def py(self, script_body: str, **params: Any) -> Any:
        """Run Python inside this site's process; the script prints one JSON line (PARAMS holds `params`)."""
        script = f"import json\nPARAMS = json.loads({json.dumps(json.dumps(params))})\n{script_body}"
        out = self.run("shell", "-c", script).stdout.strip().splitlines()
        return json.loads(out[-1]) if out else None

    def packages(self) -> list[Path]:
        return sorted(self.drop.glob("*.pkg"))


def pair(tmp_path: Path) -> tuple[Site, Site]:
    """A portal and a ledger site, migrated, keys made and exchanged, an intake office and a staff member."""
    drop = tmp_path / "drop"
    drop.mkdir()
    portal, ledger = Site("portal", tmp_path, drop), Site("ledger", tmp_path, drop)
    for site in (portal, ledger):
        site.run("migrate", "--no-input", "-v", "0")
        site.run("ferry", "keys", "init", "--site-id", f"{site.role}-test")
        site.run("ferry", "keys", "public", str(tmp_path / f"{site.role}.pub.json"))
    portal.run("ferry", "keys", "trust", str(tmp_path / "ledger.pub.json"))
    ledger.run("ferry", "keys", "trust", str(tmp_path / "portal.pub.json"))
    ledger.py(LEDGER_WORLD)
    return portal, ledger


LEDGER_WORLD = """
from taizhang.org.choices import UnitKind
from taizhang.org.models import Role, Sector, Unit, User
office = Unit.objects.create(code="CITY", name="市扫黑办", kind=UnitKind.OFFICE)
Sector.objects.get_or_create(code="transport", defaults={"name": "交通运输"})
staff = User.objects.create(username="staff", display_name="办公室人员", unit=office)
staff.roles.set(Role.objects.filter(code="office_staff"))
print(json.dumps({"office": office.pk}))
"""

# The citizen, in the portal site's process, through its pages exactly as a browser: form, proof of work, post.
CITIZEN_SUBMITS = """
import html, re
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from taizhang.portal import abuse
c = Client()
def guarded(url):
    page = c.get(url).content.decode()
    challenge = html.unescape(re.search(r'name="challenge" value="([^"]+)"', page).group(1))
    return {"challenge": challenge, "pow_answer": abuse.solve(challenge, abuse.pow_bits())}
data = {
    "reporter_kind": "real_name", "reporter_name": "王举报", "reporter_phone": "13900001111",
    "subject_0_kind": "person", "subject_0_name": "刘某某", "subject_0_position": "外号刘老大",
    "subject_1_kind": "person", "subject_2_kind": "person",
    "summary": PARAMS["summary"], "facts": PARAMS["facts"], "place": "河东镇砂石码头",
    "sector": PARAMS.get("sector", ""),
    "attachments": SimpleUploadedFile("收据.txt", PARAMS["file"].encode(), "text/plain"),
    **guarded("/report/new/"),
}
r = c.post("/report/new/", data, follow=True)  # the receipt is shown by the GET after the redirect
body = r.content.decode()
code = re.search(r"data-receipt-code>([\\d ]+)<", body).group(1).replace(" ", "")
passphrase = html.unescape(re.search(r"data-passphrase>([^<]+)<", body).group(1)).strip()
print(json.dumps({"status": r.status_code, "code": code, "passphrase": passphrase}))
"""

CITIZEN_READS = """
import html, re
from django.test import Client
from taizhang.portal import abuse
c = Client()
page = c.get("/report/follow-up/").content.decode()
challenge = html.unescape(re.search(r'name="challenge" value="([^"]+)"', page).group(1))
r = c.post("/report/follow-up/", {"code": PARAMS["code"], "passphrase": PARAMS["passphrase"], "challenge": challenge,
           "pow_answer": abuse.solve(challenge, abuse.pow_bits())})
thread = c.get("/report/follow-up/thread/") if r.status_code == 302 else r
if PARAMS.get("add"):
    page = thread.content.decode()
    challenge = html.unescape(re.search(r'name="challenge" value="([^"]+)"', page).group(1))
    c.post("/report/follow-up/message/", {"body": PARAMS["add"], "challenge": challenge,
           "pow_answer": abuse.solve(challenge, abuse.pow_bits())})
print(json.dumps({"status": r.status_code, "page": thread.content.decode()}))
"""
