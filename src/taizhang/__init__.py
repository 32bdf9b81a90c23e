"""Taizhang (台账): ledger and supervision for a campaign office against organised crime."""

import os as _os

# pypinyin without its phrase dictionary (44 MiB per process; 12 MiB for the single characters), and without
# the copies it makes for custom dictionaries (none are loaded). Set before pypinyin is first imported, for
# every process that loads Taizhang: name keys (pure/names.py) read single characters only, so the key of a
# name is the same in every process; the keys stored before were recomputed (people migration 0003).
_os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
_os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
