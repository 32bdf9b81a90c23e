"""Charts for documents rendered to PNG on the server with Pillow (matplotlib is not a dependency).

Labels are drawn with a CJK font when one is installed; otherwise bars carry numbers and the document prints
the legend beside the image.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
]
RED, BLUE, GREY = (192, 0, 0), (54, 104, 170), (90, 90, 90)


def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size=size), False


def bar_chart(
    labels: list[str], series: list[tuple[str, list[float]]], *, width: int = 1200, height: int = 520
) -> tuple[bytes, bool]:
    """Grouped vertical bars; returns (PNG bytes, whether labels are in words or in numbers)."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, has_cjk = _font(20)
    left, right, top, bottom = 70, 20, 40, 80
    peak = max([v for _name, values in series for v in values] + [1])
    plot_w, plot_h = width - left - right, height - top - bottom
    draw.line([(left, top), (left, top + plot_h), (left + plot_w, top + plot_h)], fill=GREY, width=2)
    for step in range(5):
        y = top + plot_h - plot_h * step / 4
        draw.text((8, y - 10), f"{peak * step / 4:.0f}", fill=GREY, font=font)
    groups = max(len(labels), 1)
    slot = plot_w / groups
    bar = slot * 0.7 / max(len(series), 1)
    colours = [BLUE, RED, GREY]
    for i, label in enumerate(labels):
        for s, (_name, values) in enumerate(series):
            value = values[i] if i < len(values) else 0
            x0 = left + slot * i + slot * 0.15 + bar * s
            y0 = top + plot_h - plot_h * value / peak
            draw.rectangle([x0, y0, x0 + bar - 2, top + plot_h], fill=colours[s % 3])
            draw.text((x0, y0 - 22), f"{value:g}", fill=GREY, font=font)
        text = label if has_cjk else str(i + 1)
        draw.text((left + slot * i + slot * 0.15, top + plot_h + 10), text[:6], fill=GREY, font=font)
    for s, (name, _values) in enumerate(series):
        draw.rectangle([width - 260 + s * 120, 10, width - 245 + s * 120, 25], fill=colours[s % 3])
        draw.text((width - 240 + s * 120, 6), name if has_cjk else f"S{s + 1}", fill=GREY, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue(), has_cjk
