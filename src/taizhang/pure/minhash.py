"""Near-duplicate detection for Chinese text: character shingles, MinHash signatures and LSH band keys."""

from __future__ import annotations

import re
from hashlib import blake2b

from taizhang.pure.fold import fold
from taizhang.pure.script import HAN

__all__ = ["band_keys", "jaccard", "shingles", "signature", "similarity"]

NUM_PERM = 128
BANDS = 32  # 4 rows per band: pairs above ~0.42 similarity usually share a band key
_HASHER = blake2b(digest_size=8, person=b"tz-mh-v1")
_MAX = (1 << 64) - 1
_NOISE_RE = re.compile(f"[^{HAN}0-9a-z]+")
# Offset added per step when an empty bin borrows from a neighbour, so borrowed values stay distinct.
_ROTATION_OFFSET = 1 << 56


def _normalise(text: str) -> str:
    """Fold text and drop punctuation and spaces, so layout changes do not affect similarity."""
    return _NOISE_RE.sub("", fold(text))


def shingles(text: str, k: int = 2) -> set[str]:
    """Return the set of k-character shingles of the normalised text (the whole text if shorter)."""
    norm = _normalise(text)
    if len(norm) <= k:
        return {norm} if norm else set()
    return {norm[i : i + k] for i in range(len(norm) - k + 1)}


def _hash(shingle: str) -> int:
    """Hash a shingle to 64 bits, stable across processes and versions (unlike hash())."""
    hasher = _HASHER.copy()
    hasher.update(shingle.encode())
    return int.from_bytes(hasher.digest(), "little")


def signature(text: str, k: int = 2, num_perm: int = NUM_PERM) -> list[int]:
    """MinHash signature by one-permutation hashing with rotation densification (one hash per shingle)."""
    bins = [_MAX] * num_perm
    for h in map(_hash, shingles(text, k)):
        index, value = h % num_perm, h // num_perm
        if value < bins[index]:
            bins[index] = value
    filled = [i for i, value in enumerate(bins) if value != _MAX]
    if not filled or len(filled) == num_perm:
        return bins
    # Each empty bin borrows the next filled bin to its right (circularly), offset by the distance.
    result = list(bins)
    next_filled = filled[0] + num_perm
    for i in range(num_perm - 1, -1, -1):
        if bins[i] != _MAX:
            next_filled = i
        else:
            distance = next_filled - i
            result[i] = bins[next_filled % num_perm] + distance * _ROTATION_OFFSET
    return result


def similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """Estimate the Jaccard similarity of two texts from their signatures."""
    if len(sig_a) != len(sig_b) or not sig_a:
        raise ValueError("signatures must be non-empty and of equal length")
    if all(value == _MAX for value in sig_a) and all(value == _MAX for value in sig_b):
        return 1.0
    return sum(a == b for a, b in zip(sig_a, sig_b, strict=True)) / len(sig_a)


def band_keys(sig: list[int], bands: int = BANDS) -> list[str]:
    """LSH band keys ("band:hash") to store in an indexed column; texts sharing a key are candidates."""
    if not sig or len(sig) % bands:
        raise ValueError("signature length must be a multiple of the band count")
    rows = len(sig) // bands
    keys: list[str] = []
    for band in range(bands):
        chunk = b"".join(value.to_bytes(8, "little") for value in sig[band * rows : (band + 1) * rows])
        keys.append(f"{band:02d}:{blake2b(chunk, digest_size=8).hexdigest()}")
    return keys


def jaccard(text_a: str, text_b: str, k: int = 2) -> float:
    """Exact Jaccard similarity of the shingle sets, for verifying LSH candidates."""
    a, b = shingles(text_a, k), shingles(text_b, k)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
