"""Test settings: the real settings, with a throwaway var/ directory and fast password hashing."""

import os
import tempfile

os.environ.setdefault("TAIZHANG_VAR_DIR", tempfile.mkdtemp(prefix="taizhang-test-var-"))
os.environ["TAIZHANG_TESTING"] = "1"
os.environ.setdefault("TAIZHANG_IDENTITY_KEY", "")

from taizhang.settings import *  # noqa: F403
from taizhang.settings import DATABASES

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"CHARSET": "UTF8", "TEMPLATE": "template0"}

# The portal's passphrase hash at OWASP's minimum (the floor) keeps the suite fast; the default, RFC 9106's
# low-memory profile, is tested on purpose where it matters (tests/portal/test_followup.py).
PORTAL_ARGON2_MEMORY_KIB = 19 * 1024
PORTAL_ARGON2_TIME_COST = 2
PORTAL_ARGON2_PARALLELISM = 1
