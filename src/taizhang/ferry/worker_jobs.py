"""The ferry's drop folders, watched by `taizhang worker` on every pass (portal site: gate's worker)."""

from taizhang.ferry.drop import run

JOBS = [run]
