from __future__ import annotations

import pytest

from shuanggao.enterprises.credit_code import (
    check_character,
    credit_code_error,
    is_valid_credit_code,
    make_credit_code,
    normalize_credit_code,
)

# Codes of real, publicly registered organisations (published on their licences).
REAL_CODES = [
    "91350100M000100Y43",  # the GB 32100-2015 worked example
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "914403001922038216",  # 华为技术有限公司
    "91330100799655058B",  # 网易（杭州）网络有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code: str) -> None:
    assert credit_code_error(code) is None
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "统一社会信用代码校验位不正确"),
        ("91110000802100433C", "统一社会信用代码校验位不正确"),
        ("91350100M000100Y4", "统一社会信用代码应为 18 位（当前 17 位）"),
        ("91350100M000100Y433", "统一社会信用代码应为 18 位（当前 19 位）"),
        ("91350100M0001O0Y43", "统一社会信用代码含有不允许的字符：O（不使用 I、O、Z、S、V）"),
        ("9135010IZ000100S43", "统一社会信用代码含有不允许的字符：I、S、Z（不使用 I、O、Z、S、V）"),
        ("913501V0M000100Y43", "统一社会信用代码含有不允许的字符：V（不使用 I、O、Z、S、V）"),
        ("91350100m000100y43", "统一社会信用代码含有不允许的字符：m、y（不使用 I、O、Z、S、V）"),
        ("9135A100M000100Y43", "统一社会信用代码第 3–8 位应为行政区划码（数字）"),
    ],
)
def test_invalid_codes_say_why(code: str, message: str) -> None:
    assert credit_code_error(code) == message
    assert not is_valid_credit_code(code)


def test_check_character_zero_when_sum_is_multiple_of_31() -> None:
    # Weighted sum ≡ 0 (mod 31) gives 31, written as 0: all-zero body.
    assert check_character("0" * 17) == "0"
    assert make_credit_code("0" * 17) == "0" * 18


def test_every_single_character_change_is_caught() -> None:
    code = REAL_CODES[1]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for i in range(8, 17):  # the body positions (any character allowed there)
        for ch in alphabet:
            if ch == code[i]:
                continue
            changed = code[:i] + ch + code[i + 1 :]
            assert not is_valid_credit_code(changed), changed


def test_normalize() -> None:
    assert normalize_credit_code(" 9111 0000802100433b ") == "91110000802100433B"
