"""Print throughput of text cleaning and folding (MB/s), and the cost of a MinHash signature (ms)."""

from __future__ import annotations

import random
import time

from taizhang.pure.cleaning import clean
from taizhang.pure.fold import bigrams, fold
from taizhang.pure.minhash import signature

PHRASES = [
    "打掉涉黑組織5個,惡勢力犯罪集團12個;",
    "領(lǐng)導(dǎo)小組召開全體(擴(kuò)大)會議,",
    "破获刑事案件1234起，抓获犯罪嫌疑人5678人。",
    "查封扣押凍結涉案資產23.5億元(名單附后)。",
    "開展?jié)L動排查,",
    "是誰在背後保護“小四毛”?",
    "See http://example.com/a?b=1, version 3.14 and 1,000 items. ",
    "批捕涉黑涉恶犯罪嫌疑人120件356人;起诉98件301人!",
    "\n",
]


def generate(size_bytes: int, seed: int = 7) -> str:
    """Generate report-like text of roughly the given UTF-8 size."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size_bytes:
        phrase = rng.choice(PHRASES)
        parts.append(phrase)
        total += len(phrase.encode())
    return "".join(parts)


def measure(label: str, text: str, func: object, repeat: int = 3) -> None:
    """Run func over text a few times and print the best throughput in MB/s."""
    size = len(text.encode()) / 1e6
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(text)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    print(f"{label:<28} {size:6.2f} MB  {size / best:8.1f} MB/s")


def main() -> None:
    """Benchmark cleaning variants and search folding."""
    text = generate(4_000_000)
    clean(text[:1000])  # warm caches (script tables, readings)
    measure("clean(to=None)", text, clean)
    measure("clean(to='simplified')", text, lambda t: clean(t, "simplified"))
    measure("fold", text, fold)
    chunks = [text[i : i + 2000] for i in range(0, 1_000_000, 2000)]
    joined = "".join(chunks)
    measure("bigrams (2000-char docs)", joined, lambda _t: [bigrams(c) for c in chunks], repeat=1)
    rng = random.Random(3)
    clue = "".join(chr(rng.randrange(0x4E00, 0x4E00 + 3000)) for _ in range(500))
    signature(clue)
    runs = 500
    start = time.perf_counter()
    for _ in range(runs):
        signature(clue)
    print(f"{'minhash signature (500 chars)':<28} {(time.perf_counter() - start) / runs * 1000:8.3f} ms")


if __name__ == "__main__":
    main()
