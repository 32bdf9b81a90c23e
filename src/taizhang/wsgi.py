"""WSGI entry point (gunicorn taizhang.wsgi; run it with --preload: taizhang.warm says why)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
application = get_wsgi_application()

from taizhang.core.memory import hold_mmap_threshold, one_arena  # noqa: E402 - after the settings are set up
from taizhang.warm import warm_up  # noqa: E402

hold_mmap_threshold()  # large blocks (argon2id's working memory) go back to the system when freed
one_arena()  # the worker's threads share one heap instead of each keeping its own freed blocks
warm_up()
gc.collect()
gc.freeze()
