"""Charts for documents rendered to PNG on the server with Pillow (matplotlib is not a dependency).

Labels are drawn with a CJK font when one is installed ("1月" over "2026年"); otherwise in digits ("01" over
"2026") and the document prints the series' names beside the image. Axis labels are never cut.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
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


@dataclass
class Chart:
    """A drawn chart: the PNG, whether labels are in words, and the axis labels drawn (lines, each whole)."""

    png: bytes
    has_cjk: bool
    axis_labels: list[tuple[str, ...]] = field(default_factory=list)
    slot_width: float = 0.0
    label_widths: list[float] = field(default_factory=list)


def month_labels(keys: list[str], *, words: bool) -> list[tuple[str, ...]]:
    """Axis labels of "2026-01"-style month keys: the month, and the year under the first month and each
    January ("1月" / "2026年"; "01" / "2026" without a CJK font) — whole, never cut."""
    out: list[tuple[str, ...]] = []
    for i, key in enumerate(keys):
        year, _sep, month = key.partition("-")
        top = f"{int(month)}月" if words else month
        if i == 0 or month == "01":
            out.append((top, f"{year}年" if words else year))
        else:
            out.append((top,))
    return out


def bar_chart(
    labels: list[str], series: list[tuple[str, list[float]]], *, width: int = 1200, height: int = 520
) -> Chart:
    """Grouped vertical bars over month keys ("2026-01"); the axis labels are whole (the font shrinks until the
    widest fits its slot)."""
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
    axis = month_labels(labels, words=has_cjk)
    size = 20
    label_font = font
    while (
        size > 8 and max((label_font.getlength(line) for lines in axis for line in lines), default=0) > slot
    ):
        size -= 1
        label_font, _cjk = _font(size)
    widths = []
    for i, _label in enumerate(labels):
        for s, (_name, values) in enumerate(series):
            value = values[i] if i < len(values) else 0
            x0 = left + slot * i + slot * 0.15 + bar * s
            y0 = top + plot_h - plot_h * value / peak
            draw.rectangle([x0, y0, x0 + bar - 2, top + plot_h], fill=colours[s % 3])
            draw.text((x0, y0 - 22), f"{value:g}", fill=GREY, font=font)
        for line_no, line in enumerate(axis[i]):
            length = label_font.getlength(line)
            widths.append(length)
            x = left + slot * i + (slot - length) / 2
            draw.text((x, top + plot_h + 8 + line_no * (size + 6)), line, fill=GREY, font=label_font)
    for s, (name, _values) in enumerate(series):
        draw.rectangle([width - 260 + s * 120, 10, width - 245 + s * 120, 25], fill=colours[s % 3])
        draw.text((width - 240 + s * 120, 6), name if has_cjk else f"S{s + 1}", fill=GREY, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return Chart(out.getvalue(), has_cjk, axis, slot, widths)
