"""统一社会信用代码 (unified social credit code, GB 32100-2015): format and check digit.

18 characters: 登记管理部门代码 (1), 机构类别代码 (1), 登记管理机关行政区划码 (6 digits),
主体标识码 (9, the organisation code) and a check character. The alphabet is the digits and the
upper-case letters without I, O, Z, S and V (31 characters); the check character is
``31 - (Σ value(cᵢ)·wᵢ mod 31)`` with 31 written as 0.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
LENGTH = 18


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (already valid alphabet)."""
    if len(first17) != LENGTH - 1:
        raise ValueError("需要 17 位本体代码")
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码 (a Chinese message), or None if it is."""
    if len(code) != LENGTH:
        return f"统一社会信用代码应为 18 位（当前 {len(code)} 位）"
    bad = sorted({ch for ch in code if ch not in _VALUES})
    if bad:
        return "统一社会信用代码含有不允许的字符：" + "、".join(bad) + "（不使用 I、O、Z、S、V）"
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3–8 位应为行政区划码（数字）"
    expected = check_character(code[:17])
    if code[17] != expected:
        return "统一社会信用代码校验位不正确"
    return None


def normalize_credit_code(raw: str) -> str:
    """Trim, drop inner spaces and upper-case (people type lower case and spaces)."""
    return "".join(raw.split()).upper()


def is_valid_credit_code(code: str) -> bool:
    return credit_code_error(code) is None


def make_credit_code(first17: str) -> str:
    """A complete code from 17 characters (for tests and demo data)."""
    return first17 + check_character(first17)
