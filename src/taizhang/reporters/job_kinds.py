"""Reporter jobs run by the worker: re-encrypting every sealed identity under the current key.

`taizhang keys rotate --queue` adds the new key to the key file (which every node reads: keep it on the
shared configuration, not per node) and queues this job; the worker re-encrypts in batches, each committed on
its own and skipped when already under the current key, so a resumed job finishes what a lost one began.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.core import sealing
from taizhang.jobs.registry import JobKind, Progress


def _reseal(job: Any, progress: Progress) -> dict[str, Any]:
    from taizhang.reporters import rotation

    sealing.reset_keyring_cache()
    kid = sealing.key_id(sealing.keyring()[0])
    total = rotation.pending(kid).count()
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        progress(done, total)

    progress(0, total)
    count = rotation.reseal_all(progress=step)
    return {
        "resealed": count,
        "key": kid,
        "message": _("已用新密钥重新加密 %(n)s 条举报人身份。") % {"n": count},
    }


KINDS = [
    JobKind(name="reporters.reseal", label=gettext_lazy("举报人身份密钥轮换"), run=_reseal, resumable=True)
]
