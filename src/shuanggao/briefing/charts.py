"""The briefing's charts as PNG images (Pillow, with the briefing's CJK font): 五个一
completeness per pilot and records per task area. The same image goes into the .docx and the
PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from shuanggao.briefing.fonts import FontFile

WIDTH = 1600
ROW = 44
TOP = 130
LEFT = 420
RIGHT = 140
BAR = 26
COLOURS = ("#b22222", "#e08a2c", "#3b6ea8")
INK = "#222222"
GRID = "#d0d0d0"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


def _font(font: FontFile, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font.path), size=size, index=font.index)


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    font: FontFile,
    *,
    maximum: float | None = None,
    unit: str = "",
) -> bytes:
    """Horizontal bars, one row per label; several series are stacked side by side in a row."""
    rows = max(len(labels), 1)
    per_row = ROW * max(len(series), 1)
    height = TOP + rows * per_row + 60
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    title_font, text_font, small = _font(font, 34), _font(font, 24), _font(font, 20)
    draw.text((30, 24), title, fill=INK, font=title_font)
    top = max((v for s in series for v in s.values), default=0.0)
    scale_max = maximum if maximum is not None else (top or 1.0)
    span = WIDTH - LEFT - RIGHT
    for quarter in range(5):
        x = LEFT + span * quarter / 4
        draw.line([(x, TOP - 10), (x, TOP + rows * per_row)], fill=GRID, width=1)
        mark = scale_max * quarter / 4
        draw.text((x - 20, TOP + rows * per_row + 8), f"{mark:g}{unit}", fill=INK, font=small)
    for i, label in enumerate(labels):
        y0 = TOP + i * per_row
        draw.text((30, y0 + (per_row - 28) / 2), label[:16], fill=INK, font=text_font)
        for j, s in enumerate(series):
            value = s.values[i]
            y = y0 + j * (per_row / max(len(series), 1)) + 6
            length = span * (value / scale_max) if scale_max else 0
            colour = COLOURS[j % len(COLOURS)]
            draw.rectangle([(LEFT, y), (LEFT + max(length, 1), y + BAR)], fill=colour)
            draw.text((LEFT + length + 8, y), f"{value:g}{unit}", fill=INK, font=small)
    if len(series) > 1:
        x = LEFT
        for j, s in enumerate(series):
            draw.rectangle([(x, TOP - 42), (x + 24, TOP - 18)], fill=COLOURS[j % len(COLOURS)])
            draw.text((x + 32, TOP - 44), s.label, fill=INK, font=small)
            x += 60 + int(draw.textlength(s.label, font=small))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
