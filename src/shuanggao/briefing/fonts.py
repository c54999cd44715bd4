"""The CJK fonts of the briefing. GB/T 9704 sets the title in 方正小标宋 and the text in 仿宋;
where those are installed they are used, else Noto Serif CJK SC (Debian's fonts-noto-cjk, which
the set-up installs). The .docx names the font families (Word substitutes what the reader has);
the PDF embeds the font files found here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
NOTO_FAMILY = "Noto Serif CJK SC"
# Noto Serif CJK collections hold JP, KR, SC, TC, HK in this order.
NOTO_SC_INDEX = 2


@dataclass(frozen=True)
class FontFile:
    family: str  # the name a .docx asks for
    path: Path
    index: int = 0  # face in a .ttc collection


@dataclass(frozen=True)
class BriefingFonts:
    title: FontFile  # 标题 (方正小标宋 style)
    body: FontFile  # 正文 (仿宋 style)
    bold: FontFile  # 正文 emphasis and table heads


class FontsMissing(RuntimeError):
    """No CJK font is installed: the set-up installs fonts-noto-cjk."""


# (file name, docx family) of official-document fonts, in order of preference.
_TITLE_FONTS = (("FZXBSJW.TTF", "方正小标宋简体"), ("FZXiaoBiaoSong-B05S.ttf", "方正小标宋简体"))
_BODY_FONTS = (("FZFSK.TTF", "方正仿宋简体"), ("simfang.ttf", "仿宋"), ("STFANGSO.TTF", "华文仿宋"))


def _find(name: str) -> Path | None:
    wanted = name.lower()
    for root in FONT_DIRS:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.name.lower() == wanted:
                return path
    return None


def _first(candidates: tuple[tuple[str, str], ...]) -> FontFile | None:
    for file_name, family in candidates:
        path = _find(file_name)
        if path is not None:
            return FontFile(family, path)
    return None


@cache
def briefing_fonts() -> BriefingFonts:
    regular = _find("NotoSerifCJK-Regular.ttc")
    bold = _find("NotoSerifCJK-Bold.ttc") or regular
    if regular is None or bold is None:
        raise FontsMissing(
            "未找到中文字体（Noto Serif CJK）：请安装 fonts-noto-cjk（.ci/run 会安装）。"
        )
    noto = FontFile(NOTO_FAMILY, regular, NOTO_SC_INDEX)
    noto_bold = FontFile(NOTO_FAMILY, bold, NOTO_SC_INDEX)
    return BriefingFonts(
        title=_first(_TITLE_FONTS) or noto_bold,
        body=_first(_BODY_FONTS) or noto,
        bold=noto_bold,
    )
