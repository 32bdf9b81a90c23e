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
