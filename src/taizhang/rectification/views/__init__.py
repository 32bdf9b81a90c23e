"""Rectification pages: problem lists and measures (lists.py), 三书一函 letters and their board (letters.py)."""
